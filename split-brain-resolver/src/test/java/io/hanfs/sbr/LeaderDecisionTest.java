package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.sbr.LeaderDecision.DivergedPair;
import io.hanfs.sbr.LeaderDecision.Input;
import io.hanfs.sbr.LeaderDecision.LayerSplitBrain;
import io.hanfs.sbr.LeaderDecision.RunningSaga;
import io.hanfs.sbr.LeaderEffect.AbortSaga;
import io.hanfs.sbr.LeaderEffect.Alarm;
import io.hanfs.sbr.LeaderEffect.Decided;
import io.hanfs.sbr.LeaderEffect.ForgetHeldElsewhere;
import io.hanfs.sbr.LeaderEffect.Loudness;
import io.hanfs.sbr.LeaderEffect.RecordSplitBrain;
import io.hanfs.sbr.LeaderEffect.Remember;
import io.hanfs.sbr.LeaderEffect.StartDemote;
import io.hanfs.sbr.LeaderEffect.StartPromote;
import io.hanfs.sbr.LeaderEffect.StartResolve;
import io.hanfs.sbr.Placement.NodeView;
import io.hanfs.sbr.Remembered.SplitBrain;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.SplitBrainVerdict;
import io.hanfs.sbr.data.SplitBrainVerdict.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The leader's decision for one resource, case by case: the input and every effect it asks for, in order. */
class LeaderDecisionTest {
  static final long NOW = 10_000_000_000L;
  static final long SECOND = 1_000_000_000L;
  static final Generation BASE = new Generation(3, 2);
  static final Generation A_AT = new Generation(4, 1);
  static final Generation B_AT = new Generation(5, 1);

  static NodeView node(String name, Role role, long epoch) {
    return new NodeView(name, true, false, false, role, epoch);
  }

  static NodeView unreachable(String name, Role role, long epoch) {
    return new NodeView(name, false, false, false, role, epoch);
  }

  /** Two secondaries, nothing running, nothing remembered: the base every case changes. */
  static Input idle(NodeView... nodes) {
    List<NodeView> views = nodes.length == 0 ? List.of(node("n1", Role.SECONDARY, 1), node("n2", Role.SECONDARY, 1)) : List.of(nodes);
    return new Input("web", Optional.empty(), false, List.of(), Optional.empty(),
        new Placement.Input(views, Optional.of("n1"), false, false, true), List.of(), Optional.empty(), Optional.empty(), Set.of());
  }

  static Input saga(Input in, RunningSaga s) {
    return new Input(in.resource(), Optional.of(s), in.retryPending(), in.layerSplitBrains(), in.diverged(), in.placement(), in.bans(),
        in.heldElsewhere(), in.copies(), in.remembered());
  }

  static Input retrying(Input in) {
    return new Input(in.resource(), in.saga(), true, in.layerSplitBrains(), in.diverged(), in.placement(), in.bans(), in.heldElsewhere(),
        in.copies(), in.remembered());
  }

  static Input copies(Input in, ReplicaSync.Copy... copies) {
    return new Input(in.resource(), in.saga(), in.retryPending(), in.layerSplitBrains(), in.diverged(), in.placement(), in.bans(), in.heldElsewhere(),
        Optional.of(List.of(copies)), in.remembered());
  }

  /** n1 primary at B_AT with its link up and n2 in sync; n2 secondary at A_AT. */
  static final ReplicaSync.Copy[] IN_SYNC = {
      new ReplicaSync.Copy("n1", true, Role.PRIMARY, 5, Optional.of(ledger("n1", B_AT, false)), true, true, Optional.empty()),
      new ReplicaSync.Copy("n2", true, Role.SECONDARY, 4, Optional.of(ledger("n2", A_AT, false)), false, false, Optional.empty())};
  static final List<LeaderEffect> SYNC_WRITES = List.of(new Remember(new Remembered.LinkSeen("web", "n1", 5)),
      new LeaderEffect.RecordPeerConnected("n1", "n2"), new Remember(new Remembered.SyncRecorded("web", "n2", B_AT)),
      new LeaderEffect.RecordSyncCompleted("n2", B_AT, List.of(Generation.NONE, BASE, B_AT), "n2 is in sync with primary n1 at generation " + B_AT));

