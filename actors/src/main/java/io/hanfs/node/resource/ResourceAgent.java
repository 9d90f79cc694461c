package io.hanfs.node.resource;

import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.lease.LeaseView;
import io.hanfs.node.resource.lease.ResourceLease;
import io.hanfs.node.resource.LayerActor.Completed;
import io.hanfs.node.resource.LayerActor.MonitorFailed;
import io.hanfs.node.resource.LayerActor.Op;
import io.hanfs.node.resource.ResourceStatus.LayerStatus;
import io.hanfs.persistence.EpochStore;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.persistence.ledger.ResourceLedger;
import io.hanfs.node.resource.splitbrain.SplitBrainRecovery;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.LocalPromotionGate;
import io.hanfs.sbr.Role;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One HA resource's local stack on this node. It owns the order of operations: promote brings
 * the layers up bottom to top (replication, filesystem, NFS server with exports, floating IP
 * last, so clients never reach a half-started server); demote takes them down top to bottom
 * (floating IP first). Each step probes first, so a restarted daemon adopts what runs. A failed
 * start rolls back; a failed stop fences the node (floating IP and NFS down, promotion refused).
 * A monitor failure restarts the failed layer and those above it, at most migration-threshold
 * times within failure-timeout; past that the stack is taken down and the resource reports
 * needs-move so that the leader can place it elsewhere.
 */
public final class ResourceAgent extends AbstractBehavior<ResourceAgent.Command> {

  public sealed interface Command extends CborSerializable {}

  /** Promote under {@code epoch}, or under this node's next epoch when {@code epoch} is 0. */
  public record Promote(long epoch, Optional<Force> force, ActorRef<Reply> replyTo) implements Command {
    public Promote(long epoch, ActorRef<Reply> replyTo) {
      this(epoch, Optional.empty(), replyTo);
    }
  }

  /** An operator overrode the data promotion gate: recorded as Forced in the ledger before anything acts. */
  public record Force(String by, String reason) implements CborSerializable {}

  /**
   * Record an event the cluster leader decided on (fence-peer outdates a copy, unfence-peer marks
   * it synced again); the reply comes when it is on disk.
   */
  public record RecordLedger(LedgerEvent event, String writeId, ActorRef<Reply> replyTo) implements Command {
    public RecordLedger(LedgerEvent event, ActorRef<Reply> replyTo) {
      this(event, "", replyTo);
    }
  }

  /**
   * Data split brain, this copy lost: save what it wrote since the split to a rescue directory,
   * then rejoin discarding its data (the peer resyncs it). Refused on an active node.
   */
  public record DiscardData(String survivor, ActorRef<Reply> replyTo) implements Command {}

  /** Data split brain, this copy won: reconnect so that {@code victim} resyncs from here. */
  public record KeepData(String victim, ActorRef<Reply> replyTo) implements Command {}

