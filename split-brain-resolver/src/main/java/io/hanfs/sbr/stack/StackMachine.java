package io.hanfs.sbr.stack;

import io.hanfs.sbr.LocalPromotionGate;
import io.hanfs.sbr.Refusal;
import io.hanfs.sbr.Refusal.Reason;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.stack.StackEffect.LedgerPurpose;
import io.hanfs.sbr.stack.StackEffect.Level;
import io.hanfs.sbr.stack.StackEvent.*;
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
import java.util.Set;

/**
 * One resource's stack on one node as a pure state machine: {@code (state, event) -> (state,
 * effects)}. Promote brings the layers up bottom to top (floating IP last, so clients never reach
 * a half-started server); demote takes them down top to bottom. Each step probes first, so a
 * restarted daemon adopts what runs. A failed start rolls back; a failed stop fences the node
 * (floating IP and NFS down, promotion refused). A monitor failure restarts the layer and those
 * above it, at most migration-threshold times within failure-timeout; past that the stack is
 * taken down and the resource reports needs-move. The ResourceAgent carries out the effects.
 */
public final class StackMachine {

  /**
   * @param ledger this node keeps a ledger of the resource (then a promotion is recorded before it acts)
   * @param replicated the data is replicated here, so a data split brain can be resolved
   */
  public record Settings(String resource, boolean ledger, boolean replicated, int migrationThreshold, long failureTimeoutNanos) {}

  public record Transition(StackState state, List<StackEffect> effects) {}

  private static final Set<Role> MAY_DISCARD = Set.of(Role.SECONDARY, Role.START_FAILED, Role.NEEDS_MOVE);

  private final Settings settings;

  public StackMachine(Settings settings) {
    this.settings = settings;
  }

  /** The daemon started: probe every layer, then adopt what runs or stand by. */
  public Transition start(long epoch) {
    Run r = new Run(StackState.unprobed(epoch));
    r.begin(Kind.PROBE, StackRun.steps(StackLayer.ORDER, LayerOp.PROBE));
    return r.end();
  }

  public Transition apply(StackState state, StackEvent event) {
    Run r = new Run(state);
    if (event instanceof Promote p) r.promote(p);
    else if (event instanceof EpochPersisted e) r.epochPersisted(e);
    else if (event instanceof EpochNotPersisted e) r.epochNotPersisted(e);
    else if (event instanceof PromotionRecorded p) r.promotionRecorded(p);
    else if (event instanceof Demote d) r.demote(d);
    else if (event instanceof LayerCompleted c) r.layerCompleted(c);
    else if (event instanceof Monitored m) r.monitored(m);
    else if (event instanceof MonitorFailed m) r.monitorFailed(m);
    else if (event instanceof LeaseAcquired) r.leaseAcquired();
    else if (event instanceof LeaseNotAcquired n) r.leaseNotAcquired(n);
    else if (event instanceof LeaseRefusing l) r.leaseRefusing(l);
    else if (event instanceof LeaseLost l) r.leaseLost(l);
    else if (event instanceof LedgerSeen l) r.ledgerSeen(l);
    else if (event instanceof SetMaintenance m) r.maintenance = m.on();
    else if (event instanceof ClearFailures) r.clearFailures();
    else if (event instanceof PrepareRestart) r.effect(r.role == Role.PRIMARY && !r.busy() ? new StackEffect.ExtendLease() : done());
    else if (event instanceof ResolveSplitBrain s) r.resolve(s);
    else if (event instanceof SplitBrainStepEnded s) r.splitBrainEnded(s);
    else throw new IllegalArgumentException("unknown event " + event);
    return r.end();
  }

  private static StackEffect done() {
    return new StackEffect.Reply(new Response.Done());
  }

  private static StackEffect refuse(Reason reason, String message) {
    return new StackEffect.Reply(new Response.Refused(new Refusal(reason, message)));
  }

  static StackEffect complete(Response r) {
    return new StackEffect.Complete(r);
  }

  /** A transition's working copy with the handlers of requests, the lease, the ledger and split-brain steps. */
  private final class Run extends StackRun {
    Run(StackState s) {
      super(StackMachine.this.settings, s);
    }

