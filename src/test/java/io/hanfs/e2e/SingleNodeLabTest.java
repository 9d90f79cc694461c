package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One hanfs node on real parts: its own network and mount namespaces, a bridge, a loop-file
 * ext4 as the shared disk, NFS-Ganesha, a floating IP, and an NFS client (libnfs) in a second
 * namespace that reaches the node only through that IP. The lab is removed afterwards, also
 * when a test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleNodeLabTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration SHORT = Duration.ofSeconds(30);
  // Every daemon start of this lab opens JMX on the node namespace's loopback (port 7627), with a login.
  static final Path JMX_PASSWORDS = Path.of("/tmp/hanfs-it-jmx.password");
  static final Path JMX_ACCESS = Path.of("/tmp/hanfs-it-jmx.access");
  final Lab lab = new Lab("hfit", "10.213.9", Map.of("HANFS_JMX_PORT", "7627",
      "HANFS_JMX_PASSWORD_FILE", JMX_PASSWORDS.toString(), "HANFS_JMX_ACCESS_FILE", JMX_ACCESS.toString()));
  final String jmxPassword = java.util.UUID.randomUUID().toString();
  final Path sample = Path.of("/tmp/hanfs-it-sample.txt");

  @BeforeAll
  void up() throws IOException {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -DskipLab=true");
    if (!"root".equals(System.getProperty("user.name"))) fail("the lab needs root (namespaces, mounts, loop devices); run as root or pass -DskipLab=true");
    lab.nslab(SHORT, "down");
    for (Path f : List.of(JMX_PASSWORDS, JMX_ACCESS)) {
      Files.deleteIfExists(f);
      Files.createFile(f, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(JMX_PASSWORDS, "hanfsadmin " + jmxPassword + "\n");
    Files.writeString(JMX_ACCESS, "hanfsadmin readwrite\n");
    Lab.Result up = lab.nslab(Duration.ofSeconds(60), "up");
    assertTrue(up.ok(), up.toString());
    // These tests drive the node by hand: in standby the cluster leader leaves it alone.
    assertTrue(lab.nslab(SHORT, "flag", "n1", "standby").ok());
    Lab.Result start = lab.nslab(Duration.ofSeconds(60), "start", "n1");
    assertTrue(start.ok(), start + "\n" + log());
    Files.writeString(sample, "record 1 written through the floating IP\n");
  }

  @AfterAll
  void down() throws IOException {
    Files.deleteIfExists(sample);
    Files.deleteIfExists(JMX_PASSWORDS);
    Files.deleteIfExists(JMX_ACCESS);
    if (Boolean.getBoolean("hanfs.skipLab")) return;
    Lab.Result down = lab.nslab(Duration.ofSeconds(60), "down");
    assertTrue(down.ok(), down.toString());
    Lab.Result netns = Lab.exec(List.of("ip", "netns", "list"), SHORT, Map.of());
    assertFalse(netns.out().contains("hfit-"), "namespaces left behind: " + netns.out());
    assertFalse(Lab.exec(List.of("ip", "link", "show", "hfit-br"), SHORT, Map.of()).ok(), "bridge left behind");
    assertFalse(Files.exists(lab.dir()), "lab directory left behind");
  }

  String log() {
    try {
      return Files.readString(lab.dir().resolve("n1.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  JsonNode status() throws IOException {
    Lab.Result r = lab.nslab(SHORT, "hanfs", "n1", "status", "--json");
    assertTrue(r.ok(), r.toString());
    return JSON.readTree(r.out()).path("resources").get(0);
  }

  Lab.Result http(String method, String path) {
    return lab.nslab(Duration.ofSeconds(90), "http", "n1", method, path);
  }

  /** The NFS layer's detail once it contains {@code text} (the monitor tells it within its interval). */
  String awaitNfsDetail(String text, Duration max) throws IOException {
    long deadline = System.nanoTime() + max.toNanos();
    String detail = "";
    while (System.nanoTime() < deadline) {
      for (JsonNode l : status().path("layers")) if (l.path("name").asText().equals("nfs")) detail = l.path("detail").asText();
      if (detail.contains(text)) return detail;
      sleep(200);
    }
    return fail("the nfs layer's status never said \"" + text + "\": " + detail);
  }

  String url(String file) {
    return "nfs://" + lab.vip() + lab.srv() + "/home/export/" + file + "?version=4";
  }

  /** The client writes through the VIP; Ganesha's grace period (2 s here) may delay the first write. */
  void clientWrite(String file) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Lab.Result r = null;
    while (System.nanoTime() < deadline) {
      r = lab.nslab(SHORT, "client", "nfs-cp", sample.toString(), url(file));
      if (r.ok()) return;
      sleep(300);
    }
    fail("client write through the VIP failed: " + r);
  }

  String clientRead(String file) {
    Lab.Result r = lab.nslab(SHORT, "client", "nfs-cat", url(file));
    assertTrue(r.ok(), "client read through the VIP failed: " + r);
    return r.out();
  }

  boolean vipOnNode() {
    Lab.Result r = Lab.exec(List.of("ip", "-n", "hfit-n1", "-j", "addr", "show", "dev", "eth1"), SHORT, Map.of());
    assertTrue(r.ok(), r.toString());
    return r.out().contains("\"" + lab.vip() + "\"");
  }

  boolean mounted() {
    Lab.Result r = lab.nslab(SHORT, "in", "n1", "cat", "/proc/self/mountinfo");
    assertTrue(r.ok(), r.toString());
    return r.out().contains(" " + lab.srv() + "/home ");
  }

  long ganeshaPid() throws IOException {
    return Long.parseLong(Files.readString(lab.dir().resolve("state/n1/run/home/ganesha.pid")).trim());
  }

  /** Ganesha processes started with this lab's config, found through /proc. */
  long ganeshaCount() throws IOException {
    String conf = lab.dir().resolve("state/n1/run/home/ganesha.conf").toString();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          return cmd.contains("ganesha.nfsd") && cmd.contains(conf);
        } catch (IOException e) {
          return false;
        }
      }).count();
    }
  }

  @Test
  @Order(1)
  void startsAsSecondaryWithEveryLayerDown() throws IOException {
    JsonNode home = status();
    assertEquals("secondary", home.path("role").asText(), home.toString());
    for (JsonNode l : home.path("layers")) assertEquals("down", l.path("state").asText(), home.toString());
  }

  @Test
  @Order(2)
  void badHttpRequestsGetClearErrorsAndChangeNothing() throws IOException {
    // Without the node's API token nothing that changes the cluster is done, not even looked at.
    for (String path : List.of("/hanfs/resources/home/promote", "/hanfs/resources/home/demote", "/hanfs/resources/home/switchover?to=n1",
        "/hanfs/resources/home/force-promote?to=n1&reason=testing", "/hanfs/resources/home/resolve?discard=n1",
        "/hanfs/drbd/r0/unfence-peer", "/hanfs/maintenance/on", "/hanfs/clear/n1")) {
      Lab.Result anonymous = lab.nslab(Duration.ofSeconds(90), "http", "n1", "POST", path, "anonymous");
      assertTrue(anonymous.out().strip().endsWith("401") && anonymous.out().contains("api-token"), path + ": " + anonymous);
    }
    assertEquals("secondary", status().path("role").asText());
    java.nio.file.Path token = lab.dir().resolve("state/n1/api-token");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(token)));
    Lab.Result unknown = http("POST", "/hanfs/resources/nosuch/promote");
    assertTrue(unknown.out().strip().endsWith("404") && unknown.out().contains("no resource named"), unknown.toString());
    Lab.Result action = http("POST", "/hanfs/resources/home/fly");
    assertTrue(action.out().strip().endsWith("404") && action.out().contains("use promote, demote or switchover"), action.toString());
    Lab.Result epoch = http("POST", "/hanfs/resources/home/promote?epoch=-3");
    assertTrue(epoch.out().strip().endsWith("400") && epoch.out().contains("positive whole number"), epoch.toString());
    Lab.Result name = http("POST", "/hanfs/resources/Home%3B/promote");
    assertTrue(name.out().strip().endsWith("400"), name.toString());
    Lab.Result method = http("GET", "/hanfs/resources/home/promote");
    assertTrue(method.out().strip().endsWith("405"), method.toString());
    Lab.Result began = http("POST", "/hanfs/drbd/r0/split-brain?began=yesterday");
    assertTrue(began.out().strip().endsWith("400") && began.out().contains("began") && began.out().contains("epoch milliseconds"), began.toString());
    // Pekko's cluster routes answer reads only: no member is taken out over HTTP.
    Lab.Result members = http("GET", "/cluster/members");
    assertTrue(members.out().strip().endsWith("200"), members.toString());
    String self = JSON.readTree(members.out().strip().substring(0, members.out().strip().lastIndexOf('\n'))).path("selfNode").asText();
    assertTrue(self.startsWith("pekko://"), members.toString());
    String encoded = java.net.URLEncoder.encode(self, java.nio.charset.StandardCharsets.UTF_8);
    for (String write : List.of("DELETE", "PUT")) {
      Lab.Result leave = http(write, "/cluster/members/" + encoded);
      assertFalse(leave.out().strip().endsWith("200"), write + " of this member was answered: " + leave);
    }
    Lab.Result join = http("POST", "/cluster/members");
    assertFalse(join.out().strip().endsWith("200"), join.toString());
    assertTrue(http("GET", "/cluster/members").out().contains("\"Up\""), "still an Up member");
    assertEquals("secondary", status().path("role").asText());
    assertFalse(vipOnNode());
  }

  @Test
  @Order(3)
  void aVipAnsweredByAnotherHostIsNotTakenAndThePromotionRollsBack() throws IOException {
    List<String> add = List.of("ip", "-n", "hfit-client", "addr", "add", lab.vip() + "/24", "dev", "eth1");
    assertTrue(Lab.exec(add, SHORT, Map.of()).ok());
    try {
      Lab.Result p = lab.nslab(Duration.ofSeconds(120), "hanfs", "n1", "promote", "home");
      assertFalse(p.ok(), p.toString());
      assertTrue(p.err().contains("another host already answers for " + lab.vip()), p.toString());
      JsonNode home = status();
      assertEquals("start-failed", home.path("role").asText(), home.toString());
      assertFalse(vipOnNode());
      assertFalse(mounted(), "the rollback unmounted the filesystem");
      assertEquals(0, ganeshaCount(), "the rollback stopped Ganesha");
    } finally {
      Lab.exec(List.of("ip", "-n", "hfit-client", "addr", "del", lab.vip() + "/24", "dev", "eth1"), SHORT, Map.of());
    }
  }

  @Test
  @Order(4)
  void aPromoteDuringAPromoteIsAConflict() throws Exception {
    // Two promotes at once: a promotion takes at least the 150 ms duplicate-address window, so
    // the second arrives while the first runs and is refused; the first completes.
    var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> http("POST", "/hanfs/resources/home/promote"));
    var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> http("POST", "/hanfs/resources/home/promote"));
    List<String> codes = Stream.of(a.get(), b.get()).map(r -> r.out().strip().substring(r.out().strip().lastIndexOf('\n') + 1)).sorted().toList();
    assertEquals(List.of("200", "409"), codes, a.get() + "\n" + b.get());
    assertTrue((a.get().out() + b.get().out()).contains("BUSY"));
    assertEquals("primary", status().path("role").asText());
    demote();
  }

  @Test
  @Order(5)
  void promoteServesTheClientThroughTheVipAndDemoteRemovesEverything() throws IOException {
    // The client still believes an old MAC owns the VIP, as after a failover from another node.
    String stale = "02:00:00:00:00:01";
    assertTrue(Lab.exec(List.of("ip", "-n", "hfit-client", "neigh", "replace", lab.vip(), "lladdr", stale, "dev", "eth1", "nud", "stale"), SHORT, Map.of()).ok());
    promote();
    String nodeMac = JSON.readTree(Lab.exec(List.of("ip", "-n", "hfit-n1", "-j", "link", "show", "dev", "eth1"), SHORT, Map.of()).out()).get(0).path("address").asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    String neigh = "";
    while (System.nanoTime() < deadline) {
      neigh = Lab.exec(List.of("ip", "-n", "hfit-client", "neigh", "show", lab.vip(), "dev", "eth1"), SHORT, Map.of()).out();
      if (neigh.contains(nodeMac)) break;
      sleep(50);
    }
    assertTrue(neigh.contains(nodeMac), "gratuitous ARP taught the client the node's MAC " + nodeMac + ": " + neigh);
    JsonNode home = status();
    assertEquals("primary", home.path("role").asText(), home.toString());
    for (JsonNode l : home.path("layers")) assertEquals("up", l.path("state").asText(), home.toString());
    assertTrue(vipOnNode());
    assertTrue(mounted());
    clientWrite("one.txt");
    assertEquals(Files.readString(sample), clientRead("one.txt"));
    // How Ganesha's grace ended is told by the NFS layer's status line and in the history.
    String graceLine = awaitNfsDetail("grace ended", Duration.ofSeconds(20));
    Lab.Result events = http("GET", "/hanfs/events?resource=home");
    assertTrue(events.ok() && events.out().contains("grace-ended") && events.out().contains("\"grace-end\""), "the history tells how grace ended: " + events);
    System.out.println("single node: " + graceLine);

    long pid = ganeshaPid();
    demote();
    assertEquals("secondary", status().path("role").asText());
    assertFalse(vipOnNode(), "VIP gone");
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "Ganesha process gone");
    assertEquals(0, ganeshaCount());
    assertFalse(mounted(), "filesystem unmounted");
    Lab.Result read = lab.nslab(SHORT, "client", "nfs-cat", url("one.txt"));
    assertFalse(read.ok(), "export gone: the client can no longer read: " + read);

    Lab.Result again = lab.nslab(Duration.ofSeconds(60), "hanfs", "n1", "demote", "home");
    assertTrue(again.ok(), "a demote run twice is a no-op: " + again);
  }

  @Test
  @Order(6)
  void aDaemonKilledWithSigkillIsAdoptedOnRestart() throws IOException {
    promote();
    clientWrite("two.txt");
    long pid = ganeshaPid();
    long epoch = status().path("epoch").asLong();

    Lab.Result kill = lab.nslab(SHORT, "kill", "n1", "KILL");
    assertTrue(kill.ok(), kill.toString());
    // Nobody renews the lease now: the kernel drops the VIP by itself when its lifetime ends.
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (vipOnNode() && System.nanoTime() < deadline) sleep(50);
    assertFalse(vipOnNode(), "the VIP's kernel lifetime ended with the lease");
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "Ganesha itself keeps running");

    Lab.Result start = lab.nslab(Duration.ofSeconds(60), "start", "n1");
    assertTrue(start.ok(), start + "\n" + log());
    JsonNode home = waitForRole("primary");
    assertTrue(home.path("message").asText().contains("epoch " + epoch), home.toString());
    assertEquals(epoch, home.path("epoch").asLong(), "the epoch survives the restart");
    assertEquals(pid, ganeshaPid(), "the same Ganesha, not a second one");
    assertEquals(1, ganeshaCount());
    assertTrue(vipOnNode());
    assertEquals(Files.readString(sample), clientRead("two.txt"));

    demote();
  }

  @Test
  @Order(7)
  void aKilledGaneshaIsRestartedByTheMonitor() throws IOException {
    promote();
    long pid = ganeshaPid();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode home = status();
      if (home.path("role").asText().equals("primary") && home.path("recentFailures").asInt() == 1 && ganeshaPid() != pid) break;
      sleep(200);
    }
    JsonNode home = status();
    assertEquals(1, home.path("recentFailures").asInt(), home.toString());
    assertTrue(ganeshaPid() != pid, "a new Ganesha runs");
    clientWrite("three.txt");
    demote();
  }

  @Test
  @Order(8)
  void aBusyFilesystemIsFreedByKillingItsHoldersOnDemote() throws Exception {
    promote();
    // A process of our own keeps the mount busy: its working directory is on it.
    ProcessBuilder pb = new ProcessBuilder(lab.root.resolve("deploy/lab/nslab").toString(), "in", "n1",
        "/usr/bin/env", "--chdir=" + lab.srv() + "/home", "sleep", "300")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(lab.env);
    Process holder = pb.start();
    try {
      sleep(500);
      assertTrue(holder.isAlive(), "the holder runs");
      Lab.Result d = lab.nslab(Duration.ofSeconds(120), "hanfs", "n1", "demote", "home");
      assertTrue(d.ok(), d + "\n" + log());
      assertFalse(mounted(), "unmounted after killing the holder");
      assertTrue(holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the holder was killed by fuser -k");
      assertTrue(log().contains("failed (attempt 1)") && log().contains("killed the processes holding"), "the log shows the busy umount and the fuser run");
    } finally {
      holder.destroyForcibly();
    }
  }

  void promote() {
    control("promote");
  }

  void demote() {
    control("demote");
  }

  void control(String action) {
    Lab.Result r = lab.nslab(Duration.ofSeconds(120), "hanfs", "n1", action, "home");
    assertTrue(r.ok(), action + ": " + r + "\n" + log());
  }

  @Test
  @Order(9)
  void jmxShowsTheNodeAndResourceAndAnswersOperations() throws IOException {
    // The daemon was started with HANFS_JMX_PORT: JMX listens on the node namespace's loopback only.
    String classes = lab.root.resolve("src/test/target/test-classes").toString();
    Lab.Result r = Lab.exec(List.of("ip", "netns", "exec", "hfit-n1", "java", "-cp", classes, "io.hanfs.e2e.JmxProbe", "7627", "n1", "home", "hanfsadmin", jmxPassword),
        Duration.ofSeconds(60), Map.of());
    assertTrue(r.ok(), r.toString());
    assertTrue(r.out().contains("anonymous=refused"), "JMX without a login is refused: " + r.out());
    assertTrue(r.out().contains("node=n1"), r.out());
    assertTrue(r.out().contains("standby=true"), r.out());
    assertTrue(r.out().contains("role=secondary"), r.out());
    assertTrue(r.out().contains("switchover=refused (NOT_A_DATA_NODE): \"nosuch\" is not a data node"), r.out());
  }

  /** A fence hook's request (the route DRBD's handler calls), timed from the test: median of three. */
  long fenceRequestMillis() {
    long[] t = new long[3];
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      Lab.Result r = http("POST", "/hanfs/drbd/r0/unfence-peer");
      t[i] = (System.nanoTime() - start) / 1_000_000;
      assertTrue(r.out().contains("exitCode"), "the hook's route answered: " + r);
    }
    java.util.Arrays.sort(t);
    return t[1];
  }

  @Test
  @Order(10)
  void aThousandIdleConnectionsDoNotDelayTheFenceHook() throws Exception {
    long alone = fenceRequestMillis();
    String classes = lab.root.resolve("src/test/target/test-classes").toString();
    Process idle = new ProcessBuilder("ip", "netns", "exec", "hfit-n1", "java", "-Xmx64m", "-cp", classes, "io.hanfs.e2e.IdleConnections", "7626", "1000", "120")
        .redirectErrorStream(true).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(idle.getInputStream()));
      var line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          return "read failed: " + e;
        }
      });
      assertEquals("open 1000", line.get(60, java.util.concurrent.TimeUnit.SECONDS));
      long held = fenceRequestMillis();
      System.out.println("fence hook request: " + alone + " ms alone, " + held + " ms beside 1000 idle connections");
      assertTrue(held - alone < 1000, "1000 idle connections delayed the fence hook by " + (held - alone) + " ms");
      assertEquals("secondary", status().path("role").asText(), "the daemon is fine");
    } finally {
      idle.destroy();
      if (!idle.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) idle.destroyForcibly();
    }
  }

  JsonNode waitForRole(String role) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode home = status();
    while (System.nanoTime() < deadline && !home.path("role").asText().equals(role)) {
      sleep(200);
      home = status();
    }
    assertEquals(role, home.path("role").asText(), home.toString());
    return home;
  }

  static void sleep(long ms) {
    ClusterLab.sleep(ms);
  }
}