  /** Local only: a split-brain step finished on the blocking executor. */
  private record SplitBrainStepDone(String step, String peer, Optional<String> rescuePath, String error, ActorRef<Reply> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  /** Local only: the ledger answered (or not) a write or a read. */
  private record LedgerAnswer(Optional<ResourceLedger.Recorded> recorded, String purpose, String error)
      implements Command, NoSerializationVerificationNeeded {}

  /** Demote; {@code epoch} 0 means a local operator command, otherwise it must not be stale. */
  public record Demote(long epoch, ActorRef<Reply> replyTo) implements Command {}

  public record GetStatus(ActorRef<ResourceStatus> replyTo) implements Command {}

  /** Local only: what a child layer actor reports. */
  private record LayerEvent(LayerActor.Event event) implements Command, NoSerializationVerificationNeeded {}

  /** Local only: what this resource's lease reports. */
  private record LeaseEvent(ResourceLease.Event event) implements Command, NoSerializationVerificationNeeded {}

  /** Maintenance: monitors keep reporting, but failures are not acted on (a lost lease still is). */
  public record SetMaintenance(boolean on) implements Command, NoSerializationVerificationNeeded {}

  /** An operator cleared this resource's failures here (hanfs clear): the count, and start-failed or needs-move. */
  public record ClearFailures() implements Command {}

  /** Before a deliberate daemon restart: ask the voters to keep the lease for restart-grace. */
  public record PrepareRestart(ActorRef<Boolean> replyTo) implements Command, NoSerializationVerificationNeeded {}

  public sealed interface Reply extends CborSerializable {}

  /** The request is done; the status is the state after it. */
  public record Done(ResourceStatus status) implements Reply {}

  /** The request was refused before anything changed. */
  public record Refused(String reason, String message) implements Reply {}

  /**
   * The request was accepted but failed; the status tells where the resource stands now.
   * {@code heldElsewhere}: a promotion failed only because another holder still has the data
   * (not this node's failure: the leader retries without banning it).
   */
  public record Failed(String message, ResourceStatus status, boolean heldElsewhere) implements Reply {
    public Failed(String message, ResourceStatus status) {
      this(message, status, false);
    }
  }

  private enum Kind { PROBE, ACQUIRE, ADOPT, PROMOTE, ROLLBACK, DEMOTE, RESTART, FENCE, MOVE_AWAY }

  /** How this node takes part in the resource's majority lease. */
  /** @param contract the lease settings every voter must share (its duration and margin are {@code lease}'s) */
  public record LeaseSettings(String nodeName, io.hanfs.voter.Voters voters, HanfsConfig.Lease lease, io.hanfs.voter.LeaseContract contract) {}

  private record Step(String layer, Op op) {}

  /** Layer names in promote order. */
  static final List<String> ORDER = List.of("replication", "filesystem", "nfs", "floating-ip");

  /**
   * @param layers the four layers by name
   * @param leaseView the lease as the floating IP layer reads it
   * @param onLeaseRenewed run (on the blocking executor) after every renewal, to push the VIP's lifetime
   */
  public static Behavior<Command> create(Resource resource, Map<String, Layer> layers, LeaseView leaseView, Runnable onLeaseRenewed,
      LeaseSettings leaseSettings, EpochStore epochs, ActorRef<ResourceStatus> statusListener, Executor blocking) {
    return create(resource, layers, leaseView, onLeaseRenewed, leaseSettings, epochs, statusListener, blocking, Optional.empty());
  }

  public static Behavior<Command> create(Resource resource, Map<String, Layer> layers, LeaseView leaseView, Runnable onLeaseRenewed,
      LeaseSettings leaseSettings, EpochStore epochs, ActorRef<ResourceStatus> statusListener, Executor blocking,
      Optional<Behavior<ResourceLedger.Command>> ledger) {
    return create(resource, layers, leaseView, onLeaseRenewed, leaseSettings, epochs, statusListener, blocking, ledger, Optional.empty());
  }

  /**
   * @param ledger this node's ledger of the resource, run as a child (none in unit tests without a journal)
   * @param splitBrain how this node resolves a data split brain (replicated storage only)
   */
  public static Behavior<Command> create(Resource resource, Map<String, Layer> layers, LeaseView leaseView, Runnable onLeaseRenewed,
      LeaseSettings leaseSettings, EpochStore epochs, ActorRef<ResourceStatus> statusListener, Executor blocking,
      Optional<Behavior<ResourceLedger.Command>> ledger, Optional<SplitBrainRecovery> splitBrain) {
    return Behaviors.setup(ctx -> new ResourceAgent(ctx, resource, layers, leaseView, onLeaseRenewed, leaseSettings, epochs, statusListener, blocking,
        ledger, splitBrain));
  }

  /** How long a ledger write may take before the promotion that waits for it is refused. */
  static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(35);

  private final Resource resource;
  private final EpochStore epochs;
  private final ActorRef<ResourceStatus> statusListener;
  private final ActorRef<ResourceLease.Command> lease;
  private final HanfsConfig.Lease leaseConfig;
  private final Map<String, ActorRef<LayerActor.Command>> children = new LinkedHashMap<>();
  private final Map<String, LayerStatus> layerStatus = new LinkedHashMap<>();
  private final Deque<Long> failureTimes = new ArrayDeque<>();

  private Role role = Role.PROBING;
  private long epoch;
  private String message = "probing the real state of every layer";
  private Kind kind;
  private final Deque<Step> plan = new ArrayDeque<>();
  private ActorRef<Reply> pending;
  private String failure;
  private Role roleBeforeAcquire = Role.SECONDARY;
  private boolean maintenance;
  private final Optional<ActorRef<ResourceLedger.Command>> ledger;
  private Optional<LedgerSummary> ledgerSummary = Optional.empty();
  private long currentSinceMillis;
  private final Optional<SplitBrainRecovery> splitBrain;
  /** Whether the promotion in progress made the replicated device writable here (then its generation may hold writes). */
  /** The failed promotion step only found the data held by another holder. */
  private boolean failureHeldElsewhere;
  private boolean replicationStartedInPromotion;
  private final Executor blocking;
  private boolean resolving;
  private Optional<Promote> awaitingLedger = Optional.empty();

  private ResourceAgent(ActorContext<Command> ctx, Resource resource, Map<String, Layer> layers, LeaseView leaseView, Runnable onLeaseRenewed,
      LeaseSettings leaseSettings, EpochStore epochs, ActorRef<ResourceStatus> statusListener, Executor blocking,
      Optional<Behavior<ResourceLedger.Command>> ledgerBehavior, Optional<SplitBrainRecovery> splitBrain) {
    super(ctx);
    this.splitBrain = splitBrain;
    this.blocking = blocking;
    this.ledger = ledgerBehavior.map(b -> ctx.spawn(b, "ledger"));
    this.resource = resource;
    this.epochs = epochs;
    this.statusListener = statusListener;
    this.leaseConfig = leaseSettings.lease();
    this.lease = ctx.spawn(ResourceLease.create(resource.name(), leaseSettings.nodeName(), leaseSettings.voters(),
        leaseSettings.contract(), leaseView, onLeaseRenewed, blocking,
        ctx.messageAdapter(ResourceLease.Event.class, LeaseEvent::new)), "lease");
    ActorRef<LayerActor.Event> events = ctx.messageAdapter(LayerActor.Event.class, LayerEvent::new);
    for (String name : ORDER) {
      Layer layer = layers.get(name);
      if (layer == null) throw new IllegalArgumentException("missing layer " + name);
      children.put(name, ctx.spawn(LayerActor.create(layer, events, blocking, resource.operationTimeout(), resource.monitorInterval()), name));
      layerStatus.put(name, new LayerStatus(name, "unknown", ""));
    }
    try {
      epoch = epochs.current(resource.name());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the epoch of " + resource.name() + ": " + e.getMessage(), e);
    }
    begin(Kind.PROBE, ORDER.stream().map(l -> new Step(l, Op.PROBE)).toList());
    readLedger();
  }

  private void readLedger() {
    ledger.ifPresent(l -> getContext().ask(ResourceLedger.Recorded.class, l, LEDGER_TIMEOUT, ResourceLedger.GetSummary::new,
        (r, err) -> new LedgerAnswer(Optional.ofNullable(r), "read", err == null ? "" : String.valueOf(err.getMessage()))));
  }

  /** Appends an event; {@code purpose} "promote" makes the waiting promotion go on (or fail). */
  private void record(LedgerEvent event, String purpose) {
    ledger.ifPresent(l -> getContext().ask(ResourceLedger.Recorded.class, l, LEDGER_TIMEOUT, reply -> new ResourceLedger.Record(event, reply),
        (r, err) -> new LedgerAnswer(Optional.ofNullable(r), purpose, err == null ? "" : String.valueOf(err.getMessage()))));
  }

  private Optional<String> splitBrainRefusal() {
    if (splitBrain.isEmpty()) return Optional.of(resource.name() + " is not replicated here: there is no split brain to resolve");
    if (busy() || resolving) return Optional.of("a transition of " + resource.name() + " is in progress; retry when it ends");
    return Optional.empty();
  }

  private Behavior<Command> onDiscardData(DiscardData d) {
    Optional<String> refusal = splitBrainRefusal();
    if (refusal.isEmpty() && !(role == Role.SECONDARY || role == Role.START_FAILED || role == Role.NEEDS_MOVE)) {
      refusal = Optional.of(resource.name() + " is " + role.name().toLowerCase() + " here: demote it before discarding its data");
    }
    if (refusal.isPresent()) {
      d.replyTo().tell(new Refused("NOT_NOW", refusal.get()));
      return this;
    }
    resolving = true;
    // A minute before the generation began: file times are written lazily and clocks drift.
    long since = currentSinceMillis > 0 ? currentSinceMillis - 60_000 : 0;
    String generation = ledgerSummary.map(l -> l.current().toString()).orElse("unknown");
    message = "split brain: saving this copy's changes since the split, then resyncing from " + d.survivor();
    getContext().getLog().warn("resource {}: {}", resource.name(), message);
    publish();
    SplitBrainRecovery recovery = splitBrain.get();
    getContext().pipeToSelf(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return recovery.discard(since, generation).toString();
      } catch (IOException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking), (path, err) -> new SplitBrainStepDone("discard", d.survivor(), Optional.ofNullable(path),
        err == null ? "" : String.valueOf(err.getCause() != null ? err.getCause().getMessage() : err.getMessage()), d.replyTo()));
    return this;
  }

