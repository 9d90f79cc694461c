package io.hanfs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.function.Effect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {
  /** Only for Pekko's awaitAssert: the process under test is no actor. */
  static final ActorTestKit kit = ActorTestKit.create();

  @TempDir
  Path dir;

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  static void awaitAssert(Effect check) {
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(20), () -> {
      check.apply();
      return null;
    });
  }

  /** A server that writes a line every 50 ms: its log is capped while it runs, and it goes on writing at the new start. */
  @Test
  void aServersLogIsCappedWhileItRuns() throws Exception {
    Path log = dir.resolve("server.log");
    ManagedProcess p = new ManagedProcess("/usr/bin/python3", dir.resolve("server.pid"), log, "hanfs-log-test");
    p.start(List.of("/usr/bin/python3", "-u", "-c", "import time\nfor i in range(400): print('hanfs-log-test line', i); time.sleep(0.05)"));
    try {
      awaitAssert(() -> assertTrue(Files.size(log) > 0, "the server wrote nothing"));
      // Grown past the cap, as by months of a chatty server.
      Files.write(log, new byte[(int) ManagedProcess.MAX_LOG + 1024], StandardOpenOption.APPEND);
      assertTrue(p.running().isPresent(), "the monitor's question, which caps the log");
      assertTrue(Files.size(dir.resolve("server.log.1")) > ManagedProcess.MAX_LOG);
      long after = Files.size(log);
      assertTrue(after < 1 << 20, "truncated: " + after);
      awaitAssert(() -> assertTrue(Files.size(log) > after + 100, "the server wrote no more: " + Files.size(log)));
      byte[] now = Files.readAllBytes(log);
      assertTrue(now.length > 0 && now.length < 1 << 20, "the server wrote on at the start of the file, not after a hole: " + now.length);
      assertEquals(-1, new String(now, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\0'), "no hole of zeros");
    } finally {
      assertTrue(p.stop(Duration.ofSeconds(10)));
    }
  }
}
