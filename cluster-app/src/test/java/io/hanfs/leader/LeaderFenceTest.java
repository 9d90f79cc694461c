package io.hanfs.leader;

import io.hanfs.sbr.Role;
import static io.hanfs.leader.LeaderFixture.PATIENCE;
import static io.hanfs.leader.LeaderFixture.drbd;
import static io.hanfs.leader.LeaderFixture.expect;
import static io.hanfs.leader.LeaderFixture.expectNoneMatching;
import static io.hanfs.leader.LeaderFixture.ledger;
import static io.hanfs.leader.LeaderFixture.reporting;
import static io.hanfs.leader.LeaderFixture.resourceStatus;
import static io.hanfs.testkit.LoopbackCluster.drbdResource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.FenceMarks;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.Refusal;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.testkit.LoopbackCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's side of DRBD's fence-peer contract, with real actors (see {@link LeaderFixture}):
 * marks must reach a majority of voters on disk before fence-peer says "outdated", and the data
 * gate must then refuse the fenced copy. The tests wait on what the leader tells the agents'
 * probes and on its status, never on time, except where noted.
 */
@SuppressWarnings("try") // a reporter in try (...) is only closed, never referenced
public class LeaderFenceTest {
  static final Duration EVERY = Duration.ofMillis(250);
  @TempDir static Path dir;
  static LeaderFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new LeaderFixture(dir);
    fx.awaitMember();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static boolean isSyncCompleted(NodeAgent.Command m) {
    return LeaderFixture.unfenced(m) instanceof NodeAgent.RecordLedger r && r.event() instanceof LedgerEvent.SyncCompleted;
  }

