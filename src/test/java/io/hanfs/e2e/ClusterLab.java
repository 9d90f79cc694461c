package io.hanfs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Three hanfs nodes (n1, n2 data; w witness) and an NFS client in network namespaces, supervised
 * as systemd would; a client that writes numbered records through the VIP every 100 ms, and a
 * sampler that checks every node's interfaces for the VIP. Shared by the end-to-end tests (which
 * assert safety) and the failover benchmark (which prints figures).
 */
final class ClusterLab implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration SHORT = Duration.ofSeconds(30);
  static final List<String> DATA = List.of("n1", "n2");

  final Lab lab;
  final Path sample;
  private Thread writer;
  private Thread sampler;
  private final AtomicBoolean running = new AtomicBoolean();
  final List<long[]> acked = Collections.synchronizedList(new ArrayList<>()); // {record, completedAtMillis}
  final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private int nextRecord = 1;

  ClusterLab(String name, String net) throws IOException {
    this(name, net, Map.of());
  }

  /** {@code env}: more of nslab's settings, e.g. HANFS_LAB_ALERT_WEBHOOK. */
  ClusterLab(String name, String net, Map<String, String> env) throws IOException {
    java.util.HashMap<String, String> e = new java.util.HashMap<>(Map.of("HANFS_LAB_NODES", "n1 n2 w", "HANFS_LAB_SUPERVISE", "1"));
    e.putAll(env);
    lab = new Lab(name, net, e);
    sample = Files.createTempFile("hanfs-record", ".txt");
    Files.writeString(sample, "record\n");
  }

  void up() {
    // The witness first: it hosts the leader.
    up(List.of("w", "n1", "n2"));
    awaitActive(Duration.ofSeconds(60));
  }

  /** Creates the lab and starts the given daemons in that order (each until its management port answers). */
  void up(List<String> nodes) {
    up(nodes, () -> { });
  }

  /** {@code beforeStart} runs once the namespaces exist, before any daemon starts. */
  void up(List<String> nodes, Runnable beforeStart) {
    lab.nslab(SHORT, "down");
    check(lab.nslab(Duration.ofSeconds(90), "up"));
    beforeStart.run();
    for (String n : nodes) check(lab.nslab(Duration.ofSeconds(60), "start", n));
  }

  /** The pid of a node's daemon as its supervisor recorded it (0 if none). */
  long pid(String node) {
    try {
      return Long.parseLong(Files.readString(lab.dir().resolve(node + ".pid")).strip());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** Lines of a node's log that contain {@code text}. */
  long logLines(String node, String text) {
    try (var lines = Files.lines(lab.dir().resolve(node + ".log"))) {
      return lines.filter(l -> l.contains(text)).count();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** The up members of the cluster {@code node} is in, as that node's own Pekko sees them. */
  Set<String> membersSeenBy(String node) {
    Map<String, String> names = Map.of(lab.net + ".11", "n1", lab.net + ".12", "n2", lab.net + ".13", "w");
    Lab.Result r = lab.nslab(SHORT, "http", node, "GET", "/cluster/members");
    Set<String> up = new java.util.TreeSet<>();
    String out = r.out().strip();
    if (!r.ok() || !out.endsWith("200")) return up;
    try {
      JsonNode j = JSON.readTree(out.substring(0, out.lastIndexOf('\n')));
      for (JsonNode m : j.path("members")) {
        String host = m.path("node").asText().replaceAll("^.*@", "").replaceAll(":\\d+$", "");
        if (m.path("status").asText().equals("Up")) up.add(names.getOrDefault(host, host));
      }
    } catch (IOException e) {
      // not an answer yet
    }
    return up;
  }

  /** Waits until {@code node} is in the cluster of all three and the leader sees it up; returns the wait (ms). */
  long awaitMemberOfAll(String node, Duration max) {
    long t0 = System.nanoTime();
    long deadline = t0 + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (membersSeenBy(node).equals(Set.of("n1", "n2", "w")) && memberUp(node)) return (System.nanoTime() - t0) / 1_000_000;
      sleep(200);
    }
    throw new AssertionError(node + " is not a member of the cluster after " + max.toSeconds() + " s: it sees " + membersSeenBy(node)
        + "\n" + node + ":\n" + log(node));
  }

  /**
   * kill -9 of {@code node}'s daemon; its supervisor runs the fence step and starts it again.
   * Returns the time from the kill until it is a member of the whole cluster again (ms).
   */
  long killAndAwaitRejoin(String node) {
    long before = pid(node);
    long t0 = System.nanoTime();
    check(lab.nslab(SHORT, "kill", node, "KILL"));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while ((pid(node) == before || pid(node) == 0) && System.nanoTime() < deadline) sleep(100);
    awaitMemberOfAll(node, Duration.ofSeconds(120));
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** True when the leader shows {@code node} as an up, reachable member. */
  boolean memberUp(String node) {
    Optional<JsonNode> c = cluster();
    if (c.isEmpty()) return false;
    for (JsonNode m : c.get().path("members")) {
      if (m.path("node").asText().equals(node) && m.path("status").asText().equals("up") && m.path("reachable").asBoolean()) return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    stopClient();
    Files.deleteIfExists(sample);
    keepLogs();
    check(lab.nslab(Duration.ofSeconds(90), "down"));
  }

  /** The daemons' logs outlive the lab (which `down` removes) under target/ns-logs/, for a failure's post-mortem. */
  private void keepLogs() {
    Path to = Path.of("target", "ns-logs", lab.dir().getFileName().toString());
    try (var logs = Files.newDirectoryStream(lab.dir(), "*.log")) {
      Files.createDirectories(to);
      for (Path log : logs) Files.copy(log, to.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.err.println("could not keep the lab's logs in " + to + ": " + e);
    }
  }

  static Lab.Result check(Lab.Result r) {
    if (!r.ok()) throw new IllegalStateException(r.toString());
    return r;
  }

  String log(String node) {
    try {
      List<String> lines = Files.readAllLines(lab.dir().resolve(node + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** The cluster status from the leader, asked through any node that answers. */
  Optional<JsonNode> cluster() {
    for (String n : List.of("w", "n2", "n1")) {
      Lab.Result r = lab.nslab(Duration.ofSeconds(15), "http", n, "GET", "/hanfs/cluster");
      String out = r.out().strip();
      if (r.ok() && out.endsWith("200")) {
        try {
          return Optional.of(JSON.readTree(out.substring(0, out.lastIndexOf('\n'))));
        } catch (IOException e) {
          // try the next node
        }
      }
    }
    return Optional.empty();
  }

  Optional<String> activeNode() {
    return cluster().map(c -> c.path("resources").get(0).path("activeNode")).filter(n -> n.isTextual()).map(JsonNode::asText);
  }

  /** Waits until one data node is active with the VIP up; returns it. */
  String awaitActive(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> a = activeNode();
      if (a.isPresent() && vipOwners().equals(List.of(a.get()))) return a.get();
      sleep(200);
    }
    throw new IllegalStateException("no active node within " + max.toSeconds() + " s; cluster: " + cluster().map(JsonNode::toString).orElse("no answer")
        + "\nn1:\n" + log("n1") + "\nn2:\n" + log("n2") + "\nw:\n" + log("w"));
  }

  /** Waits until every member is up and reachable and one node is active. */
  String settle(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> c = cluster();
      if (c.isPresent()) {
        boolean allUp = true;
        for (JsonNode m : c.get().path("members")) allUp &= m.path("status").asText().equals("up") && m.path("reachable").asBoolean();
        if (allUp && c.get().path("resources").get(0).path("activeNode").isTextual()) return awaitActive(Duration.ofSeconds(20));
      }
      sleep(500);
    }
    throw new IllegalStateException("the cluster did not settle within " + max.toSeconds() + " s: " + cluster().map(JsonNode::toString).orElse("no answer"));
  }

  /** Runs the hanfs CLI on {@code node} until its daemon answers (exit 3: not reachable yet); the answer must be a success. */
  Lab.Result awaitAnswer(String node, Duration max, String... args) {
    List<String> argv = new ArrayList<>(List.of("hanfs", node));
    argv.addAll(List.of(args));
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      Lab.Result r = lab.nslab(SHORT, argv.toArray(String[]::new));
      if (r.code() != 3 || System.nanoTime() > deadline) return check(r);
      sleep(200);
    }
  }

  /** Waits until the cluster status shows the resource in {@code role} on {@code node}. */
  void awaitRole(String node, String role, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> c = cluster();
      if (c.isPresent() && c.get().path("resources").get(0).path("roleByNode").path(node).asText().equals(role)) return;
      sleep(200);
    }
    throw new IllegalStateException(node + " is not " + role + " within " + max.toSeconds() + " s: " + cluster().map(JsonNode::toString).orElse("no answer"));
  }

  /** Data nodes whose interface carries the VIP right now (the kernels' own view). */
  List<String> vipOwners() {
    List<String> owners = new ArrayList<>();
    for (String n : DATA) {
      Lab.Result r = Lab.exec(List.of("ip", "-n", lab.name + "-" + n, "-j", "addr", "show", "dev", "eth1"), SHORT, Map.of());
      if (r.out().contains("\"" + lab.vip() + "\"")) owners.add(n);
    }
    return owners;
  }

  String url(String file) {
    return "nfs://" + lab.vip() + lab.srv() + "/home/export/" + file + "?version=4";
  }

  void startClient() {
    running.set(true);
    // A new write starts every 100 ms, whether or not the earlier ones finished: a stuck attempt
    // (a TCP SYN waiting out its 1 s retransmission) must not hide that the server is back.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(24);
    writer = new Thread(() -> {
      java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(24);
      while (running.get()) {
        long start = System.currentTimeMillis();
        int n = nextRecord++;
        if (inFlight.tryAcquire()) {
          pool.execute(() -> {
            try {
              Lab.Result r = lab.nslabWith(Map.of("HANFS_CLIENT_TIMEOUT", "2"), Duration.ofSeconds(10), "client", "nfs-cp", sample.toString(),
                  url(String.format("rec-%06d", n)));
              if (r.ok()) acked.add(new long[] {n, System.currentTimeMillis()});
            } finally {
              inFlight.release();
            }
          });
        }
        long wait = 100 - (System.currentTimeMillis() - start);
        if (wait > 0) sleep(wait);
      }
      pool.shutdown();
      try {
        pool.awaitTermination(15, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "nfs-writer");
    sampler = new Thread(() -> {
      while (running.get()) {
        List<String> owners = vipOwners();
        if (owners.size() > 1) violations.add(System.currentTimeMillis() + " " + owners);
        sleep(100);
      }
    }, "vip-sampler");
    writer.start();
    sampler.start();
  }

  void stopClient() {
    running.set(false);
    for (Thread t : new Thread[] {writer, sampler}) {
      if (t == null) continue;
      try {
        t.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Longest gap between two acknowledged writes completing in [from, to] (ms). */
  long outageMillis(long from, long to) {
    List<Long> times = new ArrayList<>();
    synchronized (acked) {
      for (long[] a : acked) if (a[1] >= from && a[1] <= to) times.add(a[1]);
    }
    Collections.sort(times);
    long gap = times.isEmpty() ? to - from : times.get(0) - from;
    for (int i = 1; i < times.size(); i++) gap = Math.max(gap, times.get(i) - times.get(i - 1));
    if (!times.isEmpty()) gap = Math.max(gap, to - times.get(times.size() - 1));
    return gap;
  }

  /** Acknowledged records that are not on the server (read through the VIP). */
  List<Long> lostRecords() {
    Lab.Result r = lab.nslab(SHORT, "client", "nfs-ls", url("").replace("/?version", "?version"));
    if (!r.ok()) throw new IllegalStateException("cannot list the export: " + r);
    Set<String> present = new HashSet<>();
    for (String line : r.out().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 0) present.add(f[f.length - 1]);
    }
    List<long[]> missing = new ArrayList<>();
    synchronized (acked) {
      for (long[] a : acked) if (!present.contains(String.format("rec-%06d", a[0]))) missing.add(a);
    }
    // A long listing can come back short: read each missing record itself before calling it lost.
    List<Long> lost = new ArrayList<>();
    for (long[] a : missing) {
      Lab.Result cat = lab.nslab(SHORT, "client", "nfs-cat", url(String.format("rec-%06d", a[0])));
      if (!cat.ok() || !cat.out().equals("record\n")) {
        lost.add(a[0]);
        System.out.println("lost record " + a[0] + " acknowledged at " + a[1] + " (" + new java.util.Date(a[1]) + "): " + cat);
      } else {
        System.out.println("record " + a[0] + " was missing from the listing but reads back");
      }
    }
    return lost;
  }

  /** Memory of each daemon (RSS, MiB) by its pid file. */
  Map<String, Long> rssMiB() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String n : List.of("n1", "n2", "w")) {
      try {
        String pid = Files.readString(lab.dir().resolve(n + ".pid")).trim();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
          if (line.startsWith("VmRSS:")) out.put(n, Long.parseLong(line.replaceAll("\\D", "")) / 1024);
        }
      } catch (IOException | RuntimeException e) {
        out.put(n, -1L);
      }
    }
    return out;
  }

  /** Sleeps until System.nanoTime() reaches {@code deadlineNanos} (at once if it has). */
  static void sleepUntil(long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) sleep((left + 999_999) / 1_000_000);
  }

  /** The first resource of {@code node}'s own status (GET /hanfs/status through curl, cheap enough to poll). */
  Optional<JsonNode> resourceOn(String node) {
    Lab.Result r = lab.nslab(Duration.ofSeconds(15), "http", node, "GET", "/hanfs/status");
    String out = r.out().strip();
    if (!r.ok() || !out.endsWith("200")) return Optional.empty();
    try {
      return Optional.ofNullable(JSON.readTree(out.substring(0, out.lastIndexOf('\n'))).path("resources").get(0));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
