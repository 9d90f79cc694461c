package io.hanfs.sbr;

import io.hanfs.sbr.LeaderEffect.Alarm;
import io.hanfs.sbr.LeaderEffect.Decided;
import io.hanfs.sbr.LeaderEffect.Loudness;
import io.hanfs.sbr.LeaderEffect.RecordSplitBrain;
import io.hanfs.sbr.LeaderEffect.Remember;
import io.hanfs.sbr.Remembered.SplitBrain;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.SplitBrainVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The leader's decision for one resource on each tick, a pure function of what it knows (in the
 * spirit of Pekko's {@code DowningStrategy.decide()} beside its SplitBrainResolver shell): watch
 * the running saga, note split brains once, resolve a data split brain by its policy, keep the
 * replicas' ledgers ({@link ReplicaSync}), then place the resource ({@link Placement}). Returns
 * the effects in the order the shell carries them out; it sends, writes and spawns nothing.
 */
public final class LeaderDecision {
  private LeaderDecision() {}

  /** A command to a node that left the cluster will not be answered; after this long the saga is given up. */
  static final Duration GONE_GRACE = Duration.ofSeconds(1);

  /**
   * The saga running for the resource: what it waits on, whether that node is still a member, and
   * since when (nanoTime). A member the failure detector calls unreachable is still a member: it
   * is waited for until the split-brain resolver downs it (or the command times out). Giving up
   * at the first unreachability turned a starved machine's flapping heartbeats into promotions
   * started on one node after the other (ten in one VM-lab cold start, and a DRBD split brain).
   */
  public record RunningSaga(SagaKind kind, Optional<String> waitingOn, boolean waitingOnMember, long startedNanos) {}

  /** A reachable copy whose replication layer saw a split brain that its ledger does not show yet. */
  public record LayerSplitBrain(String node, String peer, Generation mine, Generation theirs) {}

  /** Two reachable copies whose histories diverged, as the policy sees each side. */
  public record DivergedPair(LedgerSummary a, LedgerSummary b, SplitBrainVerdict.Side sideA, SplitBrainVerdict.Side sideB,
      SplitBrainVerdict.Policy policy) {
    public SplitBrain split(String resource) {
      return new SplitBrain(resource, sideA.node(), sideB.node(), a.current(), b.current());
    }
  }

  /**
   * @param retryPending a step failed recently: the leader waits before it tries again
   * @param bans the active promotion bans of this resource
   * @param heldElsewhere why the last promotion found the data held by another holder, if it did
   * @param copies the replicated copies for {@link ReplicaSync}; empty for a shared disk, and for a new leader until it heard a
   *     majority of voters (their fence marks)
   * @param remembered the facts this leader already acted on
   */
  public record Input(String resource, Optional<RunningSaga> saga, boolean retryPending, List<LayerSplitBrain> layerSplitBrains,
      Optional<DivergedPair> diverged, Placement.Input placement, List<PromotionBans.Ban> bans, Optional<String> heldElsewhere,
      Optional<List<ReplicaSync.Copy>> copies, Set<Remembered> remembered) {}

  public static List<LeaderEffect> decide(Input in, long nowNanos) {
    List<LeaderEffect> out = new ArrayList<>();
    if (in.saga().isPresent()) {
      RunningSaga s = in.saga().get();
      if (s.waitingOn().isPresent() && !s.waitingOnMember() && nowNanos - s.startedNanos() > GONE_GRACE.toNanos()) {
        out.add(new LeaderEffect.AbortSaga(s.waitingOn().get() + " left the cluster during the " + s.kind().display()));
      }
      return out;
    }
    if (in.retryPending()) return out;
    for (LayerSplitBrain l : in.layerSplitBrains()) {
      Remembered noted = new Remembered.LayerSplitBrainNoted(in.resource(), l.node(), l.mine());
      if (in.remembered().contains(noted)) continue;
      out.add(new Remember(noted));
      out.addAll(noteSplitBrain(l.node(), l.peer(), l.mine(), l.theirs()));
    }
    if (in.diverged().isPresent()) {
      splitBrain(in, in.diverged().get(), out);
      return out;
    }
    in.copies().ifPresent(c -> out.addAll(ReplicaSync.writes(in.resource(), c, in.remembered())));
    place(in, out);
    return out;
  }

