package io.hanfs.sbr.stack;

import io.hanfs.sbr.Role;
import io.hanfs.sbr.stack.StackEvent.*;
import io.hanfs.sbr.stack.StackMachine.Settings;
import io.hanfs.sbr.stack.StackMachine.Transition;
import io.hanfs.sbr.stack.StackState.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Named states of the stack machine, reached by driving it with events, and a short text of effects for tables. */
final class StackFixture {
  static final long MINUTE = 60_000_000_000L;
  static final StackMachine M = new StackMachine(new Settings("r1", true, true, 3, MINUTE));

  private StackFixture() {}

  static Transition drive(Transition t, StackEvent... events) {
    for (StackEvent e : events) t = M.apply(t.state(), e);
    return t;
  }

  static LayerCompleted ok(StackLayer l, LayerOp op, boolean active) {
    return new LayerCompleted(l, op, true, true, active, l.layerName() + " " + (active ? "up" : "down"), Optional.empty(), "", false);
  }

  static LayerCompleted failed(StackLayer l, LayerOp op) {
    return new LayerCompleted(l, op, false, false, false, "", Optional.empty(), "exit 1", false);
  }

  /** Answers the step in flight as {@code up} says, until no step is left. */
  static Transition settle(Transition t, Set<StackLayer> up) {
    while (!t.state().plan().isEmpty()) {
      Step s = t.state().plan().get(0);
      boolean active = s.op() == LayerOp.START || (s.op() == LayerOp.PROBE && up.contains(s.layer()));
      t = M.apply(t.state(), ok(s.layer(), s.op(), active));
    }
    return t;
  }

  static Transition head(Transition t, boolean success) {
    Step s = t.state().plan().get(0);
    return M.apply(t.state(), success ? ok(s.layer(), s.op(), s.op() == LayerOp.START) : failed(s.layer(), s.op()));
  }

  static Transition secondary() {
    return settle(M.start(4), Set.of());
  }

  static Transition primary() {
    return settle(drive(secondary(), new Promote(0, Optional.empty()), new EpochPersisted(5), new PromotionRecorded(true, ""),
        new LeaseAcquired()), Set.of());
  }

  /** Every named state the tables use. */
  static Map<String, StackState> states() {
    Map<String, StackState> s = new LinkedHashMap<>();
    Transition probing = M.start(4);
    s.put("probing", probing.state());
    s.put("secondary", secondary().state());
    s.put("adopting", settle(probing, Set.copyOf(StackLayer.ORDER)).state());
    Transition persisting = drive(secondary(), new Promote(0, Optional.empty()));
    s.put("persisting", persisting.state());
    Transition recording = drive(persisting, new EpochPersisted(5));
    s.put("recording", recording.state());
    Transition acquiring = drive(recording, new PromotionRecorded(true, ""));
    s.put("acquiring", acquiring.state());
    Transition promoting = drive(acquiring, new LeaseAcquired());
    s.put("promoting", promoting.state());
    Transition primary = primary();
    s.put("primary", primary.state());
    s.put("demoting", drive(primary, new Demote(0)).state());
    s.put("restarting", drive(primary, new MonitorFailed(StackLayer.NFS, "nfsd gone", 1)).state());
    Transition rollingBack = head(head(head(promoting, true), true), false);
    s.put("rolling-back", rollingBack.state());
    s.put("start-failed", settle(rollingBack, Set.of()).state());
    Transition fencing = head(drive(primary, new Demote(0)), false);
    s.put("fencing", fencing.state());
    s.put("stop-failed", settle(fencing, Set.of()).state());
    Transition movingAway = primary;
    for (int i = 1; i <= 3; i++) {
      movingAway = drive(movingAway, new MonitorFailed(StackLayer.NFS, "nfsd gone", i));
      if (i < 3) movingAway = settle(movingAway, Set.of());
    }
    s.put("moving-away", movingAway.state());
    s.put("needs-move", settle(movingAway, Set.of()).state());
    s.put("maintenance-primary", drive(primary, new SetMaintenance(true)).state());
    return s;
  }