  static Input layers(Input in, LayerSplitBrain... l) {
    return new Input(in.resource(), in.saga(), in.retryPending(), List.of(l), in.diverged(), in.placement(), in.bans(), in.heldElsewhere(),
        in.copies(), in.remembered());
  }

  static Input diverged(Input in, DivergedPair p) {
    return new Input(in.resource(), in.saga(), in.retryPending(), in.layerSplitBrains(), Optional.of(p), in.placement(), in.bans(), in.heldElsewhere(),
        in.copies(), in.remembered());
  }

  static Input remembering(Input in, Remembered... facts) {
    return new Input(in.resource(), in.saga(), in.retryPending(), in.layerSplitBrains(), in.diverged(), in.placement(), in.bans(), in.heldElsewhere(),
        in.copies(), Set.of(facts));
  }

  static Input maintenance(Input in) {
    Placement.Input p = in.placement();
    return new Input(in.resource(), in.saga(), in.retryPending(), in.layerSplitBrains(), in.diverged(),
        new Placement.Input(p.dataNodes(), p.preferred(), p.failback(), true, p.coldStartDone()), in.bans(), in.heldElsewhere(), in.copies(), in.remembered());
  }

  static Input failback(Input in) {
    Placement.Input p = in.placement();
    return new Input(in.resource(), in.saga(), in.retryPending(), in.layerSplitBrains(), in.diverged(),
        new Placement.Input(p.dataNodes(), p.preferred(), true, p.maintenance(), p.coldStartDone()), in.bans(), in.heldElsewhere(), in.copies(), in.remembered());
  }

  static Input banned(Input in, PromotionBans.Ban... bans) {
    return new Input(in.resource(), in.saga(), in.retryPending(), in.layerSplitBrains(), in.diverged(), in.placement(), List.of(bans),
        in.heldElsewhere(), in.copies(), in.remembered());
  }

  static Input heldElsewhere(Input in, String why) {
    return new Input(in.resource(), in.saga(), in.retryPending(), in.layerSplitBrains(), in.diverged(), in.placement(), in.bans(), Optional.of(why),
        in.copies(), in.remembered());
  }

  static LedgerSummary ledger(String node, Generation at, boolean splitBrain) {
    return new LedgerSummary(node, at, List.of(Generation.NONE, BASE, at), false, splitBrain, at.epoch());
  }

  /** n1 and n2 both wrote after BASE; n1 wrote nothing since (zero changes), n2 serves. */
  static DivergedPair pair(Policy policy, boolean bothFlagged) {
    return new DivergedPair(ledger("n1", A_AT, bothFlagged), ledger("n2", B_AT, bothFlagged),
        new SplitBrainVerdict.Side("n1", A_AT, 4, 0, false, false), new SplitBrainVerdict.Side("n2", B_AT, 5, 12, true, false), policy);
  }

  static final SplitBrain SPLIT = new SplitBrain("web", "n1", "n2", A_AT, B_AT);
  static final String DISCONNECT_WAIT = "Wait[why=data split brain between n1 (" + A_AT + ") and n2 (" + B_AT + "), policy disconnect: "
      + "policy disconnect: an operator decides (hanfs resolve RES --discard NODE)]";
  static final List<LeaderEffect> NOTE_PAIR = List.of(new Remember(new Remembered.SplitBrainNoted(SPLIT)),
      new Alarm("DATA SPLIT BRAIN: n1 (" + A_AT + ") and n2 (" + B_AT + ") both wrote after generation " + BASE),
      new RecordSplitBrain("n1", "n2", A_AT, B_AT), new RecordSplitBrain("n2", "n1", B_AT, A_AT));

  record Case(String name, Input in, List<LeaderEffect> effects) {}

