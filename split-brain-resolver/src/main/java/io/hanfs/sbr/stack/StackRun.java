package io.hanfs.sbr.stack;

import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.stack.StackEffect.LedgerPurpose;
import io.hanfs.sbr.stack.StackEffect.Level;
import io.hanfs.sbr.stack.StackEvent.*;
import io.hanfs.sbr.stack.StackMachine.Settings;
import io.hanfs.sbr.stack.StackMachine.Transition;
import static io.hanfs.sbr.stack.StackMachine.complete;
import io.hanfs.sbr.stack.StackState.Kind;
import io.hanfs.sbr.stack.StackState.LayerView;
import io.hanfs.sbr.stack.StackState.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One transition being worked out: a mutable copy of a {@link StackState} that {@link #end()}
 * freezes again, with the steps every transition shares (run a plan, finish it, roll back, fence,
 * move away, restart on monitor failures). Only {@link StackMachine} uses it.
 */
class StackRun {
  final Settings settings;
  Role role;
  long epoch;
  String message;
  Kind kind;
  final Deque<Step> plan;
  final Map<StackLayer, LayerView> layers;
  final Deque<Long> failureTimes;
  String failure;
  boolean failureHeldElsewhere;
  boolean replicationStartedInPromotion;
  Role roleBeforeAcquire;
  boolean maintenance;
  Optional<Force> pendingForce;
  boolean awaitingLedger;
  boolean resolving;
  Optional<LedgerSummary> ledger;
  long currentSinceMillis;
  Optional<String> leaseLostWhy;
  final List<StackEffect> effects = new ArrayList<>();

  StackRun(Settings settings, StackState s) {
    this.settings = settings;
    role = s.role();
    epoch = s.epoch();
    message = s.message();
    kind = s.kind();
    plan = new ArrayDeque<>(s.plan());
    layers = new EnumMap<>(s.layers());
    failureTimes = new ArrayDeque<>(s.failureTimes());
    failure = s.failure();
    failureHeldElsewhere = s.failureHeldElsewhere();
    replicationStartedInPromotion = s.replicationStartedInPromotion();
    roleBeforeAcquire = s.roleBeforeAcquire();
    maintenance = s.maintenance();
    pendingForce = s.pendingForce();
    awaitingLedger = s.awaitingLedger();
    resolving = s.resolving();
    ledger = s.ledger();
    currentSinceMillis = s.currentSinceMillis();
    leaseLostWhy = s.leaseLostWhy();
  }

  Transition end() {
    return new Transition(new StackState(role, epoch, message, kind, List.copyOf(plan), layers, List.copyOf(failureTimes), failure,
        failureHeldElsewhere, replicationStartedInPromotion, roleBeforeAcquire, maintenance, pendingForce, awaitingLedger, resolving,
        ledger, currentSinceMillis, leaseLostWhy), List.copyOf(effects));
  }

  static List<Step> steps(List<StackLayer> layers, LayerOp op) {
    return layers.stream().map(l -> new Step(l, op)).toList();
  }

  boolean busy() {
    return kind != Kind.IDLE;
  }

  void effect(StackEffect e) {
    effects.add(e);
  }

  void setRole(Role r, String msg) {
    role = r;
    message = msg;
  }

  void record(LedgerNote note, LedgerPurpose purpose) {
    if (settings.ledger()) effect(new StackEffect.RecordLedger(note, purpose));
  }

  void monitored(Monitored m) {
    // Only the detail and facts change (the layer stays up): what the leader reads the link state from.
    if (layers.get(m.layer()).state() == LayerState.UP) layers.put(m.layer(), new LayerView(LayerState.UP, m.detail(), m.replication()));
  }

  void layerCompleted(LayerCompleted c) {
    LayerState state = !c.ok() || !c.healthy() ? LayerState.FAILED : c.active() ? LayerState.UP : LayerState.DOWN;
    layers.put(c.layer(), new LayerView(state, c.ok() ? c.detail() : c.error(), c.ok() ? c.replication() : Optional.empty()));
    Step head = plan.peekFirst();
    if (head == null || head.layer() != c.layer() || head.op() != c.op()) return; // a late answer from an aborted plan
    plan.removeFirst();
    if (kind == Kind.PROMOTE && c.layer() == StackLayer.REPLICATION && c.op() == LayerOp.START && c.ok()) {
      replicationStartedInPromotion = true;
    }
    if (!c.ok() && kind != Kind.FENCE) {
      stepFailed(c);
    } else {
      if (!c.ok() && failure.isEmpty()) failure = c.layer().layerName() + ": " + c.error();
      next();
    }
  }

  void stepFailed(LayerCompleted c) {
    String why = c.layer().layerName() + " " + c.op().name().toLowerCase() + " failed: " + c.error();
    switch (kind) {
      case PROBE -> {
        // Cannot even read the state: do not guess; stay passive and say so.
        kind = Kind.IDLE;
        plan.clear();
        setRole(Role.START_FAILED, "probe failed, state unknown: " + why);
      }
      case PROMOTE -> {
        failure = why;
        failureHeldElsewhere = c.heldElsewhere();
        setRole(Role.PROMOTING, "rolling back: " + why);
        begin(Kind.ROLLBACK, steps(StackLayer.reversed(c.layer().andBelow()), LayerOp.STOP));
      }
      case ROLLBACK, DEMOTE, RESTART, MOVE_AWAY -> {
        if (c.op() == LayerOp.STOP) {
          failure = failure.isEmpty() ? why : failure + "; then " + why;
          fence(why);
        } else {
          // A restart could not bring the layer back: take the whole stack down, ask to move.
          moveAway(why);
        }
      }
      default -> { }
    }
  }

  void monitorFailed(MonitorFailed mf) {
    layers.put(mf.layer(), new LayerView(LayerState.FAILED, mf.detail(), Optional.empty()));
    if (role != Role.PRIMARY || busy() || maintenance) return;
    failureTimes.addLast(mf.nowNanos());
    while (!failureTimes.isEmpty() && mf.nowNanos() - failureTimes.peekFirst() > settings.failureTimeoutNanos()) failureTimes.removeFirst();
    long windowSeconds = settings.failureTimeoutNanos() / 1_000_000_000L;
    String name = mf.layer().layerName();
    effect(new StackEffect.Log(Level.WARN, name + " monitor failed (" + failureTimes.size() + " of " + settings.migrationThreshold()
        + " within " + windowSeconds + " s): " + mf.detail()));
    if (failureTimes.size() >= settings.migrationThreshold()) {
      moveAway(name + " failed " + failureTimes.size() + " times within " + windowSeconds + " s: " + mf.detail());
      return;
    }
    effect(new StackEffect.SetMonitoring(false));
    List<Step> steps = new ArrayList<>(steps(StackLayer.reversed(mf.layer().andAbove()), LayerOp.STOP));
    steps.addAll(steps(mf.layer().andAbove(), LayerOp.START));
    setRole(Role.RESTARTING, "restarting " + name + " and the layers above it: " + mf.detail());
    begin(Kind.RESTART, steps);
  }

  void moveAway(String why) {
    effect(new StackEffect.SetMonitoring(false));
    failure = why;
    setRole(Role.DEMOTING, "taking the stack down to move it: " + why);
    begin(Kind.MOVE_AWAY, steps(StackLayer.REVERSED, LayerOp.STOP));
  }

  void fence(String why) {
    effect(new StackEffect.SetMonitoring(false));
    setRole(Role.FENCING, "a stop failed, fencing: " + why);
    // Best effort: whatever else happened, no client may reach this node through the VIP or NFS.
    begin(Kind.FENCE, List.of(new Step(StackLayer.FLOATING_IP, LayerOp.STOP), new Step(StackLayer.NFS, LayerOp.STOP)));
  }

  void begin(Kind k, List<Step> steps) {
    kind = k;
    leaseLostWhy = Optional.empty();
    plan.clear();
    plan.addAll(steps);
    next();
  }

  /** Run the next step, or finish the transition when none is left. */
  void next() {
    Step s = plan.peekFirst();
    if (s != null) {
      LayerView old = layers.get(s.layer());
      LayerState state = switch (s.op()) {
        case START -> LayerState.STARTING;
        case STOP -> LayerState.STOPPING;
        case PROBE -> old.state();
      };
      layers.put(s.layer(), new LayerView(state, old.detail(), old.replication()));
      effect(new StackEffect.RunLayer(s.layer(), s.op()));
      return;
    }
    Kind finished = kind;
    kind = Kind.IDLE;
    switch (finished) {
      case PROBE -> adopt();
      case PROMOTE, RESTART -> {
        failure = "";
        setRole(Role.PRIMARY, finished == Kind.PROMOTE ? "active under epoch " + epoch : "restarted, active under epoch " + epoch);
        effect(new StackEffect.SetMonitoring(true));
        effect(complete(new Response.Done()));
      }
      case DEMOTE -> {
        effect(new StackEffect.ReleaseLease());
        record(leaseLostWhy.isPresent() ? new LedgerNote.LeaseLost(epoch) : new LedgerNote.Demoted(epoch), LedgerPurpose.NOTE);
        setRole(Role.SECONDARY, leaseLostWhy.map(why -> "lease lost, stopped: " + why).orElse("standing by"));
        leaseLostWhy = Optional.empty();
        effect(complete(new Response.Done()));
      }
      case ROLLBACK -> {
        effect(new StackEffect.ReleaseLease());
        // Only while the device never became writable here does the new generation hold nothing.
        if (!replicationStartedInPromotion) record(new LedgerNote.PromotionAborted(epoch, "rolled back: " + failure), LedgerPurpose.NOTE);
        boolean held = failureHeldElsewhere;
        failureHeldElsewhere = false;
        if (held) setRole(Role.SECONDARY, "promotion rolled back, the data is held elsewhere: " + failure);
        else setRole(Role.START_FAILED, "promotion failed and was rolled back: " + failure);
        effect(complete(new Response.Failed(failure, held)));
      }
      case MOVE_AWAY -> {
        effect(new StackEffect.ReleaseLease());
        setRole(Role.NEEDS_MOVE, "needs-move: " + failure);
        effect(complete(new Response.Failed(failure, false)));
      }
      case FENCE -> {
        setRole(Role.STOP_FAILED, "stop-failed, node fenced (VIP and NFS stopped, promotion refused until a clean demote): " + failure);
        effect(complete(new Response.Failed(failure, false)));
      }
      default -> { }
    }
  }

  long upCount() {
    return StackLayer.ORDER.stream().filter(l -> layers.get(l).state() == LayerState.UP).count();
  }

  /**
   * After the startup probe: a running stack (or its lower layers, e.g. when the VIP's kernel
   * lifetime ran out while the daemon was down) is adopted if this node can renew the lease
   * under its epoch; anything else that runs is taken down.
   */
  void adopt() {
    long up = upCount();
    boolean prefix = true;
    for (int i = 1; i < StackLayer.ORDER.size(); i++) {
      boolean isUp = layers.get(StackLayer.ORDER.get(i)).state() == LayerState.UP;
      if (isUp && layers.get(StackLayer.ORDER.get(i - 1)).state() != LayerState.UP) prefix = false;
    }
    int all = StackLayer.ORDER.size();
    if (up > 0 && prefix) {
      kind = Kind.ADOPT;
      setRole(Role.PROBING, "found " + up + " of " + all + " layers up; renewing the lease under epoch " + epoch);
      effect(new StackEffect.AcquireLease(epoch));
    } else if (up == 0) {
      setRole(Role.SECONDARY, "standing by");
    } else {
      effect(new StackEffect.Log(Level.WARN, "half up (" + up + " of " + all + " layers); taking it down cleanly"));
      setRole(Role.DEMOTING, "found half started (" + up + " of " + all + " layers up); taking it down");
      begin(Kind.DEMOTE, steps(StackLayer.REVERSED, LayerOp.STOP));
    }
  }
}