  /**
   * While the primary reports its DRBD peer Connected and UpToDate, the leader records the
   * secondary in sync (so it may take over); once the secondary was fenced, only unfence-peer can.
   */
  @Test
  void aConnectedUpToDateSecondaryIsRecordedInSyncButNotPastAFenceMark() throws Exception {
    TestProbe<NodeAgent.Command> f1 = fx.agent();
    TestProbe<NodeAgent.Command> f2 = fx.agent();
    Generation g7 = new Generation(7, 0);
    Generation g71 = new Generation(7, 1);
    Layer.Probe inSync = drbd("r2", "Connected", "Primary/Secondary", "UpToDate/UpToDate");
    Layer.Probe secondaryInSync = drbd("r2", "Connected", "Secondary/Primary", "UpToDate/UpToDate");
    try (AutoCloseable r = reporting(EVERY, () -> {
      fx.reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7));
      fx.reportWeb(f2, "d2", Role.SECONDARY, secondaryInSync, ledger("d2", false, Generation.NONE));
    })) {
      assertEquals(new LedgerEvent.SyncCompleted(g7, List.of(Generation.NONE, g7)), expect(f2, NodeAgent.RecordLedger.class).event());
    }

    // The link breaks, fence-peer outdates d2 at 7.1; a stale "Connected" report must not undo it.
    TestProbe<Leader.FenceReply> reply = fx.kit.createTestProbe();
    try (AutoCloseable r = reporting(EVERY, () -> {
      fx.reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7));
      fx.reportWeb(f2, "d2", Role.SECONDARY, secondaryInSync, ledger("d2", false, Generation.NONE, g7));
    })) {
      fx.awaitAssert(PATIENCE, () -> {
        fx.leader.tell(new Leader.FencePeer("web", "d1", Optional.empty(), reply.ref()));
        Leader.FenceReply fenced = reply.receiveMessage(Duration.ofSeconds(10));
        assertEquals(4, fenced.exitCode(), fenced.message());
        return fenced;
      });
    }
    try (AutoCloseable r = reporting(EVERY, () -> {
      fx.reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7, g71));
      fx.reportWeb(f2, "d2", Role.SECONDARY, secondaryInSync, ledger("d2", false, Generation.NONE, g7));
    })) {
      f2.fishForMessage(PATIENCE, "d2 outdated at 7.1", m -> isSyncCompleted(m) ? FishingOutcomes.fail("synced past a fence mark: " + m)
          : LeaderFixture.unfenced(m) instanceof NodeAgent.RecordLedger l && l.event().equals(new LedgerEvent.Outdated(g71)) ? FishingOutcomes.complete()
          : FishingOutcomes.continueAndIgnore());
      expectNoneMatching(f2, Duration.ofSeconds(2), LeaderFenceTest::isSyncCompleted, "synced past a fence mark");
    }

    // d2 reboots: its DRBD resyncs before its daemon is up, so its after-resync-target reaches
    // nobody. The primary, past the mark, reports d2 out of sync (while d2 is not even
    // reporting), then Connected and UpToDate: that is DRBD's word that d2 resynced after the fence.
    fx.reportWeb(f1, "d1", Role.PRIMARY, drbd("r2", "WFConnection", "Primary/Unknown", "UpToDate/DUnknown"), ledger("d1", false, Generation.NONE, g7, g71));
    fx.reportWeb(f1, "d1", Role.PRIMARY, drbd("r2", "SyncSource", "Primary/Secondary", "UpToDate/Inconsistent"), ledger("d1", false, Generation.NONE, g7, g71));
    // Kept sleep: the leader samples the reports on its 100 ms tick, and no state of it shows that
    // a tick saw the out-of-sync report; the report must stand for a few ticks, as a real one does.
    Thread.sleep(500);
    try (AutoCloseable r = reporting(EVERY, () -> {
      fx.reportWeb(f1, "d1", Role.PRIMARY, inSync, ledger("d1", false, Generation.NONE, g7, g71));
      fx.reportWeb(f2, "d2", Role.SECONDARY, secondaryInSync, ledger("d2", true, Generation.NONE, g7));
    })) {
      NodeAgent.Command resynced = f2.fishForMessage(PATIENCE, "the resync after the fence mark recorded",
          m -> isSyncCompleted(m) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
      assertEquals(new LedgerEvent.SyncCompleted(g71, List.of(Generation.NONE, g7, g71)), ((NodeAgent.RecordLedger) LeaderFixture.unfenced(resynced)).event());
    }
  }

  /**
   * DRBD's split-brain handler flags both copies even when their generations look the same (no
   * fencing): the gate refuses both and, with the default policy, the leader waits for an operator.
   */
  @Test
  void drbdReportedSplitBrainFlagsBothCopiesAndWaitsForAnOperator() throws Exception {
    TestProbe<NodeAgent.Command> m1 = fx.agent();
    TestProbe<NodeAgent.Command> m2 = fx.agent();
    Generation g2 = new Generation(2, 0);
    java.util.function.Consumer<Boolean> reportMail = sb -> {
      for (String n : List.of("d1", "d2")) {
        LedgerSummary l = new LedgerSummary(n, g2, List.of(Generation.NONE, g2), false, sb, 2);
        // d1 serves (so placement has nothing to do); DRBD found the split when the link came back.
        fx.report(n, n.equals("d1") ? m1 : m2, false, resourceStatus("mail", n.equals("d1") ? Role.PRIMARY : Role.SECONDARY, l, Optional.empty()));
      }
    };
    reportMail.accept(false);
    TestProbe<Leader.FenceReply> reply = fx.kit.createTestProbe();
    fx.leader.tell(new Leader.ReplicaSplitBrain("mail", "d1", Optional.empty(), OptionalLong.empty(), reply.ref()));
    assertEquals(0, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    assertEquals(new LedgerEvent.SplitBrainDetected("d2", g2, g2), expect(m1, NodeAgent.RecordLedger.class).event());
    assertEquals(new LedgerEvent.SplitBrainDetected("d1", g2, g2), expect(m2, NodeAgent.RecordLedger.class).event());
    try (AutoCloseable r = reporting(EVERY, () -> reportMail.accept(true))) {
      Leader.ResourceView mail = fx.awaitAssert(PATIENCE, () -> {
        Leader.ResourceView v = fx.view("mail");
        assertTrue(v.lastDecision().contains("split brain"), v.lastDecision());
        return v;
      });
      assertTrue(mail.lastDecision().contains("data split brain between d1") && mail.lastDecision().contains("policy disconnect"), mail.lastDecision());
      // Waiting for an operator: d1 still serves and nothing is under way.
      assertEquals(Optional.of("d1"), mail.activeNode());
      assertEquals(Optional.empty(), mail.transition());
      m1.expectNoMessage(Duration.ofMillis(500)); // what is asserted is that d1 is told nothing more
    }
  }

  /**
   * DRBD's kernel message seen by the primary's replication layer ("... split-brain" in its
   * detail) counts as the split-brain handler: both copies are flagged, once.
   */
  @Test
  void splitBrainSeenByTheReplicationLayerFlagsBothCopiesOnce() throws Exception {
    TestProbe<NodeAgent.Command> f1 = fx.agent();
    TestProbe<NodeAgent.Command> f2 = fx.agent();
    Generation g3 = new Generation(3, 0);
    Runnable reportFiles = () -> {
      for (String n : List.of("d1", "d2")) {
        LedgerSummary l = new LedgerSummary(n, g3, List.of(Generation.NONE, g3), false, false, 3);
        Layer.Probe drbd = n.equals("d1") ? drbd("r4", "StandAlone", "Primary/Unknown", "UpToDate/DUnknown", OptionalLong.of(8), true)
            : drbd("r4", "StandAlone", "Secondary/Unknown", "UpToDate/DUnknown", OptionalLong.of(0), false);
        fx.report(n, n.equals("d1") ? f1 : f2, false, resourceStatus("files", n.equals("d1") ? Role.PRIMARY : Role.SECONDARY, l, Optional.of(drbd)));
      }
    };
    try (AutoCloseable r = reporting(EVERY, reportFiles)) {
      assertEquals(new LedgerEvent.SplitBrainDetected("d2", g3, g3), expect(f1, NodeAgent.RecordLedger.class).event());
      assertEquals(new LedgerEvent.SplitBrainDetected("d1", g3, g3), expect(f2, NodeAgent.RecordLedger.class).event());
      // What is asserted is that the same reports, still coming, flag nobody again.
      f1.expectNoMessage(Duration.ofSeconds(1));
      f2.expectNoMessage(Duration.ofMillis(100));
    }
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
    TestProbe<NodeAgent.Command> e1 = fx.agent();
    TestProbe<NodeAgent.Command> e2 = fx.agent();
    Generation g5 = new Generation(5, 0);
    Generation g51 = new Generation(5, 1);
    Generation g6 = new Generation(6, 0);
    AtomicReference<LedgerSummary> l1 = new AtomicReference<>(ledger("d1", false, g5, g6));
    AtomicReference<LedgerSummary> l2 = new AtomicReference<>(ledger("d2", false, g5, g51));
    AtomicReference<Role> role2 = new AtomicReference<>(Role.SECONDARY);
    AtomicReference<Optional<Layer.Probe>> layers2 = new AtomicReference<>(Optional.empty());
    try (AutoCloseable r = reporting(Duration.ofMillis(300), () -> {
      fx.reportData(e1, "d1", Role.SECONDARY, l1.get(), Optional.empty());
      fx.reportData(e2, "d2", role2.get(), l2.get(), layers2.get());
    })) {
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
      layers2.set(Optional.of(drbd("r1", "StandAlone", "Secondary/Unknown", "UpToDate/DUnknown", OptionalLong.of(0), true)));
      // d2's own split-brain handler, run by DRBD when it found the split brain but slow to arrive
      // (the VM lab's JVM hook took 27 s): the split brain just resolved, nothing is flagged again.
      TestProbe<Leader.FenceReply> late = fx.kit.createTestProbe();
      fx.leader.tell(new Leader.ReplicaSplitBrain("data", "d2", Optional.empty(), OptionalLong.of(30_000), late.ref()));
      Leader.FenceReply lateReply = late.receiveMessage(Duration.ofSeconds(10));
      assertEquals(0, lateReply.exitCode());
      assertTrue(lateReply.message().contains("nothing recorded"), lateReply.message());
      // What is asserted is that d1 is not flagged (both copies would get SplitBrainDetected).
      e1.expectNoMessage(Duration.ofSeconds(2));
      layers2.set(Optional.empty());
      String data = fx.data("data", "d1");
      assertTrue(data.contains("refused") && data.contains("outdated"), data);
      // With the split brain over and nobody active, the survivor (the only current copy) is promoted.
      NodeAgent.Promote promote = expect(e2, NodeAgent.Promote.class);
      assertEquals("data", promote.resource());
      role2.set(Role.PRIMARY);
      // d2 reports itself primary before the answer, as a real node does.
      fx.awaitAssert(PATIENCE, () -> assertEquals(Role.PRIMARY, fx.view("data").roleByNode().get("d2")));
      promote.replyTo().tell(new ResourceAgent.Done(null));
      fx.awaitAssert(PATIENCE, () -> {
        Leader.ResourceView v = fx.view("data");
        assertEquals(Optional.of("d2"), v.activeNode());
        assertEquals(Optional.empty(), v.transition(), "the promotion is over");
        return v;
      });

      TestProbe<Leader.ControlReply> reply = fx.kit.createTestProbe();
      fx.leader.tell(new Leader.Resolve("data", "d1", false, reply.ref()));
      Leader.ControlReply same = reply.receiveMessage(Duration.ofSeconds(10));
      assertFalse(same.accepted());
      assertEquals(Optional.of(Refusal.Reason.NOT_APPLICABLE), same.refusal().map(Refusal::reason), same.message());
      assertTrue(same.message().contains("no split brain to resolve"), same.message());
      l1.set(ledger("d1", false, g5));
      awaitCopy("d1", "generation " + g5 + ";");
      fx.leader.tell(new Leader.Resolve("data", "d2", false, reply.ref()));
      Leader.ControlReply only = reply.receiveMessage(Duration.ofSeconds(10));
      assertFalse(only.accepted());
      assertEquals(Optional.of(Refusal.Reason.UNSAFE), only.refusal().map(Refusal::reason), only.message());
      assertTrue(only.message().contains("only current copy") && only.message().contains("--force"), only.message());
      fx.leader.tell(new Leader.Resolve("data", "w", false, reply.ref()));
      assertEquals(Optional.of(Refusal.Reason.NOT_A_DATA_NODE), reply.receiveMessage(Duration.ofSeconds(10)).refusal().map(Refusal::reason));
      fx.leader.tell(new Leader.Resolve("nosuch", "d1", false, reply.ref()));
      assertEquals(Optional.of(Refusal.Reason.UNKNOWN_RESOURCE), reply.receiveMessage(Duration.ofSeconds(10)).refusal().map(Refusal::reason));

      // A switchover to a copy the data gate refuses is refused before anything is demoted:
      // otherwise the only current copy would stop serving for a target that cannot start.
      l1.set(ledger("d1", true, g5));
      awaitCopy("d1", "generation " + g5 + " outdated;");
      fx.leader.tell(new Leader.Switchover("data", Optional.of("d1"), reply.ref()));
      Leader.ControlReply refused = reply.receiveMessage(Duration.ofSeconds(10));
      assertFalse(refused.accepted());
      assertEquals(Optional.of(Refusal.Reason.NOT_NOW), refused.refusal().map(Refusal::reason), refused.message());
      assertTrue(refused.message().contains("may not be promoted"), refused.message());
      expectNoneMatching(e2, Duration.ofSeconds(2), m -> LeaderFixture.unfenced(m) instanceof NodeAgent.Demote, "demoted for a refused target");
      assertEquals(Optional.of("d2"), fx.view("data").activeNode());
    }
  }

  /** Until the leader's view of {@code node}'s copy of "data" shows this ledger (as in "generation 5.0 outdated;"). */
  static void awaitCopy(String node, String ledger) {
    fx.awaitAssert(PATIENCE, () -> {
      String data = fx.data("data", node);
      assertTrue(data.contains(" " + ledger), data);
      return data;
    });
  }

  @Test
  void fencePeerMarksAMajorityOfVotersBeforeAnsweringAndTheGateThenRefusesTheFencedCopy() throws Exception {
    TestProbe<NodeAgent.Command> d1 = fx.agent();
    TestProbe<NodeAgent.Command> d2 = fx.agent();
    Generation g3 = new Generation(3, 0);
    Generation g31 = new Generation(3, 1);

    // d2 is primary and lost its peer d1 (a secondary): fence-peer from d2.
    TestProbe<Leader.FenceReply> reply = fx.kit.createTestProbe();
    // The leader learns the voters from the receptionist; until it has, nobody can be fenced.
    Leader.FenceReply fenced = fx.awaitAssert(PATIENCE, () -> {
      fx.reportHome(d1, "d1", Role.SECONDARY, ledger("d1", false, g3));
      fx.reportHome(d2, "d2", Role.PRIMARY, ledger("d2", false, g3));
      fx.leader.tell(new Leader.FencePeer("home", "d2", Optional.empty(), reply.ref()));
      Leader.FenceReply f = reply.receiveMessage(Duration.ofSeconds(10));
      assertFalse(f.message().startsWith("only 0 of 3"), f.message());
      return f;
    });
    assertEquals(4, fenced.exitCode(), fenced.message());
    // The mark is on the voters' disks (at least a majority; all three here).
    int marked = 0;
    for (String v : List.of("d1", "d2", "w")) {
      if (g31.equals(new FenceMarks(dir.resolve(v).resolve("voter-fence-marks")).marks("home").get("d1"))) marked++;
    }
    assertTrue(marked >= 2, "fence marks on disk: " + marked);
    // Both ledgers are told: d2 writes on in a new generation, d1's copy is outdated.
    assertEquals(new LedgerEvent.PeerOutdated("d1", g31), expect(d2, NodeAgent.RecordLedger.class).event());
    assertEquals(new LedgerEvent.Outdated(g31), expect(d1, NodeAgent.RecordLedger.class).event());

    // Even if d1's own ledger had not recorded it, the voters' mark makes the gate refuse d1.
    String data = fx.awaitAssert(PATIENCE, () -> {
      fx.reportHome(d1, "d1", Role.SECONDARY, ledger("d1", false, g3));
      fx.reportHome(d2, "d2", Role.PRIMARY, ledger("d2", false, g3, g31));
      String s = fx.data("home", "d1");
      assertTrue(s.contains("fenced off"), s);
      return s;
    });
    assertTrue(data.contains("refused: d1 was fenced off") && data.contains("3.1"), data);

    // fence-peer against a copy that is primary itself is refused with DRBD's 6.
    fx.reportHome(d1, "d1", Role.PRIMARY, ledger("d1", false, g3));
    fx.leader.tell(new Leader.FencePeer("home", "d2", Optional.empty(), reply.ref()));
    assertEquals(6, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    // A shared resource or an unknown peer: 1.
    fx.leader.tell(new Leader.FencePeer("home", "d2", Optional.of("w"), reply.ref()));
    assertEquals(1, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());

    // unfence-peer after the resync: d1 takes d2's generation and lineage, and is current again.
    fx.reportHome(d1, "d1", Role.SECONDARY, ledger("d1", true, g3));
    fx.leader.tell(new Leader.UnfencePeer("home", "d2", Optional.empty(), reply.ref()));
    NodeAgent.RecordLedger sync = expect(d1, NodeAgent.RecordLedger.class);
    assertEquals(new LedgerEvent.SyncCompleted(g31, List.of(g3, g31)), sync.event());
    sync.replyTo().tell(new ResourceAgent.Done(null));
    assertEquals(0, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    // DRBD 8.4 runs its after-resync-target on the copy that resynced (d1): the same record on d1.
    fx.reportHome(d2, "d2", Role.PRIMARY, ledger("d2", false, g3, g31));
    fx.reportHome(d1, "d1", Role.SECONDARY, ledger("d1", true, g3));
    fx.leader.tell(new Leader.UnfencePeer("home", "d1", Optional.empty(), reply.ref()));
    NodeAgent.RecordLedger sync84 = expect(d1, NodeAgent.RecordLedger.class);
    assertEquals(new LedgerEvent.SyncCompleted(g31, List.of(g3, g31)), sync84.event());
    sync84.replyTo().tell(new ResourceAgent.Done(null));
    assertEquals(0, reply.receiveMessage(Duration.ofSeconds(10)).exitCode());
    fx.awaitAssert(PATIENCE, () -> {
      fx.reportHome(d1, "d1", Role.SECONDARY, ledger("d1", false, g3, g31));
      fx.reportHome(d2, "d2", Role.PRIMARY, ledger("d2", false, g3, g31));
      String s = fx.data("home", "d1");
      assertTrue(s.contains("may be promoted"), s);
      return s;
    });
    assertEquals(Map.of("d1", g31), new FenceMarks(dir.resolve("w").resolve("voter-fence-marks")).marks("home"));
  }

  /**
   * A cold start waits for every data node's probed state and ledger: d1, the preferred node,
   * still probing while d2 is ready must not cost d1 the resource (the VM lab's cold starts went
   * to d2 whenever d1's probe came late; an unknown ledger already held d2 back by the data gate).
   * A second leader with a fresh cold start, for resource "cold" only.
   */
  @Test
  void aColdStartWaitsUntilThePreferredNodeHasProbed() throws Exception {
    HanfsConfig coldConfig = LoopbackCluster.config(dir.resolve("cold"), fx.config.remotingPort(),
        drbdResource("cold", 5, "").replaceFirst("name = cold", "name = cold, preferred-node = d1"));
    ActorRef<Leader.Command> cold = fx.kit.spawn(Leader.create(coldConfig, "w", fx.voters), "leader-cold");
    TestProbe<NodeAgent.Command> c1 = fx.agent();
    TestProbe<NodeAgent.Command> c2 = fx.agent();
    Generation g = new Generation(1, 0);
    java.util.function.BiConsumer<String, Boolean> reportCold = (node, ready) -> {
      // Its ledger is read already (the data gate would hold d2 back otherwise): only the probe is not done.
      ResourceStatus st = resourceStatus("cold", ready ? Role.SECONDARY : Role.PROBING, ledger(node, false, Generation.NONE, g), Optional.empty());
      cold.tell(new Leader.NodeReported(new NodeAgent.Report(node, (node.equals("d1") ? c1 : c2).ref(), false, false, List.of(st))));
    };
    try (AutoCloseable r = reporting(Duration.ofMillis(300), () -> {
      reportCold.accept("d1", false);
      reportCold.accept("d2", true);
    })) {
      c2.expectNoMessage(Duration.ofSeconds(3)); // what is asserted is that d2 is not promoted while d1 probes
    }
    try (AutoCloseable r = reporting(Duration.ofMillis(300), () -> {
      reportCold.accept("d1", true);
      reportCold.accept("d2", true);
    })) {
      assertEquals("cold", expect(c1, NodeAgent.Promote.class).resource());
      c2.expectNoMessage(Duration.ofMillis(500)); // and d2 is told nothing
    }
    fx.kit.stop(cold);
  }
}
