package io.hanfs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lab's webhook receiver (deploy/lab/alert-receiver) in the client namespace, started and
 * ended by this test by its process handle; what it received, one JSON payload per line.
 */
final class AlertReceiver implements AutoCloseable {
  final String url;
  private final Path log;
  private final Process process;

  AlertReceiver(Path root, String namespace, String address, int port, Path log) throws IOException {
    this.url = "http://" + address + ":" + port + "/hook";
    this.log = log;
    Files.deleteIfExists(log);
    this.process = new ProcessBuilder("ip", "netns", "exec", namespace, "python3", root.resolve("deploy/lab/alert-receiver").toString(), address,
        String.valueOf(port), log.toString()).redirectErrorStream(true).redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile()).start();
  }

  List<JsonNode> received() {
    List<JsonNode> out = new ArrayList<>();
    try {
      if (!Files.exists(log)) return out;
      for (String line : Files.readAllLines(log)) {
        if (!line.isBlank()) out.add(ClusterLab.JSON.readTree(line));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The first position of each wanted event (kind, and node when given) among those at or after {@code sinceMillis}; waits up to {@code max}. */
  List<Integer> awaitInOrder(long sinceMillis, Duration max, List<String[]> wanted) {
    long deadline = System.nanoTime() + max.toNanos();
    List<Integer> found = positions(sinceMillis, wanted);
    while (found.contains(-1) && System.nanoTime() < deadline) {
      ClusterLab.sleep(250);
      found = positions(sinceMillis, wanted);
    }
    return found;
  }

  private List<Integer> positions(long sinceMillis, List<String[]> wanted) {
    List<JsonNode> got = received().stream().filter(j -> j.path("atMillis").asLong() >= sinceMillis).toList();
    List<Integer> out = new ArrayList<>();
    for (String[] w : wanted) {
      int at = -1;
      for (int i = 0; i < got.size() && at < 0; i++) {
        JsonNode j = got.get(i);
        if (j.path("event").asText().equals(w[0]) && (w.length < 2 || j.path("node").asText().equals(w[1]))) at = i;
      }
      out.add(at);
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
  }
}
