package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.EpochStore;
import io.hanfs.persistence.FenceMarks;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.voter.LeaseContract;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.util.LinkedHashMap;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's side of DRBD's fence-peer contract, with real actors: the Leader behavior in a
 * one-member cluster (node d1 is this JVM; d2 and the witness are not up), three real LeaseVoters
 * with their fence-mark files, and test probes standing in for the two data nodes' agents (the
 * real agents need DRBD, which only the VM lab has). Marks must reach a majority of voters on disk
 * before fence-peer says "outdated", and the data gate must then refuse the fenced copy.
 */
public class LeaderFenceTest {
  static ActorTestKit kit;
  static ActorTestKit kit2;
  static HanfsConfig config;
  @TempDir static Path dir;
  static ActorRef<Leader.Command> leader;
  static Voters voters;
  static TestProbe<NodeAgent.Command> d1;
  static TestProbe<NodeAgent.Command> d2;

  /** A DRBD resource of the test config: drbd{@code n}, resource r{@code n}, fsid n+1, VIP .100+n. */
  static String resource(String name, int n, String replicationExtra) {
    return """
        {
          name = %1$s
          replication { type = drbd, resource = r%2$d%3$s }
          filesystem { device = "/dev/drbd%2$d", mountpoint = "/srv/nfs/%1$s", fstype = ext4 }
          nfs { server = ganesha, state-dir = "/srv/nfs/%1$s/.nfs-state", grace = 10s, lease = 10s
                exports = [ { path = "/srv/nfs/%1$s", clients = "10.0.0.0/24", options = "rw,sync", fsid = %4$d } ] }
          floating-ip { address = "10.0.0.%5$d/24", interface = eth1 }
        }""".formatted(name, n, replicationExtra.isEmpty() ? "" : ", " + replicationExtra, n + 1, 100 + n);
  }