  static List<LeaderEffect> concat(List<LeaderEffect> a, LeaderEffect... b) {
    List<LeaderEffect> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  static final PromotionBans.Ban BAN = new PromotionBans.Ban("web", "n1", NOW + 60 * SECOND, 1_000_000L, "promotion failed 2 times in a row: mount");

  static final List<Case> CASES = List.of(
      new Case("a saga whose node answers is left alone",
          saga(idle(), new RunningSaga(SagaKind.PROMOTE, Optional.of("n1"), true, NOW - 5 * SECOND)), List.of()),
      new Case("a saga whose node left the cluster ends after a second",
          saga(idle(), new RunningSaga(SagaKind.PROMOTE, Optional.of("n1"), false, NOW - 2 * SECOND)),
          List.of(new AbortSaga("n1 left the cluster during the promote"))),
      new Case("... but not within that second",
          saga(idle(), new RunningSaga(SagaKind.MOVE, Optional.of("n2"), false, NOW - SECOND / 2)), List.of()),
      new Case("a saga with no node to wait on is never aborted",
          saga(idle(), new RunningSaga(SagaKind.MOVE, Optional.empty(), true, NOW - 60 * SECOND)), List.of()),
      new Case("a failed step pauses the next decision", retrying(idle()), List.of()),
      new Case("nothing active: the preferred node is promoted",
          idle(), List.of(new Decided("Promote[node=n1, why=no node is active]", Loudness.INFO), new StartPromote("n1", Optional.empty()))),
      new Case("an active primary stays, quietly, and its held-elsewhere note goes",
          idle(node("n1", Role.PRIMARY, 3), node("n2", Role.SECONDARY, 1)),
          List.of(new ForgetHeldElsewhere(), new Decided("Stay[node=n1]", Loudness.QUIET))),
      new Case("failback: demote the active node, then promote the preferred one",
          failback(idle(node("n1", Role.SECONDARY, 1), node("n2", Role.PRIMARY, 3))),
          List.of(new Decided("Move[from=n2, to=n1, fromReachable=true, why=failback to the preferred node]", Loudness.INFO),
              new StartDemote("n2", Optional.of("n1"), SagaKind.MOVE))),
      new Case("an unreachable holder is replaced under the lease, without a demotion",
          idle(unreachable("n1", Role.PRIMARY, 3), node("n2", Role.SECONDARY, 1)),
          List.of(new Decided("Move[from=n1, to=n2, fromReachable=false, why=n1 is unreachable]", Loudness.INFO),
              new StartPromote("n2", Optional.of("n1")))),
      new Case("two active nodes: the lower epoch is demoted",
          idle(node("n1", Role.PRIMARY, 3), node("n2", Role.PRIMARY, 4)),
          List.of(new Decided("DemoteExtra[node=n1, why=active on [n1, n2]; keeping the higher epoch]", Loudness.INFO),
              new StartDemote("n1", Optional.empty(), SagaKind.DEMOTE_EXTRA))),
      new Case("a node whose stop failed is demoted again, loudly",
          idle(node("n1", Role.STOP_FAILED, 3), node("n2", Role.SECONDARY, 1)),
          List.of(new Decided("RetryStop[node=n1, attempt=1, why=n1 failed to stop the resource; demoting it again (try 1 of 3)]", Loudness.WARN),
              new StartDemote("n1", Optional.empty(), SagaKind.RETRY_STOP))),
      new Case("a wait says which ban leaves no candidate and how to lift it",
          banned(idle(new NodeView("n1", true, false, true, Role.SECONDARY, 1)), BAN),
          List.of(new Decided("Wait[why=no eligible data node (all unreachable, in standby, or failed here recently); n1 is banned until "
              + java.time.Instant.ofEpochMilli(1_000_000L) + " (" + BAN.reason() + "): hanfs clear n1 lifts it]", Loudness.INFO))),
      new Case("the last promotion's held-elsewhere note is said until the resource stays somewhere",
          heldElsewhere(idle(), "held by n2"),
          List.of(new Decided("Promote[node=n1, why=no node is active]; last try: held by n2", Loudness.INFO),
              new StartPromote("n1", Optional.empty()))),
      new Case("maintenance: placement waits and starts nothing",
          maintenance(idle()), List.of(new Decided("Wait[why=maintenance mode: the leader does not act]", Loudness.INFO))),
      new Case("a replication layer's split brain is noted once in both ledgers, then placement goes on",
          layers(idle(), new LayerSplitBrain("n1", "n2", A_AT, B_AT)),
          List.of(new Remember(new Remembered.LayerSplitBrainNoted("web", "n1", A_AT)),
              new Alarm("the replication reports a DATA SPLIT BRAIN between n1 and n2"),
              new RecordSplitBrain("n1", "n2", A_AT, B_AT), new RecordSplitBrain("n2", "n1", B_AT, A_AT),
              new Decided("Promote[node=n1, why=no node is active]", Loudness.INFO), new StartPromote("n1", Optional.empty()))),
      new Case("... and not again",
          remembering(layers(idle(), new LayerSplitBrain("n1", "n2", A_AT, B_AT)), new Remembered.LayerSplitBrainNoted("web", "n1", A_AT)),
          List.of(new Decided("Promote[node=n1, why=no node is active]", Loudness.INFO), new StartPromote("n1", Optional.empty()))),
      new Case("diverged copies under disconnect: noted, then an operator decides; nothing else this tick",
          diverged(idle(), pair(Policy.DISCONNECT, false)), concat(NOTE_PAIR, new Decided(DISCONNECT_WAIT, Loudness.WARN))),
      new Case("diverged copies already noted: only the verdict",
          remembering(diverged(idle(), pair(Policy.DISCONNECT, false)), new Remembered.SplitBrainNoted(SPLIT)),
          List.of(new Decided(DISCONNECT_WAIT, Loudness.WARN))),
      new Case("both ledgers already flagged: remembered, no alarm and no second write",
          diverged(idle(), pair(Policy.DISCONNECT, true)),
          List.of(new Remember(new Remembered.SplitBrainNoted(SPLIT)), new Decided(DISCONNECT_WAIT, Loudness.WARN))),
      new Case("a discarding policy resolves: the side without changes is the victim",
          remembering(diverged(idle(), pair(Policy.DISCARD_ZERO_CHANGES, false)), new Remembered.SplitBrainNoted(SPLIT)),
          List.of(new Decided("Resolve[split brain between n1 and n2, policy discard-zero-changes: discard n1 (n1 wrote nothing since the split)]",
              Loudness.WARN), new StartResolve("n1", "n2", SPLIT))),
      new Case("a split brain this leader resolved waits for the new reports, quietly",
          remembering(diverged(idle(), pair(Policy.DISCARD_ZERO_CHANGES, false)), new Remembered.SplitBrainResolved(SPLIT)),
          List.of(new Decided("Wait[why=split brain resolved; waiting for the copies to report their new history]", Loudness.QUIET))),
      new Case("maintenance: a split brain is noted but not resolved",
          maintenance(diverged(idle(), pair(Policy.DISCARD_ZERO_CHANGES, false))), NOTE_PAIR),
      new Case("the replicas' ledgers are kept before placement",
          copies(idle(node("n1", Role.PRIMARY, 5), node("n2", Role.SECONDARY, 4)), IN_SYNC),
          concat(SYNC_WRITES, new ForgetHeldElsewhere(), new Decided("Stay[node=n1]", Loudness.QUIET))),
      new Case("... but not while a split brain takes the tick",
          remembering(copies(diverged(idle(), pair(Policy.DISCONNECT, false)), IN_SYNC), new Remembered.SplitBrainNoted(SPLIT)),
          List.of(new Decided(DISCONNECT_WAIT, Loudness.WARN))),
      new Case("a running saga holds off even a split brain",
          saga(diverged(idle(), pair(Policy.DISCARD_ZERO_CHANGES, false)), new RunningSaga(SagaKind.DEMOTE_EXTRA, Optional.of("n2"), true, NOW)),
          List.of()));

  @Test
  void everyCase() {
    for (Case c : CASES) assertEquals(c.effects(), LeaderDecision.decide(c.in(), NOW), c.name());
  }

  @Test
  void aSplitBrainReportedByDrbdIsNotedInBothLedgers() {
    assertEquals(List.of(new Alarm("the replication reports a DATA SPLIT BRAIN between n2 and n1"), new RecordSplitBrain("n2", "n1", B_AT, A_AT),
        new RecordSplitBrain("n1", "n2", A_AT, B_AT)), LeaderDecision.noteSplitBrain("n2", "n1", B_AT, A_AT));
  }
}