    void promote(Promote p) {
      LocalPromotionGate.Verdict v = LocalPromotionGate.decide(new LocalPromotionGate.Facts(
          role == Role.STOP_FAILED, busy(), role == Role.PRIMARY, p.epoch(), epoch));
      if (v instanceof LocalPromotionGate.Refuse r) {
        effect(refuse(Refusal.of(r.reason()), r.message()));
        return;
      }
      LocalPromotionGate.Allow allow = (LocalPromotionGate.Allow) v;
      if (allow.noop()) {
        effect(done());
        return;
      }
      // The epoch is durable before anything acts on it: the agent answers PersistEpoch at once.
      kind = Kind.PERSIST_EPOCH;
      pendingForce = p.force();
      effect(new StackEffect.AwaitOutcome());
      effect(new StackEffect.PersistEpoch(allow.epoch()));
    }

    void epochNotPersisted(EpochNotPersisted e) {
      if (kind != Kind.PERSIST_EPOCH) return;
      kind = Kind.IDLE;
      pendingForce = Optional.empty();
      effect(complete(new Response.Refused(new Refusal(Reason.EPOCH_NOT_PERSISTED, "cannot persist epoch " + e.epoch() + ": " + e.error()))));
    }

    void epochPersisted(EpochPersisted e) {
      if (kind != Kind.PERSIST_EPOCH) return;
      epoch = e.epoch();
      failureTimes.clear();
      roleBeforeAcquire = role;
      kind = Kind.ACQUIRE;
      Optional<Force> force = pendingForce;
      pendingForce = Optional.empty();
      if (settings.ledger()) {
        // History first: the new generation is on disk before this node writes a byte in it.
        force.ifPresent(f -> record(new LedgerNote.Forced(f.by(), f.reason(), epoch), LedgerPurpose.NOTE));
        awaitingLedger = true;
        setRole(Role.PROMOTING, "recording the promotion under epoch " + epoch + " in the ledger");
        record(new LedgerNote.Promoted(epoch), LedgerPurpose.PROMOTION);
        return;
      }
      acquireLease();
    }

    void acquireLease() {
      setRole(Role.PROMOTING, "acquiring the lease under epoch " + epoch);
      effect(new StackEffect.AcquireLease(epoch));
    }

    void promotionRecorded(PromotionRecorded p) {
      if (!awaitingLedger) return;
      awaitingLedger = false;
      if (p.ok()) {
        acquireLease();
        return;
      }
      kind = Kind.IDLE;
      setRole(roleBeforeAcquire, "promotion refused: the ledger did not record it (" + p.error() + ")");
      effect(complete(new Response.Refused(new Refusal(Reason.LEDGER_NOT_WRITTEN,
          "the ledger did not record the promotion under epoch " + epoch + ": " + p.error()))));
    }

    void demote(Demote d) {
      if (busy()) {
        effect(refuse(Reason.BUSY, "a " + kind.name().toLowerCase().replace('_', ' ') + " of this resource is in progress; retry when it ends"));
      } else if (d.epoch() != 0 && d.epoch() < epoch) {
        effect(refuse(Reason.STALE_EPOCH, "epoch " + d.epoch() + " is older than this node's epoch " + epoch));
      } else if (role == Role.SECONDARY) {
        effect(done());
      } else {
        effect(new StackEffect.AwaitOutcome());
        effect(new StackEffect.SetMonitoring(false));
        setRole(Role.DEMOTING, "demoting");
        begin(Kind.DEMOTE, steps(StackLayer.REVERSED, LayerOp.STOP));
      }
    }

    void leaseAcquired() {
      if (kind == Kind.ACQUIRE) {
        replicationStartedInPromotion = false;
        setRole(Role.PROMOTING, "promoting under epoch " + epoch);
        begin(Kind.PROMOTE, steps(StackLayer.ORDER, LayerOp.START));
      } else if (kind == Kind.ADOPT) {
        kind = Kind.IDLE;
        if (upCount() == StackLayer.ORDER.size()) {
          setRole(Role.PRIMARY, "adopted the running stack under epoch " + epoch);
          effect(new StackEffect.SetMonitoring(true));
        } else {
          setRole(Role.PROMOTING, "completing the half-started stack under epoch " + epoch);
          begin(Kind.PROMOTE, steps(StackLayer.ORDER, LayerOp.START));
        }
      }
    }

    void leaseNotAcquired(LeaseNotAcquired n) {
      if (kind == Kind.ACQUIRE) {
        kind = Kind.IDLE;
        record(new LedgerNote.PromotionAborted(epoch, "lease not granted: " + n.reason()), LedgerPurpose.NOTE);
        setRole(roleBeforeAcquire, "promotion refused: " + n.reason());
        effect(complete(new Response.Refused(new Refusal(Reason.LEASE_NOT_GRANTED, n.reason()))));
      } else if (kind == Kind.ADOPT) {
        kind = Kind.IDLE;
        setRole(Role.DEMOTING, "found running but cannot renew the lease (" + n.reason() + "); taking it down");
        begin(Kind.DEMOTE, steps(StackLayer.REVERSED, LayerOp.STOP));
      }
    }