  /** The replication saw a data split brain between the two: the alarm, and the flag in both ledgers (the gate then refuses both). */
  public static List<LeaderEffect> noteSplitBrain(String reporter, String peer, Generation reporterAt, Generation peerAt) {
    return List.of(new Alarm("the replication reports a DATA SPLIT BRAIN between " + reporter + " and " + peer),
        new RecordSplitBrain(reporter, peer, reporterAt, peerAt), new RecordSplitBrain(peer, reporter, peerAt, reporterAt));
  }

  /** A data split brain takes the tick: noted once, then resolved by the policy or left to an operator. */
  private static void splitBrain(Input in, DivergedPair p, List<LeaderEffect> out) {
    SplitBrain split = p.split(in.resource());
    String a = split.a();
    String b = split.b();
    if (in.remembered().contains(new Remembered.SplitBrainResolved(split))) {
      out.add(new Decided("Wait[why=split brain resolved; waiting for the copies to report their new history]", Loudness.QUIET));
      return;
    }
    Remembered noted = new Remembered.SplitBrainNoted(split);
    if (!in.remembered().contains(noted)) {
      out.add(new Remember(noted));
      // Both ledgers already say so (DRBD's handler or an earlier leader): nothing to note again.
      if (!(p.a().splitBrain() && p.b().splitBrain())) {
        out.add(new Alarm("DATA SPLIT BRAIN: " + a + " (" + p.a().current() + ") and " + b + " (" + p.b().current() + ") both wrote after generation "
            + p.a().commonBase(p.b())));
        out.add(new RecordSplitBrain(a, b, p.a().current(), p.b().current()));
        out.add(new RecordSplitBrain(b, a, p.b().current(), p.a().current()));
      }
    }
    if (in.placement().maintenance()) return;
    SplitBrainVerdict.Verdict v = SplitBrainVerdict.decide(p.policy(), p.sideA(), p.sideB());
    if (v instanceof SplitBrainVerdict.Discard d) {
      out.add(new Decided("Resolve[split brain between " + a + " and " + b + ", policy " + p.policy().configName + ": discard " + d.victim()
          + " (" + d.why() + ")]", Loudness.WARN));
      out.add(new LeaderEffect.StartResolve(d.victim(), d.survivor(), split));
    } else {
      out.add(new Decided("Wait[why=data split brain between " + a + " (" + p.a().current() + ") and " + b + " (" + p.b().current() + "), policy "
          + p.policy().configName + ": " + ((SplitBrainVerdict.Manual) v).why() + "]", Loudness.WARN));
    }
  }

  /** Where the resource runs ({@link Placement#decide}), with the bans and the last failed try said when it waits. */
  private static void place(Input in, List<LeaderEffect> out) {
    Placement.Decision d = Placement.decide(in.placement());
    String extra = "";
    if (d instanceof Placement.Wait) {
      // A ban that leaves no candidate is said, with how to lift it.
      for (PromotionBans.Ban b : in.bans()) {
        if (in.placement().dataNodes().stream().anyMatch(v -> v.name().equals(b.node()) && v.reachable() && !v.standby())) {
          extra += "; " + b.node() + " is banned until " + Instant.ofEpochMilli(b.untilEpochMillis()) + " (" + b.reason() + "): hanfs clear "
              + b.node() + " lifts it";
        }
      }
    }
    if (d instanceof Placement.Stay) out.add(new LeaderEffect.ForgetHeldElsewhere());
    else if (in.heldElsewhere().isPresent()) extra += "; last try: " + in.heldElsewhere().get();
    String text = d instanceof Placement.Wait w ? new Placement.Wait(w.why() + extra).toString() : d + extra;
    out.add(new Decided(text, d instanceof Placement.Stay ? Loudness.QUIET : d instanceof Placement.RetryStop ? Loudness.WARN : Loudness.INFO));
    if (d instanceof Placement.Promote p) {
      out.add(new LeaderEffect.StartPromote(p.node(), Optional.empty()));
    } else if (d instanceof Placement.Move m) {
      out.add(m.fromReachable() ? new LeaderEffect.StartDemote(m.from(), Optional.of(m.to()), SagaKind.MOVE)
          : new LeaderEffect.StartPromote(m.to(), Optional.of(m.from())));
    } else if (d instanceof Placement.DemoteExtra x) {
      out.add(new LeaderEffect.StartDemote(x.node(), Optional.empty(), SagaKind.DEMOTE_EXTRA));
    } else if (d instanceof Placement.RetryStop x) {
      out.add(new LeaderEffect.StartDemote(x.node(), Optional.empty(), SagaKind.RETRY_STOP));
    }
  }
}
