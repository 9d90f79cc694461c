package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failover end to end on the three-node namespace lab: whatever the fault, at most one node
 * carries the VIP at every sample, every acknowledged record is there afterwards, and the
 * resource is active again. Time targets are measured by deploy/lab/bench-failover, not here;
 * the bounds below are only what a stuck failover would exceed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLabTest {
  ClusterLab lab;
  Scenarios scenarios;
  /** The plain kill -9 of this run, what a kill after a freeze is measured against. */
  Scenarios.Result plainKill;

  /** Every event's alert goes to the receiver in the client namespace and to a script that takes 30 s each time. */
  AlertReceiver alerts;
  java.nio.file.Path hooks;

  @BeforeAll
  void up() throws IOException {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -DskipLab=true");
    hooks = java.nio.file.Files.createTempDirectory("hanfs-hooks");
    java.nio.file.Path slow = hooks.resolve("slow-hook");
    java.nio.file.Files.writeString(slow, "#!/bin/sh\n# a hook that takes 30 s: no failover may wait for it\nsleep 30\n");
    java.nio.file.Files.setPosixFilePermissions(slow, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    lab = new ClusterLab("hfc", "10.213.10", Map.of("HANFS_LAB_ALERT_WEBHOOK", "http://10.213.10.50:8089/hook", "HANFS_LAB_ALERT_SCRIPT", slow.toString()));
    lab.up(List.of("w", "n1", "n2"), () -> {
      try {
        alerts = new AlertReceiver(lab.lab.root, "hfc-client", "10.213.10.50", 8089, hooks.resolve("alerts.jsonl"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    lab.startClient();
    scenarios = new Scenarios(lab);
  }

  @AfterAll
  void down() throws Exception {
    try {
      if (alerts != null) alerts.close();
    } finally {
      if (lab != null) lab.close();
      if (hooks != null) Lab.exec(List.of("rm", "-rf", hooks.toString()), Duration.ofSeconds(10), Map.of());
    }
  }

  static void assertSafe(Scenarios.Result r, boolean moved) {
    System.out.println("scenario " + r);
    assertEquals(List.of(), r.violations(), "more than one VIP owner: " + r);
    assertEquals(List.of(), r.lost(), "acknowledged records lost: " + r);
    if (moved) assertTrue(!r.activeAfter().equals(r.activeBefore()), "the resource moved: " + r);
  }

  /** Operator commands that cannot be carried out are refused with the reason and change nothing. */
  @Test
  @Order(0)
  void badOperatorCommandsAreRefusedAndChangeNothing() {
    String active = lab.settle(Duration.ofSeconds(90));
    String other = Scenarios.other(active);
    Lab.Result unknown = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "switchover", "home", "--to", "nosuch");
    assertTrue(!unknown.ok() && unknown.err().contains("(400)") && unknown.err().contains("not a data node"), unknown.toString());
    Lab.Result witness = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "switchover", "home", "--to", "w");
    assertTrue(!witness.ok() && witness.err().contains("(400)"), witness.toString());
    Lab.Result same = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "switchover", "home", "--to", active);
    assertTrue(!same.ok() && same.err().contains("(409)") && same.err().contains("already active"), same.toString());
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "standby", other));
    try {
      Lab.Result standby = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "switchover", "home", "--to", other);
      assertTrue(!standby.ok() && standby.err().contains("(409)") && standby.err().contains("standby"), standby.toString());
    } finally {
      ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "unstandby", other));
    }
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "maintenance", "on"));
    try {
      ClusterLab.sleep(1500); // the nodes report the flag to the leader
      Lab.Result m = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "switchover", "home");
      assertTrue(!m.ok() && m.err().contains("(409)") && m.err().contains("maintenance"), m.toString());
    } finally {
      ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "maintenance", "off"));
    }
    Lab.Result bad = lab.lab.nslab(ClusterLab.SHORT, "http", "w", "POST", "/hanfs/resources/home/switchover?to=N%3B1");
    assertTrue(bad.out().strip().endsWith("400"), bad.toString());
    // A forced promotion never makes a second active node; without a reason it is not even sent.
    Lab.Result forced = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "promote", "home", "--to", other, "--force", "--reason", "test");
    assertTrue(!forced.ok() && forced.err().contains("(409)") && forced.err().contains("never makes a second active node"), forced.toString());
    Lab.Result noReason = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "promote", "home", "--to", other, "--force");
    assertTrue(!noReason.ok() && noReason.err().contains("--reason"), noReason.toString());
    Lab.Result noReasonHttp = lab.lab.nslab(ClusterLab.SHORT, "http", "w", "POST", "/hanfs/resources/home/force-promote?to=" + other);
    assertTrue(noReasonHttp.out().strip().endsWith("400"), noReasonHttp.toString());
    // Split-brain and DRBD handler commands on a shared disk: refused with the reason, exit 1 for DRBD.
    Lab.Result resolve = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "resolve", "home", "--discard", other);
    assertTrue(!resolve.ok() && resolve.err().contains("(400)") && resolve.err().contains("shared disk"), resolve.toString());
    Lab.Result noEnv = lab.lab.nslab(ClusterLab.SHORT, "hanfs", active, "fence-peer");
    assertEquals(1, noEnv.code(), noEnv.toString());
    assertTrue(noEnv.err().contains("DRBD_RESOURCE"), noEnv.toString());
    Lab.Result notDrbd = lab.lab.nslabWith(Map.of("DRBD_RESOURCE", "r0"), ClusterLab.SHORT, "hanfs", active, "fence-peer");
    assertEquals(1, notDrbd.code(), notDrbd.toString());
    assertTrue(notDrbd.err().contains("no hanfs resource replicates with DRBD resource r0"), notDrbd.toString());
    assertEquals(List.of(active), lab.vipOwners(), "nothing moved");
  }

  @Test
  @Order(1)
  void plannedSwitchoverThereAndBack() {
    assertSafe(scenarios.switchover(), true);
    assertSafe(scenarios.switchover(), true);
  }

  @Test
  @Order(2)
  void killOfTheActiveDaemon() {
    plainKill = scenarios.kill9();
    assertSafe(plainKill, true);
  }

  @Test
  @Order(3)
  void linkDownOfTheActiveNode() {
    assertSafe(scenarios.linkDown(), true);
  }

  @Test
  @Order(4)
  void partitionOfTheActiveNode() {
    assertSafe(scenarios.partition(), true);
  }

  @Test
  @Order(5)
  void oneWayCutOfTheActiveNode() {
    assertSafe(scenarios.oneWay(), true);
  }

  /**
   * A freeze leaves nothing behind: after a 5 s SIGSTOP of the active daemon (the lab's watchdog
   * resets that node; the other one takes over), a kill -9 of the new active daemon fails over
   * back as fast as a plain kill -9, and no node is banned.
   */
  @Test
  @Order(6)
  void aKillAfterAFreezeFailsOverAsFastAsAPlainKill() throws IOException {
    Scenarios.Result freeze = scenarios.sigstop();
    assertSafe(freeze, false);
    String active = lab.settle(Duration.ofSeconds(90));
    lab.awaitRole(Scenarios.other(active), "secondary", Duration.ofSeconds(90));
    Scenarios.Result kill = scenarios.kill9();
    assertSafe(kill, true);
    long plain = plainKill == null ? 4000 : plainKill.outageMillis();
    System.out.println("freeze then kill: plain kill -9 " + plain + " ms, kill -9 after a freeze " + kill.outageMillis() + " ms");
    // Two failovers of the same kind differ by scheduling noise on a busy machine, not by a ban.
    assertTrue(kill.outageMillis() <= plain * 3 / 2 + 1500, "the kill after a freeze took " + kill.outageMillis() + " ms, a plain kill " + plain + " ms");
    JsonNode res = lab.cluster().orElseThrow().path("resources").get(0);
    assertEquals(0, res.path("bans").size(), "no ban after a freeze: " + res);
    assertTrue(!res.path("lastDecision").asText().contains("banned"), res.toString());
  }

  @Test
  @Order(7)
  void restartOfTheActiveDaemonIsAdoptedWithoutOutage() throws IOException {
    Scenarios.Result r = scenarios.restart();
    assertSafe(r, false);
    assertEquals(r.activeBefore(), r.activeAfter(), "the restarted daemon adopted the running stack");
    assertTrue(r.outageMillis() < 3000, "no failover outage: " + r);
    // The restarted daemon recovered its ledger from the embedded journal: the generation it
    // serves is the one its last promotion recorded, and the cluster status shows it.
    // The new daemon is a cluster member a moment before its management endpoint listens.
    JsonNode status = ClusterLab.JSON.readTree(lab.awaitAnswer(r.activeAfter(), Duration.ofSeconds(60), "status", "--json").out());
    JsonNode res = status.path("resources").get(0);
    long epoch = res.path("epoch").asLong();
    assertEquals(epoch, res.path("ledger").path("lastEpoch").asLong(), status.toString());
    assertEquals(epoch, res.path("ledger").path("current").path("epoch").asLong(), status.toString());
    String node = ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", r.activeAfter(), "status")).out();
    assertTrue(node.contains("ledger") && node.contains("generation " + epoch + ".0, disk UpToDate, last epoch " + epoch), node);
    String cluster = ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "status")).out();
    assertTrue(cluster.contains("data " + r.activeAfter()) && cluster.contains("generation " + epoch + ".0") && cluster.contains("may be promoted"), cluster);
  }

  @Test
  @Order(8)
  void withoutAMajorityNothingIsPromoted() {
    String active = lab.settle(Duration.ofSeconds(90));
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "stop", "w"));
    ClusterLab.sleep(8000);
    assertEquals(List.of(active), lab.vipOwners(), "the witness leaving moves nothing");
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "crash", active));
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> owners = lab.vipOwners();
      assertTrue(owners.isEmpty() || owners.equals(List.of(active)), "promoted without a majority: " + owners);
      ClusterLab.sleep(200);
    }
    assertEquals(List.of(), lab.vipOwners(), "nobody serves without a majority");
    // Back to a majority: the cluster forms again and serves.
    ClusterLab.check(lab.lab.nslab(Duration.ofSeconds(60), "start", "w"));
    ClusterLab.check(lab.lab.nslab(Duration.ofSeconds(60), "start", active));
    lab.settle(Duration.ofSeconds(120));
    assertEquals(List.of(), lab.violations);
  }
  /**
   * A real start failure (a foreign filesystem on the standby's mountpoint) twice in a row bans
   * that node; status says so with the expiry and how to lift it; hanfs clear lifts it (twice:
   * the second run has nothing to do), and the node takes the resource again.
   */
  @Test
  @Order(9)
  void aBanAfterRealStartFailuresIsShownAndCleared() {
    String active = lab.settle(Duration.ofSeconds(90));
    String other = Scenarios.other(active);
    String mountpoint = lab.lab.srv() + "/home";
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "in", other, "mount", "-t", "tmpfs", "-o", "size=1m", "hanfs-test-foreign", mountpoint));
    try {
      // Standby of the active node leaves only the broken one: it fails twice and is banned.
      ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "standby", active));
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      JsonNode res = null;
      while (System.nanoTime() < deadline) {
        res = lab.cluster().map(c -> c.path("resources").get(0)).orElse(null);
        if (res != null && res.path("bans").size() == 1) break;
        ClusterLab.sleep(200);
      }
      assertTrue(res != null && res.path("bans").size() == 1 && res.path("bans").get(0).asText().startsWith(other + " until "),
          res + "\n" + other + ":\n" + lab.log(other) + "\nw:\n" + lab.log("w"));
      assertTrue(res.path("bans").get(0).asText().contains("refusing to mount over it"), res.toString());
      String status = ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "status")).out();
      assertTrue(status.contains("banned " + other + " until") && status.contains("hanfs clear " + other), status);
      ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "unstandby", active));
      lab.awaitActive(Duration.ofSeconds(60));
    } finally {
      lab.lab.nslab(ClusterLab.SHORT, "in", other, "umount", mountpoint);
      lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "unstandby", active);
    }
    Lab.Result cleared = ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "clear", other));
    assertTrue(cleared.out().contains("lifted [home on " + other + "]"), cleared.toString());
    Lab.Result again = ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "clear", other));
    assertTrue(again.out().contains("no ban on " + other + " to lift"), again.toString());
    Lab.Result unknown = lab.lab.nslab(ClusterLab.SHORT, "hanfs", "w", "clear", "nosuch");
    assertTrue(!unknown.ok() && unknown.err().contains("(404)") && unknown.err().contains("neither a data node nor a resource"), unknown.toString());
    assertEquals(0, lab.cluster().orElseThrow().path("resources").get(0).path("bans").size());
    lab.awaitRole(other, "secondary", Duration.ofSeconds(60));
    assertSafe(scenarios.switchover(), true);
    assertEquals(List.of(), lab.lostRecords());
  }

  /**
   * A flapping link on the active node (issue 12): hanfs must not turn it into a move. A second
   * without renewals lets the VIP's kernel lifetime run out; the first renewal that gets through
   * raises it again, so the client waits at most about one down period each time, no layer
   * failure is counted and the resource never asks to move.
   */
  @Test
  @Order(10)
  void aFlappingLinkIsRiddenOutOnTheSameNode() throws Exception {
    String active = lab.settle(Duration.ofSeconds(90));
    long monitorFailuresBefore = lab.logLines(active, " monitor failed (");
    long raisedBefore = lab.logLines(active, "lapsed under the held lease");
    int recentFailuresBefore = lab.resourceOn(active).orElseThrow().path("recentFailures").asInt();
    // The active node's own view of the resource, polled through the whole scenario.
    java.util.Set<String> roles = java.util.Collections.synchronizedSet(new java.util.TreeSet<>());
    java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread watch = new Thread(() -> {
      while (watching.get()) {
        lab.resourceOn(active).ifPresent(res -> roles.add(res.path("role").asText()));
        ClusterLab.sleep(200);
      }
    }, "role-watch");
    watch.start();
    Scenarios.Result r;
    try {
      r = scenarios.flap();
    } finally {
      watching.set(false);
      watch.join(30_000);
    }
    assertSafe(r, false);
    System.out.println("flap: VIP raised again after a lapse " + (lab.logLines(active, "lapsed under the held lease") - raisedBefore) + " times; roles seen " + roles);
    assertEquals(active, r.activeBefore(), r.toString());
    assertEquals(active, r.activeAfter(), "the resource stayed on its node: " + r);
    JsonNode res = ClusterLab.JSON.readTree(ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", active, "status", "--json")).out())
        .path("resources").get(0);
    assertEquals("primary", res.path("role").asText(), res.toString());
    assertEquals(recentFailuresBefore, res.path("recentFailures").asInt(), "no layer failure counted: " + res);
    assertEquals(monitorFailuresBefore, lab.logLines(active, " monitor failed ("), "no monitor failure logged:\n" + lab.log(active));
    assertEquals(java.util.Set.of("primary"), roles, "the role stayed primary (never restarting or needs-move)");
    // The VIP stayed and the role stayed primary (above): what is left of the gap is the client's own
    // reconnects (libnfs sets up a new NFSv4 session per write; on a busy machine one took a whole 1 s
    // up phase: 3.1 s, VIP never lapsed). A gap past the lease plus such a reconnect would be hanfs's
    // (a lapse, a restart); the 2 s target is measured by bench-failover's flapping link.
    assertTrue(r.outageMillis() < 3500, "longest client gap over 3.5 s: " + r);
  }

  /**
   * A kill -9 failover: the webhook receives its events in order (member down, failover started,
   * promoted on the new node, failover done), a hook that sleeps 30 s on every event delays
   * nothing, and `hanfs history` explains it from every node, also while the leader's node is
   * down and after its daemon came back (a leader hand-over).
   */
  /**
   * A client's idle connection to the floating IP (a kernel NFS client keeps one open) is woken at
   * once after a failover: the active node recorded it, the other node's replica of the cluster's
   * data has it (its /metrics says so), and after the active node's link is cut (nothing from it
   * reaches the client any more, as from a crashed machine) the new primary sends it a tickle ACK, which makes the client's stack reset the connection (and an NFS client
   * reconnect) instead of waiting for its RPC retry. Without the tickle nothing would ever reach
   * this idle socket.
   */
  @Test
  @Order(11)
  void anIdleClientConnectionIsWokenByTheNewPrimary() throws Exception {
    String active = lab.settle(Duration.ofSeconds(90));
    String other = Scenarios.other(active);
    String classes = lab.lab.root.resolve("src/test/target/test-classes").toString();
    Process held = new ProcessBuilder("ip", "netns", "exec", "hfc-client", "java", "-Xmx32m", "-cp", classes, "io.hanfs.e2e.HeldConnection",
        lab.lab.vip(), "2049", "150").redirectErrorStream(true).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(held.getInputStream()));
      java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try {
          for (String l; (l = out.readLine()) != null; ) lines.add(l);
        } catch (IOException e) {
          lines.add("read failed: " + e);
        }
      });
      reader.setDaemon(true);
      reader.start();
      String connected = lines.poll(60, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(connected != null && connected.startsWith("connected "), "the held connection: " + connected);
      long known = awaitKnownConnections(other, Duration.ofSeconds(30));
      assertTrue(known >= 1, other + "'s replica knows the active node's client connections: " + known);
      // A cut, not a kill -9 of the daemon: the old node's kernel would close the connection itself
      // (the server's FIN, retransmitted), racing the tickle.
      ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "net", active, "link-down"));
      long vipUp = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (vipUp == 0 && System.nanoTime() < deadline) {
        if (lab.vipOwners().equals(List.of(other))) vipUp = System.currentTimeMillis();
        else ClusterLab.sleep(50);
      }
      assertTrue(vipUp > 0, other + " took the floating IP");
      String end = lines.poll(20, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(end != null && end.startsWith("reset "), "the idle connection was reset after the move: " + end);
      long after = Long.parseLong(end.split(" ")[1]) - vipUp;
      System.out.println("tickle: the idle client connection was reset " + after + " ms after " + other + " had the floating IP (" + known
          + " connection(s) known there before the kill)");
      assertTrue(after < 3000, "reset " + after + " ms after the move");
    } finally {
      held.destroyForcibly();
      lab.lab.nslab(ClusterLab.SHORT, "net", active, "link-up");
    }
    lab.settle(Duration.ofSeconds(120));
  }

  /** The client connections {@code node}'s replica knows for home, from its /metrics. */
  long awaitKnownConnections(String node, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    long n = 0;
    while (System.nanoTime() < deadline) {
      Lab.Result r = lab.lab.nslab(Duration.ofSeconds(15), "http", node, "GET", "/metrics");
      for (String line : r.out().split("\n")) {
        if (line.startsWith("hanfs_client_connections_known{resource=\"home\"}")) n = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
      if (n >= 1) return n;
      ClusterLab.sleep(250);
    }
    return n;
  }

  /**
   * {@code hanfs drill} as an operator runs it: from the client namespace, records through the
   * VIP with libnfs, the witness's management API over HTTPS with its certificate and token, a
   * switchover there and back; with -DlongLab=true also the active daemon killed (SIGTERM). In
   * this lab (not one of its own) to save a cold start in every run.
   */
  @Test
  @Order(12)
  void aDrillFromTheClientSwitchesOverAndBackAndEveryAcknowledgedRecordReadsBack() {
    String active = lab.settle(Duration.ofSeconds(90));
    String other = Scenarios.other(active);
    String dir = lab.lab.dir().toString();
    List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.lab.name + "-client", lab.lab.root.resolve("deploy/hanfs").toString(),
        "drill", "home", "--url", "nfs://" + lab.lab.vip() + lab.lab.srv() + "/home/export?version=4", "-c", dir + "/hanfs.conf", "--settle", "2s",
        "--timeout", "60"));
    // The kill adds some 20 s (the killed node's lease runs out first): only in the long run.
    boolean kill = Boolean.getBoolean("hanfs.longLab");
    if (kill) argv.addAll(List.of("--kill-active", lab.lab.root.resolve("deploy/lab/nslab") + " kill"));
    // The witness's certificate and token: a client of the cluster's CA, as an operator's machine would hold;
    // the lab's settings for the kill command (nslab kill NODE: SIGTERM to its daemon, which its supervisor restarts).
    Map<String, String> env = new java.util.HashMap<>(lab.lab.env);
    env.putAll(Map.of("HANFS_NODE", "w", "HANFS_STATE_DIR", dir + "/state/w", "HANFS_LAB_NODES", "n1 n2 w", "HANFS_LAB_SUPERVISE", "1"));
    long t0 = System.nanoTime();
    Lab.Result r = Lab.exec(argv, Duration.ofSeconds(150), env);
    long took = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("hanfs drill took " + took + " ms\n" + r.out() + "\nstderr:\n" + r.err());
    assertEquals(0, r.code(), r.toString());
    String out = r.out();
    assertTrue(out.contains("switchover " + active + " -> " + other + ": requested at"), out);
    assertTrue(out.contains("switchover " + other + " -> " + active + ": requested at"), out);
    assertTrue(out.lines().anyMatch(l -> l.contains(" promoted ") && l.contains(other)), "promoted on " + other + ":\n" + out);
    assertTrue(out.lines().anyMatch(l -> l.contains(" promoted ") && l.contains(active)), "promoted on " + active + ":\n" + out);
    if (kill) {
      // A SIGTERM'd daemon stops its stack or leaves it running for its restart to adopt: either way the resource is served again.
      assertTrue(out.contains("kill of the active daemon on " + active + ": active again on "), out);
    }
    assertEquals(kill ? 3 : 2, out.lines().filter(l -> l.contains("client: longest I/O gap")).count(), out);
    assertTrue(out.contains("acknowledged records are there with their content"), out);
  }

  @Test
  @Order(20)
  void aFailoverIsAlertedInOrderAndItsHistorySurvivesALeaderHandOver() throws Exception {
    lab.settle(Duration.ofSeconds(90));
    long since = System.currentTimeMillis();
    Scenarios.Result r = scenarios.kill9();
    assertSafe(r, true);
    assertTrue(r.outageMillis() < 15_000, "the 30 s hook delayed the failover: " + r);
    // The leader's events, from one queue, in the order things happened: the failover starts when
    // the leader sees the holder gone (its failure detector or its voter's lapsed grant, whichever
    // comes first) and is done only after the holder's lease lapsed at the voters; the new node's
    // own promoted; the member down too.
    List<String[]> wanted = List.of(new String[] {"failover-started", r.activeAfter()}, new String[] {"lease-lost", r.activeBefore()},
        new String[] {"failover-done", r.activeAfter()});
    List<Integer> at = alerts.awaitInOrder(since, Duration.ofSeconds(90), wanted);
    assertTrue(!at.contains(-1) && at.get(0) < at.get(2) && at.get(1) < at.get(2), "alerts in order " + at + ": " + alerts.received());
    for (String[] also : List.of(new String[] {"promoted", r.activeAfter()}, new String[] {"member-down", r.activeBefore()})) {
      assertTrue(!alerts.awaitInOrder(since, Duration.ofSeconds(30), List.<String[]>of(also)).contains(-1), also[0] + " alert: " + alerts.received());
    }
    JsonNode promoted = alerts.received().stream().filter(j -> j.path("event").asText().equals("failover-done")).reduce((a, b) -> b).orElseThrow();
    assertEquals("home", promoted.path("resource").asText(), promoted.toString());
    assertEquals(1, promoted.path("schema").asInt(), promoted.toString());

    assertFailoverExplained("n1", r);
    // The leader's node goes down: the data nodes' journals still tell it.
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "stop", "w"));
    try {
      assertFailoverExplained(Scenarios.other(r.activeAfter()), r);
    } finally {
      ClusterLab.check(lab.lab.nslab(Duration.ofSeconds(60), "start", "w"));
    }
    lab.awaitMemberOfAll("w", Duration.ofSeconds(120));
    assertFailoverExplained("w", r);
  }

  /** `hanfs history home --json` on {@code node} shows the failover of {@code r} with its phases. */
  private void assertFailoverExplained(String node, Scenarios.Result r) throws IOException {
    Lab.Result h = lab.awaitAnswer(node, Duration.ofSeconds(60), "history", "home", "--json");
    JsonNode view = ClusterLab.JSON.readTree(h.out());
    JsonNode found = null;
    for (JsonNode ep : view.path("episodes")) {
      if (ep.path("kind").asText().equals("failover") && ep.path("to").asText().equals(r.activeAfter()) && ep.path("from").asText().equals(r.activeBefore())) {
        found = ep;
      }
    }
    assertTrue(found != null, node + ": no failover " + r.activeBefore() + " -> " + r.activeAfter() + " in " + view.path("episodes"));
    List<String> phases = new java.util.ArrayList<>();
    found.path("phases").forEach(p -> phases.add(p.path("phase").asText()));
    System.out.println("history on " + node + ": " + found.path("outcome").asText() + " in " + found.path("totalMillis") + " ms, phases " + phases);
    assertEquals("done", found.path("outcome").asText(), found.toString());
    for (String p : List.of("detected", "failover started", "floating-ip start", "promoted", "failover done")) {
      assertTrue(phases.contains(p), node + ": phase " + p + " missing from " + phases);
    }
    String text = ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "hanfs", node, "history", "home")).out();
    assertTrue(text.contains("failover of home: " + r.activeBefore() + " -> " + r.activeAfter() + ", done in"), text);
  }
}