  /** Every kind of event, with the values a table row needs. */
  static Map<String, StackEvent> events(StackState s) {
    Map<String, StackEvent> e = new LinkedHashMap<>();
    e.put("promote", new Promote(0, Optional.empty()));
    e.put("promote-newer", new Promote(s.epoch() + 1, Optional.empty()));
    e.put("promote-stale", new Promote(1, Optional.empty()));
    e.put("promote-forced", new Promote(0, Optional.of(new Force("admin", "peer lost"))));
    e.put("demote", new Demote(0));
    e.put("demote-stale", new Demote(1));
    e.put("epoch-persisted", new EpochPersisted(s.epoch() + 1));
    e.put("epoch-not-persisted", new EpochNotPersisted(s.epoch() + 1, "disk full"));
    e.put("ledger-recorded", new PromotionRecorded(true, ""));
    e.put("ledger-failed", new PromotionRecorded(false, "timeout"));
    e.put("ledger-seen", new LedgerSeen(io.hanfs.sbr.data.LedgerSummary.empty("n1"), 1000));
    e.put("lease-acquired", new LeaseAcquired());
    e.put("lease-not-acquired", new LeaseNotAcquired("no majority"));
    e.put("lease-refusing", new LeaseRefusing(s.epoch(), "w", "settings differ"));
    e.put("lease-lost", new LeaseLost("no majority renewed"));
    Optional<Step> head = s.plan().stream().findFirst();
    StackLayer l = head.map(Step::layer).orElse(StackLayer.NFS);
    LayerOp op = head.map(Step::op).orElse(LayerOp.START);
    e.put("step-ok", ok(l, op, op != LayerOp.STOP));
    e.put("step-failed", failed(l, op));
    e.put("step-held-elsewhere", new LayerCompleted(l, op, false, false, false, "", Optional.empty(), "held by n2", true));
    e.put("late-answer", ok(StackLayer.FLOATING_IP, LayerOp.PROBE, false));
    e.put("monitored", new Monitored(StackLayer.REPLICATION, "cs:Connected ds:UpToDate/UpToDate", Optional.empty()));
    e.put("monitor-failed", new MonitorFailed(StackLayer.FILESYSTEM, "mount gone", 10));
    e.put("maintenance-on", new SetMaintenance(true));
    e.put("clear-failures", new ClearFailures());
    e.put("prepare-restart", new PrepareRestart());
    e.put("discard", new ResolveSplitBrain(true, "n2"));
    e.put("keep", new ResolveSplitBrain(false, "n2"));
    e.put("split-brain-step-ok", new SplitBrainStepEnded(true, "n2", Optional.of("/var/lib/hanfs/rescue/1"), ""));
    return e;
  }

  /** The effects in a table's short words: {@code run replication start}, {@code reply refused BUSY}. */
  static String text(List<StackEffect> effects) {
    List<String> out = new ArrayList<>();
    for (StackEffect e : effects) {
      if (e instanceof StackEffect.RunLayer r) out.add("run " + r.layer().layerName() + " " + r.op().name().toLowerCase());
      else if (e instanceof StackEffect.SetMonitoring m) out.add("monitor " + (m.on() ? "on" : "off"));
      else if (e instanceof StackEffect.AcquireLease a) out.add("acquire " + a.epoch());
      else if (e instanceof StackEffect.ReleaseLease) out.add("release");
      else if (e instanceof StackEffect.ExtendLease) out.add("extend");
      else if (e instanceof StackEffect.PersistEpoch p) out.add("persist " + p.epoch());
      else if (e instanceof StackEffect.RecordLedger r) out.add("ledger " + r.note().getClass().getSimpleName() + " " + r.purpose().name().toLowerCase());
      else if (e instanceof StackEffect.StartSplitBrainStep s) out.add(s.discard() ? "discard" : "keep");
      else if (e instanceof StackEffect.Reply r) out.add("reply " + text(r.response()));
      else if (e instanceof StackEffect.AwaitOutcome) out.add("await");
      else if (e instanceof StackEffect.Complete c) out.add("complete " + text(c.response()));
      else if (e instanceof StackEffect.Log g) out.add("log " + g.level().name().toLowerCase());
    }
    return String.join(", ", out);
  }

  static String text(Response r) {
    if (r instanceof Response.Refused x) return "refused " + x.refusal().reason();
    if (r instanceof Response.Failed f) return f.heldElsewhere() ? "failed held-elsewhere" : "failed";
    return "done";
  }

  static String row(Transition t) {
    String e = text(t.effects());
    return t.state().role().display() + (t.state().busy() ? " (" + t.state().kind().name().toLowerCase() + ")" : "") + (e.isEmpty() ? "" : ": " + e);
  }

  static Set<Role> roles(Map<String, StackState> states) {
    return states.values().stream().map(StackState::role).collect(Collectors.toSet());
  }
}