    void leaseRefusing(LeaseRefusing r) {
      if (kind == Kind.ACQUIRE && r.epoch() == epoch) {
        setRole(Role.PROMOTING, "acquiring the lease under epoch " + epoch + "; voter " + r.voter() + " refuses: " + r.reason());
      }
    }

    /** No majority renewed the lease: stop serving now, VIP first, without asking anyone. */
    void leaseLost(LeaseLost l) {
      if (role == Role.PRIMARY && !busy()) {
        effect(new StackEffect.SetMonitoring(false));
        setRole(Role.DEMOTING, "lease lost, stopping: " + l.reason());
        begin(Kind.DEMOTE, steps(StackLayer.REVERSED, LayerOp.STOP));
        leaseLostWhy = Optional.of(l.reason());
      } else if (kind == Kind.PROMOTE || kind == Kind.RESTART) {
        effect(new StackEffect.SetMonitoring(false));
        failure = "lease lost during " + kind.name().toLowerCase() + ": " + l.reason();
        setRole(Role.DEMOTING, failure);
        // The step in flight finishes on its own; its late answer is ignored, the stops follow.
        begin(Kind.ROLLBACK, steps(StackLayer.REVERSED, LayerOp.STOP));
      }
    }

    void ledgerSeen(LedgerSeen l) {
      ledger = Optional.of(l.summary());
      currentSinceMillis = l.currentSinceMillis();
    }

    void clearFailures() {
      failureTimes.clear();
      if (!busy() && (role == Role.START_FAILED || role == Role.NEEDS_MOVE)) setRole(Role.SECONDARY, "failures cleared by the operator");
    }

    void resolve(ResolveSplitBrain s) {
      String res = settings.resource();
      if (!settings.replicated()) {
        effect(refuse(Reason.NOT_NOW, res + " is not replicated here: there is no split brain to resolve"));
      } else if (busy() || resolving) {
        effect(refuse(Reason.NOT_NOW, "a transition of " + res + " is in progress; retry when it ends"));
      } else if (s.discard() && !MAY_DISCARD.contains(role)) {
        effect(refuse(Reason.NOT_NOW, res + " is " + role.display() + " here: demote it before discarding its data"));
      } else {
        resolving = true;
        Optional<Generation> generation = ledger.map(LedgerSummary::current);
        if (s.discard()) {
          // A minute before the generation began: file times are written lazily and clocks drift.
          long since = currentSinceMillis > 0 ? currentSinceMillis - 60_000 : 0;
          message = "split brain: saving this copy's changes since the split, then resyncing from " + s.peer();
          effect(new StackEffect.Log(Level.WARN, message));
          effect(new StackEffect.StartSplitBrainStep(true, s.peer(), since, generation));
        } else {
          effect(new StackEffect.Log(Level.WARN, "split brain: this copy is kept; reconnecting so that " + s.peer() + " resyncs from here"));
          effect(new StackEffect.StartSplitBrainStep(false, s.peer(), 0, generation));
        }
      }
    }

    void splitBrainEnded(SplitBrainStepEnded s) {
      resolving = false;
      String step = s.discard() ? "discard" : "keep";
      if (!s.error().isEmpty()) {
        message = "split brain: " + step + " failed: " + s.error();
        effect(new StackEffect.Log(Level.ERROR, message));
        effect(new StackEffect.Reply(new Response.Failed(message, false)));
        return;
      }
      message = s.discard()
          ? "split brain resolved: this copy's changes are in " + s.rescuePath().orElse("?") + "; resyncing from " + s.peer()
          : "split brain resolved: " + s.peer() + " resyncs from here";
      effect(new StackEffect.Log(Level.WARN, message));
      if (!settings.ledger()) {
        effect(refuse(Reason.NO_LEDGER, "this node keeps no ledger for " + settings.resource()));
        return;
      }
      // The requester hears once the outcome is in the ledger.
      LedgerNote note = s.discard()
          ? new LedgerNote.Discarded(s.rescuePath().orElse(""), ledger.map(LedgerSummary::current).orElse(Generation.NONE))
          : new LedgerNote.SplitBrainResolved(s.peer());
      effect(new StackEffect.RecordLedger(note, LedgerPurpose.REQUESTER));
    }
  }
}
