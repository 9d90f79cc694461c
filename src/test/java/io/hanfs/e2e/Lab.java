package io.hanfs.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives deploy/lab/nslab (the real namespace lab) from tests: every call is an argument list
 * with a timeout, and its output is kept for the assertion messages.
 */
final class Lab {
  record Result(int code, String out, String err) {
    boolean ok() {
      return code == 0;
    }

    @Override
    public String toString() {
      return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  final Path root = Path.of(System.getProperty("hanfs.root", "../..")).toAbsolutePath().normalize();
  final String name;
  final String net;
  final Map<String, String> env;

  Lab(String name, String net) {
    this(name, net, Map.of());
  }

  /** {@code extraEnv}: e.g. HANFS_LAB_NODES and HANFS_LAB_SUPERVISE for the three-node lab. */
  Lab(String name, String net, Map<String, String> extraEnv) {
    this.name = name;
    this.net = net;
    java.util.HashMap<String, String> e = new java.util.HashMap<>(Map.of("HANFS_LAB", name, "HANFS_LAB_NET", net, "HANFS_CLIENT_TIMEOUT", "5"));
    e.putAll(extraEnv);
    this.env = Map.copyOf(e);
  }

  /** With HANFS_LAB_IPV6=1 the VIP and the nodes' addresses are in the ULA prefix nslab derives from the net. */
  boolean ipv6() {
    return "1".equals(env.get("HANFS_LAB_IPV6"));
  }

  /** The lab's IPv6 prefix (as nslab makes it: fd42:O2:O3::/64 from the net's last two octets). */
  String net6() {
    String[] o = net.split("\\.");
    return "fd42:" + o[1] + ":" + o[2] + ":";
  }

  String vip() {
    return ipv6() ? net6() + ":100" : net + ".100";
  }

  String srv() {
    return "/srv/hanfs-" + name;
  }

  Path dir() {
    return Path.of("/var/tmp/hanfs-lab", name);
  }

  /** As {@link #nslab(Duration, String...)} with one environment variable changed (e.g. a shorter client timeout). */
  Result nslabWith(Map<String, String> more, Duration timeout, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(root.resolve("deploy/lab/nslab").toString());
    argv.addAll(List.of(args));
    java.util.HashMap<String, String> e = new java.util.HashMap<>(env);
    e.putAll(more);
    return exec(argv, timeout, e);
  }

  Result nslab(Duration timeout, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(root.resolve("deploy/lab/nslab").toString());
    argv.addAll(List.of(args));
    return exec(argv, timeout, env);
  }

  static Result exec(List<String> argv, Duration timeout, Map<String, String> env) {
    try {
      Path out = Files.createTempFile("lab", ".out");
      Path err = Files.createTempFile("lab", ".err");
      ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      Result r = new Result(done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