  private Behavior<Command> onKeepData(KeepData k) {
    Optional<String> refusal = splitBrainRefusal();
    if (refusal.isPresent()) {
      k.replyTo().tell(new Refused("NOT_NOW", refusal.get()));
      return this;
    }
    resolving = true;
    getContext().getLog().warn("resource {}: split brain: this copy is kept; reconnecting so that {} resyncs from here", resource.name(), k.victim());
    SplitBrainRecovery recovery = splitBrain.get();
    getContext().pipeToSelf(java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        recovery.reconnect();
      } catch (IOException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking), (x, err) -> new SplitBrainStepDone("keep", k.victim(), Optional.empty(),
        err == null ? "" : String.valueOf(err.getCause() != null ? err.getCause().getMessage() : err.getMessage()), k.replyTo()));
    return this;
  }

  private Behavior<Command> onSplitBrainStepDone(SplitBrainStepDone d) {
    resolving = false;
    if (!d.error().isEmpty()) {
      message = "split brain: " + d.step() + " failed: " + d.error();
      getContext().getLog().error("resource {}: {}", resource.name(), message);
      publish();
      d.replyTo().tell(new Failed(message, status()));
      return this;
    }
    LedgerEvent event = d.step().equals("discard")
        ? new LedgerEvent.Discarded(d.rescuePath().orElse(""), ledgerSummary.map(LedgerSummary::current).orElse(Generation.NONE))
        : new LedgerEvent.SplitBrainResolved(d.peer());
    message = d.step().equals("discard") ? "split brain resolved: this copy's changes are in " + d.rescuePath().orElse("?")
        + "; resyncing from " + d.peer() : "split brain resolved: " + d.peer() + " resyncs from here";
    getContext().getLog().warn("resource {}: {}", resource.name(), message);
    // Reply once the outcome is in the ledger.
    onRecordLedger(new RecordLedger(event, d.replyTo()));
    return this;
  }

  private Behavior<Command> onRecordLedger(RecordLedger r) {
    Optional<String> badId = ResourceLedger.writeIdProblem(r.writeId());
    if (badId.isPresent()) {
      r.replyTo().tell(new Refused("BAD_WRITE_ID", "RecordLedger.writeId: " + badId.get()));
      return this;
    }
    if (ledger.isEmpty()) {
      r.replyTo().tell(new Refused("NO_LEDGER", "this node keeps no ledger for " + resource.name()));
      return this;
    }
    getContext().ask(ResourceLedger.Recorded.class, ledger.get(), LEDGER_TIMEOUT, reply -> new ResourceLedger.Record(r.event(), r.writeId(), reply),
        (rec, err) -> {
          r.replyTo().tell(rec != null ? new Done(status()) : new Refused("LEDGER_NOT_WRITTEN", "the ledger did not record "
              + r.event().getClass().getSimpleName() + ": " + (err == null ? "" : err.getMessage())));
          return new LedgerAnswer(Optional.ofNullable(rec), "external", err == null ? "" : String.valueOf(err.getMessage()));
        });
    return this;
  }

  private Behavior<Command> onLedgerAnswer(LedgerAnswer a) {
    a.recorded().ifPresent(r -> {
      ledgerSummary = Optional.of(r.summary());
      currentSinceMillis = r.state().currentSinceMillis();
    });
    if (a.purpose().equals("read") && a.recorded().isEmpty()) {
      // The journal may still be starting (schema, database): ask again shortly.
      getContext().scheduleOnce(Duration.ofSeconds(2), getContext().getSelf(), new LedgerAnswer(Optional.empty(), "retry-read", ""));
    } else if (a.purpose().equals("retry-read")) {
      readLedger();
    } else if (a.purpose().equals("promote") && awaitingLedger.isPresent()) {
      Promote p = awaitingLedger.get();
      awaitingLedger = Optional.empty();
      if (a.recorded().isEmpty()) {
        kind = null;
        setRole(roleBeforeAcquire, "promotion refused: the ledger did not record it (" + a.error() + ")");
        answer(new Refused("LEDGER_NOT_WRITTEN", "the ledger did not record the promotion under epoch " + p.epoch() + ": " + a.error()));
      } else {
        setRole(Role.PROMOTING, "acquiring the lease under epoch " + epoch);
        lease.tell(new ResourceLease.Acquire(epoch));
      }
    }
    publish();
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Promote.class, this::onPromote)
        .onMessage(Demote.class, this::onDemote)
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(status());
          return this;
        })
        .onMessage(LayerEvent.class, e -> onLayerEvent(e.event()))
        .onMessage(LeaseEvent.class, e -> onLeaseEvent(e.event()))
        .onMessage(LedgerAnswer.class, this::onLedgerAnswer)
        .onMessage(RecordLedger.class, this::onRecordLedger)
        .onMessage(DiscardData.class, this::onDiscardData)
        .onMessage(KeepData.class, this::onKeepData)
        .onMessage(SplitBrainStepDone.class, this::onSplitBrainStepDone)
        .onMessage(SetMaintenance.class, m -> {
          maintenance = m.on();
          publish();
          return this;
        })
        .onMessage(ClearFailures.class, c -> {
          failureTimes.clear();
          if (!busy() && (role == Role.START_FAILED || role == Role.NEEDS_MOVE)) setRole(Role.SECONDARY, "failures cleared by the operator");
          publish();
          return this;
        })
        .onMessage(PrepareRestart.class, p -> {
          if (role == Role.PRIMARY && !busy()) lease.tell(new ResourceLease.Extend(leaseConfig.restartGrace(), p.replyTo()));
          else p.replyTo().tell(true);
          return this;
        })
        .build();
  }

  private boolean busy() {
    return kind != null;
  }

  private Behavior<Command> onPromote(Promote p) {
    LocalPromotionGate.Verdict v = LocalPromotionGate.decide(new LocalPromotionGate.Facts(
        role == Role.STOP_FAILED, busy(), role == Role.PRIMARY, p.epoch(), epoch));
    if (v instanceof LocalPromotionGate.Refuse r) {
      p.replyTo().tell(new Refused(r.reason().name(), r.message()));
      return this;
    }
    LocalPromotionGate.Allow allow = (LocalPromotionGate.Allow) v;
    if (allow.noop()) {
      p.replyTo().tell(new Done(status()));
      return this;
    }
    try {
      // The epoch is durable before anything acts on it.
      epochs.advanceTo(resource.name(), allow.epoch());
    } catch (IOException e) {
      p.replyTo().tell(new Refused("EPOCH_NOT_PERSISTED", "cannot persist epoch " + allow.epoch() + ": " + e.getMessage()));
      return this;
    }
    epoch = allow.epoch();
    failureTimes.clear();
    pending = p.replyTo();
    roleBeforeAcquire = role;
    kind = Kind.ACQUIRE;
    if (ledger.isPresent()) {
      // History first: the new generation is on disk before this node writes a byte in it.
      p.force().ifPresent(f -> record(new LedgerEvent.Forced(f.by(), f.reason(), epoch), "forced"));
      awaitingLedger = Optional.of(p);
      setRole(Role.PROMOTING, "recording the promotion under epoch " + epoch + " in the ledger");
      record(new LedgerEvent.Promoted(epoch, new Generation(epoch, 0), System.currentTimeMillis()), "promote");
      return this;
    }
    setRole(Role.PROMOTING, "acquiring the lease under epoch " + epoch);
    lease.tell(new ResourceLease.Acquire(epoch));
    return this;
  }

  private Behavior<Command> onLeaseEvent(ResourceLease.Event event) {
    if (event instanceof ResourceLease.Acquired a) {
      if (kind == Kind.ACQUIRE) {
        replicationStartedInPromotion = false;
        setRole(Role.PROMOTING, "promoting under epoch " + epoch);
        begin(Kind.PROMOTE, ORDER.stream().map(l -> new Step(l, Op.START)).toList());
      } else if (kind == Kind.ADOPT) {
        kind = null;
        long up = ORDER.stream().filter(l -> layerStatus.get(l).state().equals("up")).count();
        if (up == ORDER.size()) {
          setRole(Role.PRIMARY, "adopted the running stack under epoch " + epoch);
          monitoring(true);
        } else {
          setRole(Role.PROMOTING, "completing the half-started stack under epoch " + epoch);
          begin(Kind.PROMOTE, ORDER.stream().map(l -> new Step(l, Op.START)).toList());
        }
      }
    } else if (event instanceof ResourceLease.NotAcquired n) {
      if (kind == Kind.ACQUIRE) {
        kind = null;
        record(new LedgerEvent.PromotionAborted(epoch, "lease not granted: " + n.reason()), "aborted");
        setRole(roleBeforeAcquire, "promotion refused: " + n.reason());
        answer(new Refused("LEASE_NOT_GRANTED", n.reason()));
      } else if (kind == Kind.ADOPT) {
        kind = null;
        setRole(Role.DEMOTING, "found running but cannot renew the lease (" + n.reason() + "); taking it down");
        begin(Kind.DEMOTE, reversed(ORDER).stream().map(l -> new Step(l, Op.STOP)).toList());
      }
    } else if (event instanceof ResourceLease.Refusing r) {
      if (kind == Kind.ACQUIRE && r.epoch() == epoch) {
        setRole(Role.PROMOTING, "acquiring the lease under epoch " + epoch + "; voter " + r.voter() + " refuses: " + r.reason());
      }
    } else if (event instanceof ResourceLease.Lost l) {
      onLeaseLost(l.reason());
    }
    return this;
  }

  /** No majority renewed the lease: stop serving now, VIP first, without asking anyone. */
  private void onLeaseLost(String why) {
    if (role == Role.PRIMARY && !busy()) {
      monitoring(false);
      setRole(Role.DEMOTING, "lease lost, stopping: " + why);
      begin(Kind.DEMOTE, reversed(ORDER).stream().map(l -> new Step(l, Op.STOP)).toList());
    } else if (kind == Kind.PROMOTE || kind == Kind.RESTART) {
      monitoring(false);
      failure = "lease lost during " + kind.name().toLowerCase() + ": " + why;
      setRole(Role.DEMOTING, failure);
      // The step in flight finishes on its own; its late answer is ignored, the stops follow.
      begin(Kind.ROLLBACK, reversed(ORDER).stream().map(l -> new Step(l, Op.STOP)).toList());
    }
  }

  private Behavior<Command> onDemote(Demote d) {
    if (busy()) {
      d.replyTo().tell(new Refused("BUSY", "a " + kind.name().toLowerCase() + " of this resource is in progress; retry when it ends"));
      return this;
    }
    if (d.epoch() != 0 && d.epoch() < epoch) {
      d.replyTo().tell(new Refused("STALE_EPOCH", "epoch " + d.epoch() + " is older than this node's epoch " + epoch));
      return this;
    }
    if (role == Role.SECONDARY) {
      d.replyTo().tell(new Done(status()));
      return this;
    }
    pending = d.replyTo();
    monitoring(false);
    setRole(Role.DEMOTING, "demoting");
    begin(Kind.DEMOTE, reversed(ORDER).stream().map(l -> new Step(l, Op.STOP)).toList());
    return this;
  }

  private Behavior<Command> onLayerEvent(LayerActor.Event event) {
    if (event instanceof MonitorFailed mf) return onMonitorFailed(mf);
    if (event instanceof LayerActor.Monitored m) {
      // Only the detail changes (the layer stays up): what the leader reads the link state from.
      LayerStatus old = layerStatus.get(m.layer());
      if (old != null && old.state().equals("up")) {
        layerStatus.put(m.layer(), new LayerStatus(m.layer(), "up", m.probe().detail()));
        publish();
      }
      return this;
    }
    Completed c = (Completed) event;
    layerStatus.put(c.layer(), new LayerStatus(c.layer(), stateOf(c), c.ok() ? c.probe().detail() : c.error()));
    Step head = plan.peekFirst();
    if (head == null || !head.layer().equals(c.layer()) || head.op() != c.op()) {
      publish();
      return this; // a late answer from an aborted plan
    }
    plan.removeFirst();
    if (kind == Kind.PROMOTE && c.layer().equals("replication") && c.op() == Op.START && c.ok()) replicationStartedInPromotion = true;
    if (!c.ok() && kind != Kind.FENCE) {
      onStepFailed(c);
    } else {
      if (!c.ok()) failure = failure == null ? c.layer() + ": " + c.error() : failure;
      next();
    }
    publish();
    return this;
  }

  private static String stateOf(Completed c) {
    if (!c.ok()) return "failed";
    if (!c.probe().healthy()) return "failed";
    return c.probe().active() ? "up" : "down";
  }

  private void onStepFailed(Completed c) {
    String why = c.layer() + " " + c.op().name().toLowerCase() + " failed: " + c.error();
    switch (kind) {
      case ACQUIRE, ADOPT -> { }
      case PROBE -> {
        // Cannot even read the state: do not guess; stay passive and say so.
        kind = null;
        plan.clear();
        setRole(Role.START_FAILED, "probe failed, state unknown: " + why);
      }
      case PROMOTE -> {
        failure = why;
        failureHeldElsewhere = c.heldElsewhere();
        int failedAt = ORDER.indexOf(c.layer());
        setRole(Role.PROMOTING, "rolling back: " + why);
        begin(Kind.ROLLBACK, reversed(ORDER.subList(0, failedAt + 1)).stream().map(l -> new Step(l, Op.STOP)).toList());
      }
      case ROLLBACK, DEMOTE, RESTART, MOVE_AWAY -> {
        if (c.op() == Op.STOP) {
          failure = failure == null ? why : failure + "; then " + why;
          fence(why);
        } else {
          // A restart could not bring the layer back: take the whole stack down, ask to move.
          failure = why;
          moveAway(why);
        }
      }
      case FENCE -> next();
    }
  }

  private Behavior<Command> onMonitorFailed(MonitorFailed mf) {
    layerStatus.put(mf.layer(), new LayerStatus(mf.layer(), "failed", mf.detail()));
    if (role != Role.PRIMARY || busy() || maintenance) {
      publish();
      return this;
    }
    long now = System.nanoTime();
    failureTimes.addLast(now);
    while (!failureTimes.isEmpty() && now - failureTimes.peekFirst() > resource.failureTimeout().toNanos()) failureTimes.removeFirst();
    getContext().getLog().warn("resource {}: {} monitor failed ({} of {} within {}): {}", resource.name(), mf.layer(),
        failureTimes.size(), resource.migrationThreshold(), resource.failureTimeout(), mf.detail());
    if (failureTimes.size() >= resource.migrationThreshold()) {
      moveAway(mf.layer() + " failed " + failureTimes.size() + " times within " + resource.failureTimeout().toSeconds() + " s: " + mf.detail());
    } else {
      monitoring(false);
      int at = ORDER.indexOf(mf.layer());
      List<Step> steps = new ArrayList<>();
      for (String l : reversed(ORDER.subList(at, ORDER.size()))) steps.add(new Step(l, Op.STOP));
      for (String l : ORDER.subList(at, ORDER.size())) steps.add(new Step(l, Op.START));
      setRole(Role.RESTARTING, "restarting " + mf.layer() + " and the layers above it: " + mf.detail());
      begin(Kind.RESTART, steps);
    }
    publish();
    return this;
  }

  private void moveAway(String why) {
    monitoring(false);
    failure = why;
    setRole(Role.DEMOTING, "taking the stack down to move it: " + why);
    begin(Kind.MOVE_AWAY, reversed(ORDER).stream().map(l -> new Step(l, Op.STOP)).toList());
  }

  private void fence(String why) {
    monitoring(false);
    setRole(Role.FENCING, "a stop failed, fencing: " + why);
    // Best effort: whatever else happened, no client may reach this node through the VIP or NFS.
    begin(Kind.FENCE, List.of(new Step("floating-ip", Op.STOP), new Step("nfs", Op.STOP)));
  }

  private void begin(Kind k, List<Step> steps) {
    kind = k;
    plan.clear();
    plan.addAll(steps);
    next();
  }

  private void next() {
    Step s = plan.peekFirst();
    if (s != null) {
      LayerStatus old = layerStatus.get(s.layer());
      String state = switch (s.op()) {
        case START -> "starting";
        case STOP -> "stopping";
        case PROBE -> old.state();
      };
      layerStatus.put(s.layer(), new LayerStatus(s.layer(), state, old.detail()));
      children.get(s.layer()).tell(new LayerActor.Run(s.op()));
      return;
    }
    Kind finished = kind;
    kind = null;
    switch (finished) {
      case PROBE -> adopt();
      case ACQUIRE, ADOPT -> { }
      case PROMOTE, RESTART -> {
        failure = null;
        setRole(Role.PRIMARY, finished == Kind.PROMOTE ? "active under epoch " + epoch : "restarted, active under epoch " + epoch);
        monitoring(true);
        answer(new Done(status()));
      }
      case DEMOTE -> {
        lease.tell(new ResourceLease.Release());
        record(message.startsWith("lease lost") ? new LedgerEvent.LeaseLost(epoch) : new LedgerEvent.Demoted(epoch), "demoted");
        setRole(Role.SECONDARY, message.startsWith("lease lost") ? message.replace("stopping", "stopped") : "standing by");
        answer(new Done(status()));
      }
      case ROLLBACK -> {
        lease.tell(new ResourceLease.Release());
        // Only while the device never became writable here does the new generation hold nothing.
        if (!replicationStartedInPromotion) record(new LedgerEvent.PromotionAborted(epoch, "rolled back: " + failure), "aborted");
        boolean held = failureHeldElsewhere;
        failureHeldElsewhere = false;
        if (held) setRole(Role.SECONDARY, "promotion rolled back, the data is held elsewhere: " + failure);
        else setRole(Role.START_FAILED, "promotion failed and was rolled back: " + failure);
        answer(new Failed(failure, status(), held));
      }
      case MOVE_AWAY -> {
        lease.tell(new ResourceLease.Release());
        setRole(Role.NEEDS_MOVE, "needs-move: " + failure);
        answer(new Failed(failure, status()));
      }
      case FENCE -> {
        setRole(Role.STOP_FAILED, "stop-failed, node fenced (VIP and NFS stopped, promotion refused until a clean demote): " + failure);
        answer(new Failed(failure, status()));
      }
    }
  }

  /**
   * After the startup probe: a running stack (or its lower layers, e.g. when the VIP's kernel
   * lifetime ran out while the daemon was down) is adopted if this node can renew the lease
   * under its epoch; anything else that runs is taken down.
   */
  private void adopt() {
    long up = ORDER.stream().filter(l -> layerStatus.get(l).state().equals("up")).count();
    boolean prefix = true;
    for (int i = 0; i < ORDER.size(); i++) {
      boolean isUp = layerStatus.get(ORDER.get(i)).state().equals("up");
      if (isUp && i > 0 && !layerStatus.get(ORDER.get(i - 1)).state().equals("up")) prefix = false;
    }
    if (up > 0 && prefix) {
      kind = Kind.ADOPT;
      setRole(Role.PROBING, "found " + up + " of " + ORDER.size() + " layers up; renewing the lease under epoch " + epoch);
      lease.tell(new ResourceLease.Acquire(epoch));
    } else if (up == 0) {
      setRole(Role.SECONDARY, "standing by");
    } else {
      getContext().getLog().warn("resource {} is half up ({} of {} layers); taking it down cleanly", resource.name(), up, ORDER.size());
      setRole(Role.DEMOTING, "found half started (" + up + " of " + ORDER.size() + " layers up); taking it down");
      begin(Kind.DEMOTE, reversed(ORDER).stream().map(l -> new Step(l, Op.STOP)).toList());
    }
  }

  private void answer(Reply r) {
    if (pending != null) pending.tell(r);
    pending = null;
  }

  private void monitoring(boolean on) {
    children.values().forEach(c -> c.tell(new LayerActor.SetMonitoring(on)));
  }

  private void setRole(Role r, String msg) {
    if (r != role) getContext().getLog().info("resource {}: {} -> {} ({})", resource.name(), role, r, msg);
    role = r;
    message = msg;
    publish();
  }

  private void publish() {
    statusListener.tell(status());
  }

  private ResourceStatus status() {
    return new ResourceStatus(resource.name(), role, epoch, message,
        List.copyOf(layerStatus.values()), failureTimes.size(), ledgerSummary, diskState().drbdName);
  }

  /** This copy's disk state from the replication layer's last probe (a shared disk is its own current copy). */
  private DiskState diskState() {
    if (resource.replication().shared()) return DiskState.UP_TO_DATE;
    LayerStatus rep = layerStatus.get("replication");
    return rep == null ? DiskState.UNKNOWN : io.hanfs.node.resource.replication.ReplicationDetail.parse(rep.detail())
        .map(d -> DiskState.fromDrbd(d.localDisk())).orElse(DiskState.UNKNOWN);
  }

  private static List<String> reversed(List<String> l) {
    List<String> r = new ArrayList<>(l);
    java.util.Collections.reverse(r);
    return r;
  }

}