  /**
   * d1, d2 (data) and w (witness) on 127.0.0.1-3, sharing one free port, with these resources:
   * the three-node cluster of the multi-system tests in this JVM.
   */
  public static HanfsConfig loopbackCluster(Path stateDir, String resources) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return loopbackCluster(stateDir, port, resources);
  }

  /** The same cluster on a given port (another leader's view of a running one). */
  static HanfsConfig loopbackCluster(Path stateDir, int port, String resources) throws Exception {
    return ConfigLoader.parse("""
        hanfs {
          state-dir = "%s"
          remoting-port = %d
          nodes = [ { name = d1, address = "127.0.0.1", roles = [data] },
                    { name = d2, address = "127.0.0.2", roles = [data] },
                    { name = w, address = "127.0.0.3", roles = [witness] } ]
          resources = [ %s ]
        }
        """.formatted(stateDir, port, resources));
  }

  /** An actor system that is a cluster member at {@code host:port}. */
  public static ActorTestKit member(String host, int port) {
    return ActorTestKit.create("hanfs", memberConfig(host, port));
  }

  /** The settings of {@link #member}. */
  public static com.typesafe.config.Config memberConfig(String host, int port) {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "%s"
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.jmx.enabled = off
        # Every message goes through its serializer, as between nodes (a Duration in a message,
        # which the configured Jackson modules cannot write, was dropped between real nodes).
        pekko.actor.serialize-messages = on
        """.formatted(host, port)).withFallback(ConfigFactory.load());
  }

  @BeforeAll
  static void start() throws Exception {
    config = loopbackCluster(dir, String.join(", ",
        resource("home", 0, "fencing = resource-only"),
        resource("data", 1, "split-brain-policy = discard-younger-primary"),
        resource("web", 2, "fencing = resource-only"),
        resource("mail", 3, ""),
        resource("files", 4, "")));
    int port = config.remotingPort();
    kit = member("127.0.0.1", port);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    // d2 is a second actor system in this JVM on 127.0.0.2 (same port), so that it is a member too.
    kit2 = member("127.0.0.2", port);
    Cluster.get(kit2.system()).manager().tell(Join.create(cluster.selfMember().address()));
    Map<String, ActorRef<LeaseVoter.Command>> voterRefs = new LinkedHashMap<>();
    for (String voter : List.of("d1", "d2", "w")) {
      Path v = dir.resolve(voter);
      voterRefs.put(voter, kit.spawn(LeaseVoter.create(voter, new EpochStore(v.resolve("voter-epochs")), v.resolve("voter-extensions"),
          LeaseContract.of(config), Duration.ZERO), "voter-" + voter));
    }
    voters = new Voters(voterRefs);
    leader = kit.spawn(Leader.create(config, "w", voters), "leader");
    d1 = kit.createTestProbe(NodeAgent.Command.class);
    d2 = kit.createTestProbe(NodeAgent.Command.class);
  }

  @AfterAll
  static void stop() {
    kit2.shutdownTestKit();
    kit.shutdownTestKit();
  }

  static LedgerSummary ledger(String node, boolean outdated, Generation... lineage) {
    return new LedgerSummary(node, lineage[lineage.length - 1], List.of(lineage), outdated, false, lineage[lineage.length - 1].epoch());
  }

  /** Maintenance on, so that the leader itself promotes nothing while the test talks to it. */
  static void report(TestProbe<NodeAgent.Command> agent, String node, Role role, LedgerSummary ledger) {
    ResourceStatus st = new ResourceStatus("home", role, ledger.lastEpoch(), "", List.of(), 0, Optional.of(ledger), "UpToDate");
    leader.tell(new Leader.NodeReported(new NodeAgent.Report(node, agent.ref(), false, true, List.of(st))));
  }

  /** Resource "data" only, maintenance off: the leader acts on it by itself. */
  static void reportData(TestProbe<NodeAgent.Command> agent, String node, Role role, LedgerSummary ledger) {
    reportData(agent, node, role, ledger, List.of());
  }

  static void reportData(TestProbe<NodeAgent.Command> agent, String node, Role role, LedgerSummary ledger, List<ResourceStatus.LayerStatus> layers) {
    ResourceStatus st = new ResourceStatus("data", role, ledger.lastEpoch(), "", layers, 0, Optional.of(ledger), "UpToDate");
    leader.tell(new Leader.NodeReported(new NodeAgent.Report(node, agent.ref(), false, false, List.of(st))));
  }

  static void awaitMember() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && status().members().stream().filter(m -> m.status().equals("up")).count() < 2) {
      Thread.sleep(200);
    }
  }

  static <T extends NodeAgent.Command> T expect(TestProbe<NodeAgent.Command> agent, Class<T> type) {
    return type.cast(agent.fishForMessage(Duration.ofSeconds(10), "a " + type.getSimpleName(), m -> type.isInstance(m)
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete() : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0));
  }

  static Leader.ClusterStatus status() {
    TestProbe<Leader.ClusterStatus> p = kit.createTestProbe();
    leader.tell(new Leader.GetClusterStatus(p.ref()));
    return p.receiveMessage(Duration.ofSeconds(5));
  }

  static void reportWeb(TestProbe<NodeAgent.Command> agent, String node, Role role, String drbd, LedgerSummary ledger) {
    ResourceStatus st = new ResourceStatus("web", role, ledger.lastEpoch(), "", List.of(new ResourceStatus.LayerStatus("replication", "up", drbd)),
        0, Optional.of(ledger), "UpToDate");
    leader.tell(new Leader.NodeReported(new NodeAgent.Report(node, agent.ref(), false, true, List.of(st))));
  }

  /**
   * While the primary reports its DRBD peer Connected and UpToDate, the leader records the
   * secondary in sync (so it may take over); once the secondary was fenced, only unfence-peer can.
   */
  @Test
  void aConnectedUpToDateSecondaryIsRecordedInSyncButNotPastAFenceMark() throws Exception {
    TestProbe<NodeAgent.Command> f1 = kit.createTestProbe(NodeAgent.Command.class);
    TestProbe<NodeAgent.Command> f2 = kit.createTestProbe(NodeAgent.Command.class);
    Generation g7 = new Generation(7, 0);
    awaitMember();
    String inSync = "drbd r2 Connected Primary/Secondary UpToDate/UpToDate";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    NodeAgent.RecordLedger rec = null;
    while (rec == null && System.nanoTime() < deadline) {
      reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7));
      reportWeb(f2, "d2", Role.SECONDARY, "drbd r2 Connected Secondary/Primary UpToDate/UpToDate", ledger("d2", false, Generation.NONE));
      try {
        NodeAgent.Command m = f2.receiveMessage(Duration.ofSeconds(1));
        if (m instanceof NodeAgent.RecordLedger r) rec = r;
      } catch (AssertionError notYet) {
        // report again
      }
    }
    assertTrue(rec != null, "no SyncCompleted recorded");
    assertEquals(new LedgerEvent.SyncCompleted(g7, List.of(Generation.NONE, g7)), rec.event());

    // The link breaks, fence-peer outdates d2 at 7.1; a stale "Connected" report must not undo it.
    Generation g71 = new Generation(7, 1);
    TestProbe<Leader.FenceReply> reply = kit.createTestProbe();
    Leader.FenceReply fenced = null;
    deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && (fenced == null || fenced.exitCode() != 4)) {
      reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7));
      reportWeb(f2, "d2", Role.SECONDARY, "drbd r2 Connected Secondary/Primary UpToDate/UpToDate", ledger("d2", false, Generation.NONE, g7));
      leader.tell(new Leader.FencePeer("web", "d1", Optional.empty(), reply.ref()));
      fenced = reply.receiveMessage(Duration.ofSeconds(10));
    }
    assertEquals(4, fenced.exitCode(), fenced.message());
    for (int i = 0; i < 8; i++) {
      reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7, g71));
      reportWeb(f2, "d2", Role.SECONDARY, "drbd r2 Connected Secondary/Primary UpToDate/UpToDate", ledger("d2", false, Generation.NONE, g7));
      Thread.sleep(250);
    }
    List<NodeAgent.Command> seen = new java.util.ArrayList<>();
    while (true) {
      try {
        seen.add(f2.receiveMessage(Duration.ofMillis(300)));
      } catch (AssertionError noMore) {
        break;
      }
    }
    assertTrue(seen.stream().noneMatch(m -> m instanceof NodeAgent.RecordLedger r && r.event() instanceof LedgerEvent.SyncCompleted),
        "synced past a fence mark: " + seen);
    assertTrue(seen.stream().anyMatch(m -> m instanceof NodeAgent.RecordLedger r && r.event().equals(new LedgerEvent.Outdated(g71))), seen.toString());

    // d2 reboots: its DRBD resyncs before its daemon is up, so its after-resync-target reaches
    // nobody. The primary, past the mark, reports d2 out of sync (while d2 is not even
    // reporting), then Connected and UpToDate: that is DRBD's word that d2 resynced after the fence.
    for (String detail : List.of("drbd r2 WFConnection Primary/Unknown UpToDate/DUnknown", "drbd r2 SyncSource Primary/Secondary UpToDate/Inconsistent")) {
      reportWeb(f1, "d1", Role.PRIMARY, detail, ledger("d1", false, Generation.NONE, g7, g71));
      Thread.sleep(300);
    }
    NodeAgent.RecordLedger resynced = null;
    deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (resynced == null && System.nanoTime() < deadline) {
      reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7, g71));
      reportWeb(f2, "d2", Role.SECONDARY, "drbd r2 Connected Secondary/Primary UpToDate/UpToDate", ledger("d2", true, Generation.NONE, g7));
      try {
        NodeAgent.Command m = f2.receiveMessage(Duration.ofSeconds(1));
        if (m instanceof NodeAgent.RecordLedger r && r.event() instanceof LedgerEvent.SyncCompleted) resynced = r;
      } catch (AssertionError notYet) {
        // report again
      }
    }
    assertTrue(resynced != null, "the resync after the fence mark was not recorded");
    assertEquals(new LedgerEvent.SyncCompleted(g71, List.of(Generation.NONE, g7, g71)), resynced.event());
  }

  /**
   * DRBD's split-brain handler flags both copies even when their generations look the same (no
   * fencing): the gate refuses both and, with the default policy, the leader waits for an operator.
   */
  @Test
  void drbdReportedSplitBrainFlagsBothCopiesAndWaitsForAnOperator() throws Exception {
    TestProbe<NodeAgent.Command> m1 = kit.createTestProbe(NodeAgent.Command.class);
    TestProbe<NodeAgent.Command> m2 = kit.createTestProbe(NodeAgent.Command.class);
    Generation g2 = new Generation(2, 0);
    awaitMember();
    java.util.function.Consumer<Boolean> reportMail = sb -> {
      for (String n : List.of("d1", "d2")) {
        LedgerSummary l = new LedgerSummary(n, g2, List.of(Generation.NONE, g2), false, sb, 2);
        // d1 serves (so placement has nothing to do); DRBD found the split when the link came back.
        ResourceStatus st = new ResourceStatus("mail", n.equals("d1") ? Role.PRIMARY : Role.SECONDARY, 2, "", List.of(), 0, Optional.of(l), "UpToDate");
        leader.tell(new Leader.NodeReported(new NodeAgent.Report(n, (n.equals("d1") ? m1 : m2).ref(), false, false, List.of(st))));
      }
    };
    reportMail.accept(false);
    TestProbe<Leader.FenceReply> reply = kit.createTestProbe();
    leader.tell(new Leader.ReplicaSplitBrain("mail", "d1", Optional.empty(), java.util.OptionalLong.empty(), reply.ref()));
    assertEquals(0, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    assertEquals(new LedgerEvent.SplitBrainDetected("d2", g2, g2), expect(m1, NodeAgent.RecordLedger.class).event());
    assertEquals(new LedgerEvent.SplitBrainDetected("d1", g2, g2), expect(m2, NodeAgent.RecordLedger.class).event());
    String decision = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && !decision.contains("split brain")) {
      reportMail.accept(true);
      Thread.sleep(300);
      decision = status().resources().stream().filter(x -> x.name().equals("mail")).findFirst().orElseThrow().lastDecision();
    }
    assertTrue(decision.contains("data split brain between d1") && decision.contains("policy disconnect"), decision);
    m1.expectNoMessage(Duration.ofMillis(500));
  }

  /**
   * DRBD's kernel message seen by the primary's replication layer ("... split-brain" in its
   * detail) counts as the split-brain handler: both copies are flagged, once.
   */
  @Test
  void splitBrainSeenByTheReplicationLayerFlagsBothCopiesOnce() throws Exception {
    TestProbe<NodeAgent.Command> f1 = kit.createTestProbe(NodeAgent.Command.class);
    TestProbe<NodeAgent.Command> f2 = kit.createTestProbe(NodeAgent.Command.class);
    Generation g3 = new Generation(3, 0);
    awaitMember();
    Runnable reportFiles = () -> {
      for (String n : List.of("d1", "d2")) {
        LedgerSummary l = new LedgerSummary(n, g3, List.of(Generation.NONE, g3), false, false, 3);
        String detail = n.equals("d1") ? "drbd r4 StandAlone Primary/Unknown UpToDate/DUnknown oos:8 split-brain"
            : "drbd r4 StandAlone Secondary/Unknown UpToDate/DUnknown oos:0";
        ResourceStatus st = new ResourceStatus("files", n.equals("d1") ? Role.PRIMARY : Role.SECONDARY, 3, "",
            List.of(new ResourceStatus.LayerStatus("replication", n.equals("d1") ? "up" : "down", detail)), 0, Optional.of(l), "UpToDate");
        leader.tell(new Leader.NodeReported(new NodeAgent.Report(n, (n.equals("d1") ? f1 : f2).ref(), false, false, List.of(st))));
      }
    };
    for (int i = 0; i < 4; i++) {
      reportFiles.run();
      Thread.sleep(300);
    }
    assertEquals(new LedgerEvent.SplitBrainDetected("d2", g3, g3), expect(f1, NodeAgent.RecordLedger.class).event());
    assertEquals(new LedgerEvent.SplitBrainDetected("d1", g3, g3), expect(f2, NodeAgent.RecordLedger.class).event());
    reportFiles.run();
    f1.expectNoMessage(Duration.ofMillis(800));
    f2.expectNoMessage(Duration.ofMillis(100));
  }

  /**
   * A data split brain (d1 and d2 both wrote after generation 5.0) is noted in both ledgers and
   * resolved by the policy (discard-younger-primary: d1, promoted under epoch 6, loses): d1 saves
   * and discards its changes, then d2 reconnects, then d1 takes d2's history and is not resolved
   * twice. A manual resolve is refused when there is nothing to resolve or it would discard the
   * only current copy.
   */
  @Test
  void dataSplitBrainIsDetectedAndResolvedByPolicy() throws Exception {
    TestProbe<NodeAgent.Command> e1 = kit.createTestProbe(NodeAgent.Command.class);
    TestProbe<NodeAgent.Command> e2 = kit.createTestProbe(NodeAgent.Command.class);
    Generation g5 = new Generation(5, 0);
    Generation g51 = new Generation(5, 1);
    Generation g6 = new Generation(6, 0);
    awaitMember();
    java.util.concurrent.atomic.AtomicReference<LedgerSummary> l1 = new java.util.concurrent.atomic.AtomicReference<>(ledger("d1", false, g5, g6));
    java.util.concurrent.atomic.AtomicReference<LedgerSummary> l2 = new java.util.concurrent.atomic.AtomicReference<>(ledger("d2", false, g5, g51));
    java.util.concurrent.ScheduledExecutorService reporter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    java.util.concurrent.atomic.AtomicReference<Role> role2 = new java.util.concurrent.atomic.AtomicReference<>(Role.SECONDARY);
    java.util.concurrent.atomic.AtomicReference<List<ResourceStatus.LayerStatus>> layers2 = new java.util.concurrent.atomic.AtomicReference<>(List.of());
    reporter.scheduleAtFixedRate(() -> {
      reportData(e1, "d1", Role.SECONDARY, l1.get());
      reportData(e2, "d2", role2.get(), l2.get(), layers2.get());
    }, 0, 300, java.util.concurrent.TimeUnit.MILLISECONDS);
    try {
      assertEquals(new LedgerEvent.SplitBrainDetected("d2", g6, g51), expect(e1, NodeAgent.RecordLedger.class).event());
      assertEquals(new LedgerEvent.SplitBrainDetected("d1", g51, g6), expect(e2, NodeAgent.RecordLedger.class).event());
      NodeAgent.ResolveSplitBrain discard = expect(e1, NodeAgent.ResolveSplitBrain.class);
      assertTrue(discard.discard() && discard.peer().equals("d2") && discard.resource().equals("data"), discard.toString());
      discard.replyTo().tell(new ResourceAgent.Done(null));
      NodeAgent.ResolveSplitBrain keep = expect(e2, NodeAgent.ResolveSplitBrain.class);
      assertTrue(!keep.discard() && keep.peer().equals("d1"), keep.toString());
      keep.replyTo().tell(new ResourceAgent.Done(null));
      assertEquals(new LedgerEvent.SyncStarted("d2", g51, List.of(g5, g51)), expect(e1, NodeAgent.RecordLedger.class).event());
      // d1 now reports d2's history while it resyncs: no second resolution, and d1 is not promotable.
      // d2's DRBD still shows the split brain it logged until d1's discarding connection arrives
      // (StandAlone, the kernel's "unresolved" line): that is this split brain, not a new one.
      l1.set(ledger("d1", true, g5, g51));
      layers2.set(List.of(new ResourceStatus.LayerStatus("replication", "down", "drbd r1 StandAlone Secondary/Unknown UpToDate/DUnknown oos:0 split-brain")));
      // d2's own split-brain handler, run by DRBD when it found the split brain but slow to arrive
      // (the VM lab's JVM hook took 27 s): the split brain just resolved, nothing is flagged again.
      TestProbe<Leader.FenceReply> late = kit.createTestProbe();
      leader.tell(new Leader.ReplicaSplitBrain("data", "d2", Optional.empty(), java.util.OptionalLong.of(30_000), late.ref()));
      Leader.FenceReply lateReply = late.receiveMessage(Duration.ofSeconds(10));
      assertEquals(0, lateReply.exitCode());
      assertTrue(lateReply.message().contains("nothing recorded"), lateReply.message());
      // (noted, both copies would get SplitBrainDetected: d1's probe sees nothing)
      e1.expectNoMessage(Duration.ofSeconds(2));
      layers2.set(List.of());
      String data = status().resources().get(1).dataByNode().get("d1");
      assertTrue(data.contains("refused") && data.contains("outdated"), data);
      // With the split brain over and nobody active, the survivor (the only current copy) is promoted.
      NodeAgent.Promote promote = expect(e2, NodeAgent.Promote.class);
      assertEquals("data", promote.resource());
      role2.set(Role.PRIMARY);
      Thread.sleep(500); // d2 reports itself primary before the answer, as a real node does
      promote.replyTo().tell(new ResourceAgent.Done(null));
      Thread.sleep(700);

      TestProbe<Leader.ControlReply> reply = kit.createTestProbe();
      leader.tell(new Leader.Resolve("data", "d1", false, reply.ref()));
      Leader.ControlReply same = reply.receiveMessage(Duration.ofSeconds(10));
      assertEquals(409, same.httpStatus(), same.message());
      assertTrue(same.message().contains("no split brain to resolve"), same.message());
      l1.set(ledger("d1", false, g5));
      Thread.sleep(700);
      leader.tell(new Leader.Resolve("data", "d2", false, reply.ref()));
      Leader.ControlReply only = reply.receiveMessage(Duration.ofSeconds(10));
      assertEquals(409, only.httpStatus(), only.message());
      assertTrue(only.message().contains("only current copy") && only.message().contains("--force"), only.message());
      leader.tell(new Leader.Resolve("data", "w", false, reply.ref()));
      assertEquals(400, reply.receiveMessage(Duration.ofSeconds(10)).httpStatus());
      leader.tell(new Leader.Resolve("nosuch", "d1", false, reply.ref()));
      assertEquals(404, reply.receiveMessage(Duration.ofSeconds(10)).httpStatus());

      // A switchover to a copy the data gate refuses is refused before anything is demoted:
      // otherwise the only current copy would stop serving for a target that cannot start.
      l1.set(ledger("d1", true, g5));
      Thread.sleep(700);
      leader.tell(new Leader.Switchover("data", Optional.of("d1"), reply.ref()));
      Leader.ControlReply refused = reply.receiveMessage(Duration.ofSeconds(10));
      assertEquals(409, refused.httpStatus(), refused.message());
      assertTrue(refused.message().contains("may not be promoted"), refused.message());
      List<NodeAgent.Command> toD2 = new java.util.ArrayList<>();
      while (true) {
        try {
          toD2.add(e2.receiveMessage(Duration.ofMillis(700)));
        } catch (AssertionError noMore) {
          break;
        }
      }
      assertTrue(toD2.stream().noneMatch(m -> m instanceof NodeAgent.Demote), "demoted for a refused target: " + toD2);
    } finally {
      reporter.shutdownNow();
    }
  }

  @Test
  void fencePeerMarksAMajorityOfVotersBeforeAnsweringAndTheGateThenRefusesTheFencedCopy() throws Exception {
    Generation g3 = new Generation(3, 0);
    Generation g31 = new Generation(3, 1);
    awaitMember();
    long deadline;

    // d2 is primary and lost its peer d1 (a secondary): fence-peer from d2.
    report(d1, "d1", Role.SECONDARY, ledger("d1", false, g3));
    report(d2, "d2", Role.PRIMARY, ledger("d2", false, g3));
    TestProbe<Leader.FenceReply> reply = kit.createTestProbe();
    // The leader learns the voters from the receptionist; until it has, nobody can be fenced.
    Leader.FenceReply fenced = null;
    deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && (fenced == null || fenced.message().startsWith("only 0 of 3"))) {
      report(d1, "d1", Role.SECONDARY, ledger("d1", false, g3));
      report(d2, "d2", Role.PRIMARY, ledger("d2", false, g3));
      leader.tell(new Leader.FencePeer("home", "d2", Optional.empty(), reply.ref()));
      fenced = reply.receiveMessage(Duration.ofSeconds(10));
    }
    assertEquals(4, fenced.exitCode(), fenced.message());
    // The mark is on the voters' disks (at least a majority; all three here).
    int marked = 0;
    for (String v : List.of("d1", "d2", "w")) {
      if (g31.equals(new FenceMarks(dir.resolve(v).resolve("voter-fence-marks")).marks("home").get("d1"))) marked++;
    }
    assertTrue(marked >= 2, "fence marks on disk: " + marked);
    // Both ledgers are told: d2 writes on in a new generation, d1's copy is outdated.
    NodeAgent.RecordLedger primarySide = expect(d2, NodeAgent.RecordLedger.class);
    assertEquals(new LedgerEvent.PeerOutdated("d1", g31), primarySide.event());
    NodeAgent.RecordLedger peerSide = expect(d1, NodeAgent.RecordLedger.class);
    assertEquals(new LedgerEvent.Outdated(g31), peerSide.event());

    // Even if d1's own ledger had not recorded it, the voters' mark makes the gate refuse d1.
    String data = "";
    deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && !data.contains("fenced off")) {
      report(d1, "d1", Role.SECONDARY, ledger("d1", false, g3));
      report(d2, "d2", Role.PRIMARY, ledger("d2", false, g3, g31));
      Thread.sleep(300);
      data = status().resources().get(0).dataByNode().getOrDefault("d1", "");
    }
    assertTrue(data.contains("refused: d1 was fenced off") && data.contains("3.1"), data);

    // fence-peer against a copy that is primary itself is refused with DRBD's 6.
    report(d1, "d1", Role.PRIMARY, ledger("d1", false, g3));
    leader.tell(new Leader.FencePeer("home", "d2", Optional.empty(), reply.ref()));
    assertEquals(6, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    // A shared resource or an unknown peer: 1.
    leader.tell(new Leader.FencePeer("home", "d2", Optional.of("w"), reply.ref()));
    assertEquals(1, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());

    // unfence-peer after the resync: d1 takes d2's generation and lineage, and is current again.
    report(d1, "d1", Role.SECONDARY, ledger("d1", true, g3));
    leader.tell(new Leader.UnfencePeer("home", "d2", Optional.empty(), reply.ref()));
    NodeAgent.RecordLedger sync = expect(d1, NodeAgent.RecordLedger.class);
    assertEquals(new LedgerEvent.SyncCompleted(g31, List.of(g3, g31)), sync.event());
    sync.replyTo().tell(new ResourceAgent.Done(null));
    assertEquals(0, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    // DRBD 8.4 runs its after-resync-target on the copy that resynced (d1): the same record on d1.
    report(d2, "d2", Role.PRIMARY, ledger("d2", false, g3, g31));
    report(d1, "d1", Role.SECONDARY, ledger("d1", true, g3));
    leader.tell(new Leader.UnfencePeer("home", "d1", Optional.empty(), reply.ref()));
    NodeAgent.RecordLedger sync84 = expect(d1, NodeAgent.RecordLedger.class);
    assertEquals(new LedgerEvent.SyncCompleted(g31, List.of(g3, g31)), sync84.event());
    sync84.replyTo().tell(new ResourceAgent.Done(null));
    assertEquals(0, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && !data.contains("may be promoted")) {
      report(d1, "d1", Role.SECONDARY, ledger("d1", false, g3, g31));
      report(d2, "d2", Role.PRIMARY, ledger("d2", false, g3, g31));
      Thread.sleep(300);
      data = status().resources().get(0).dataByNode().getOrDefault("d1", "");
    }
    assertTrue(data.contains("may be promoted"), data);
    assertEquals(Map.of("d1", g31), new FenceMarks(dir.resolve("w").resolve("voter-fence-marks")).marks("home"));
  }

  /**
   * A cold start waits for every data node's probed state and ledger: d1, the preferred node,
   * still probing while d2 is ready must not cost d1 the resource (the VM lab's cold starts went
   * to d2 whenever d1's probe came late; an unknown ledger already held d2 back by the data gate). A second leader with a fresh cold start, for resource
   * "cold" only.
   */
  @Test
  void aColdStartWaitsUntilThePreferredNodeHasProbed() throws Exception {
    awaitMember();
    HanfsConfig coldConfig = loopbackCluster(dir.resolve("cold"), config.remotingPort(),
        resource("cold", 5, "").replaceFirst("name = cold", "name = cold, preferred-node = d1"));
    ActorRef<Leader.Command> cold = kit.spawn(Leader.create(coldConfig, "w", voters), "leader-cold");
    TestProbe<NodeAgent.Command> c1 = kit.createTestProbe(NodeAgent.Command.class);
    TestProbe<NodeAgent.Command> c2 = kit.createTestProbe(NodeAgent.Command.class);
    Generation g = new Generation(1, 0);
    java.util.function.BiConsumer<String, Boolean> reportCold = (node, ready) -> {
      // Its ledger is read already (the data gate would hold d2 back otherwise): only the probe is not done.
      ResourceStatus st = new ResourceStatus("cold", ready ? Role.SECONDARY : Role.PROBING, 1, "", List.of(), 0,
          Optional.of(ledger(node, false, Generation.NONE, g)), "UpToDate");
      cold.tell(new Leader.NodeReported(new NodeAgent.Report(node, (node.equals("d1") ? c1 : c2).ref(), false, false, List.of(st))));
    };
    for (int i = 0; i < 10; i++) {
      reportCold.accept("d1", false);
      reportCold.accept("d2", true);
      Thread.sleep(300);
    }
    c2.expectNoMessage(Duration.ofMillis(200));
    for (int i = 0; i < 3; i++) {
      reportCold.accept("d1", true);
      reportCold.accept("d2", true);
      Thread.sleep(300);
    }
    assertEquals("cold", expect(c1, NodeAgent.Promote.class).resource());
    c2.expectNoMessage(Duration.ofMillis(500));
    kit.stop(cold);
  }

  /** A split brain's change counts come from DRBD's out-of-sync figure in the replication layer's detail. */
  @Test
  void changeCountsComeFromTheReplicationDetail() {
    assertEquals(40960, Replicas.changedKiB(List.of(new ResourceStatus.LayerStatus("replication", "up",
        "drbd r0 StandAlone Primary/Unknown UpToDate/DUnknown oos:40960"))));
    assertEquals(-1, Replicas.changedKiB(List.of(new ResourceStatus.LayerStatus("replication", "up",
        "drbd r0 Connected Primary/Secondary UpToDate/UpToDate"))));
    assertEquals(-1, Replicas.changedKiB(List.of(new ResourceStatus.LayerStatus("filesystem", "up", "oos:5"))));
  }
}
