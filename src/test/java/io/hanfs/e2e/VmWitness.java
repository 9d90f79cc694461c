package io.hanfs.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The VM lab's witness: a hanfs daemon of this build on the host, in a network namespace of its
 * own whose one link (lab0, a veth) is a port of the guests' bridge, at the witness's address.
 * A witness holds no data and runs no kernel service, so it needs no emulated machine: as a
 * third TCG guest its JVM, beside the data guests' two on two host cores, starved the cluster's
 * cold start past its bound in CI. It speaks the systemd notify protocol to a {@link
 * NotifyListener} in this JVM, standing in for systemd (Type=notify, WatchdogSec=20s), as under
 * hanfs.service. Everything is ended by {@link #close()}: the daemon by its process, the namespace
 * (and with it the veth) by name.
 */
final class VmWitness implements AutoCloseable {
  static final String NODE = "w";
  static final String ADDRESS = VmLab.NET + "." + VmLab.WITNESS_HOST;
  static final String NETNS = "hfvm-w";
  static final String HOST_LINK = "hfvm-w0";

  final Path dir;
  final Path log;
  final Path notifyLog;
  private final Path notifySocket;
  private Process daemon;
  private Thread notifyListener;
  private boolean netUp;

  VmWitness(Path labDir) {
    this.dir = labDir.resolve("witness");
    this.log = dir.resolve("hanfs.log");
    this.notifyLog = dir.resolve("notify.log");
    this.notifySocket = dir.resolve("notify.sock");
  }

  Path stateDir() {
    return dir.resolve("state");
  }

  /** The namespace with its link on the lab's bridge, at the witness's address. */
  private void network() {
    if (netUp) return;
    VmLab.check(List.of("ip", "netns", "add", NETNS));
    netUp = true;
    VmLab.check(List.of("ip", "link", "add", HOST_LINK, "type", "veth", "peer", "name", "lab0", "netns", NETNS));
    VmLab.check(List.of("ip", "link", "set", HOST_LINK, "master", VmLab.BRIDGE));
    VmLab.check(List.of("ip", "link", "set", HOST_LINK, "up"));
    in("ip", "link", "set", "lo", "up");
    in("ip", "addr", "add", ADDRESS + "/24", "dev", "lab0");
    in("ip", "link", "set", "lab0", "up");
  }

  private Lab.Result in(String... argv) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NETNS));
    cmd.addAll(List.of(argv));
    Lab.Result r = Lab.exec(cmd, Duration.ofSeconds(30), Map.of());
    if (!r.ok()) throw new IllegalStateException(cmd + ": " + r);
    return r;
  }

  /**
   * Starts the daemon with {@code config} (the lab's, with this host's state directory and TLS
   * files), in maintenance mode if asked (the flag file a daemon reads at start).
   */
  void start(String config, boolean maintenance) throws IOException {
    if (daemon != null && daemon.isAlive()) throw new IllegalStateException("the witness's daemon runs already");
    network();
    Files.createDirectories(stateDir().resolve("flags"));
    if (maintenance) Files.writeString(stateDir().resolve("flags/maintenance"), "on\n");
    Path file = dir.resolve("hanfs.conf");
    Files.writeString(file, config);
    startNotifyListener();
    ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", NETNS, VmLab.ROOT.resolve("deploy/hanfs").toString(), "run", "--config", file.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().putAll(Map.of("HANFS_NODE", NODE, "NOTIFY_SOCKET", notifySocket.toString(), "WATCHDOG_USEC", "20000000",
        "HANFS_DEBUG_LOGGERS", "io.hanfs.exec"));
    daemon = pb.start();
  }

  private void startNotifyListener() throws IOException {
    if (notifyListener != null) return;
    Files.deleteIfExists(notifySocket);
    notifyListener = new Thread(() -> {
      try {
        NotifyListener.main(new String[] {notifySocket.toString(), notifyLog.toString()});
      } catch (IOException e) {
        System.out.println("vm witness: the notify listener ended: " + e);
      }
    }, "vm-witness-notify");
    notifyListener.setDaemon(true);
    notifyListener.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(notifySocket) && System.nanoTime() < deadline) sleep(50);
    if (!Files.exists(notifySocket)) throw new IOException("the notify listener did not bind " + notifySocket);
  }

  /** The lines the daemon sent to its notify socket, each with the time it came (ms). */
  List<String> notifications() throws IOException {
    return Files.exists(notifyLog) ? Files.readAllLines(notifyLog) : List.of();
  }

  /**
   * Waits up to {@code max} for READY=1 and {@code pings} WATCHDOG=1 lines, then checks them as
   * hanfs.service's systemd would take them (Type=notify, WatchdogSec=20s): READY=1 only after a
   * STATUS line saying the node is a member, no gap between pings that would let the watchdog
   * fire. Returns a one-line summary; throws AssertionError with every line otherwise.
   */
  String awaitReadyAndWatchdog(int pings, Duration max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    List<String> lines = notifications();
    while (System.nanoTime() < deadline && !(lines.stream().filter(l -> l.endsWith(" WATCHDOG=1")).count() >= pings && lines.stream().anyMatch(l -> l.endsWith(" READY=1")))) {
      Thread.sleep(2000);
      lines = notifications();
    }
    int ready = -1;
    for (int i = 0; i < lines.size() && ready < 0; i++) if (lines.get(i).endsWith(" READY=1")) ready = i;
    if (ready < 0) throw new AssertionError("no READY=1 within " + max.toSeconds() + " s: " + lines);
    String lastStatus = "";
    for (int i = 0; i < ready; i++) if (lines.get(i).contains(" STATUS=")) lastStatus = lines.get(i);
    if (!lastStatus.contains("STATUS=" + NODE + " member")) throw new AssertionError("READY only once a member; the status before it: " + lastStatus + " in " + lines);
    List<Long> at = lines.stream().filter(l -> l.endsWith(" WATCHDOG=1")).map(l -> Long.parseLong(l.substring(0, l.indexOf(' ')))).toList();
    if (at.size() < pings) throw new AssertionError(at.size() + " watchdog pings within " + max.toSeconds() + " s, wanted " + pings + ": " + lines);
    long longest = 0;
    for (int i = 1; i < at.size(); i++) longest = Math.max(longest, at.get(i) - at.get(i - 1));
    if (longest >= 20_000) throw new AssertionError("a gap between pings would have let systemd's watchdog fire: " + longest + " ms in " + lines);
    return "READY=1 after " + ready + " lines, " + at.size() + " watchdog pings, longest gap " + longest + " ms (WatchdogSec=20s)";
  }

  /**
   * A request to the witness's management endpoint (HTTP on its loopback, as the guests' daemons
   * have it), with its API token, from inside its namespace.
   */
  VmCluster.Http http(String method, String path, Duration timeout) {
    Path token = stateDir().resolve("api-token");
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", NETNS, "curl", "-s", "-m", String.valueOf(timeout.toSeconds()), "-w", "\n%{http_code}", "-X", method));
    try {
      if (Files.exists(token)) argv.addAll(List.of("-H", "Authorization: Bearer " + Files.readString(token).strip()));
    } catch (IOException e) {
      return new VmCluster.Http(0, "cannot read " + token + ": " + e.getMessage());
    }
    argv.add("http://127.0.0.1:7626" + path);
    Lab.Result r = Lab.exec(argv, timeout.plusSeconds(15), Map.of());
    String out = r.out().stripTrailing();
    int nl = out.lastIndexOf('\n');
    String code = nl < 0 ? out : out.substring(nl + 1);
    return new VmCluster.Http(code.matches("\\d{3}") ? Integer.parseInt(code) : 0, nl < 0 ? r.toString() : out.substring(0, nl));
  }

  /** The daemon's log (empty before its first start). */
  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    if (daemon != null) {
      // The launcher execs the JVM: this process is the daemon; SIGTERM is its clean stop.
      daemon.destroy();
      try {
        if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
          daemon.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      daemon = null;
    }
    if (netUp) {
      Lab.exec(List.of("ip", "netns", "del", NETNS), Duration.ofSeconds(30), Map.of());
      netUp = false;
    }
  }
}
