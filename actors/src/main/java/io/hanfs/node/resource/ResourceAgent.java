package io.hanfs.node.resource;

import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.lease.LeaseView;
import io.hanfs.node.resource.lease.ResourceLease;
import io.hanfs.node.resource.splitbrain.SplitBrainRecovery;
import io.hanfs.node.resource.splitbrain.SplitBrainStep;
import io.hanfs.persistence.EpochStore;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.persistence.ledger.ResourceLedger;
import io.hanfs.sbr.Refusal;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.stack.StackEffect;
import io.hanfs.sbr.stack.StackEffect.LedgerPurpose;
import io.hanfs.sbr.stack.StackEvent;
import io.hanfs.sbr.stack.StackLayer;
import io.hanfs.sbr.stack.StackMachine;
import io.hanfs.sbr.stack.StackMachine.Transition;
import io.hanfs.sbr.stack.StackState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One HA resource's local stack on this node: the shell around the pure {@link StackMachine},
 * which decides every transition (order of the layers, rollback, fencing, restarts, needs-move).
 * This actor owns the children (the four layers, the lease, the ledger, split-brain steps), turns
 * their reports and the requests into machine events and carries out the effects it returns.
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
  public record Refused(Refusal refusal) implements Reply {
    public Refused(Refusal.Reason reason, String message) {
      this(new Refusal(reason, message));
    }

    public Refusal.Reason reason() {
      return refusal.reason();
    }

    public String message() {
      return refusal.message();
    }
  }

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

  /**
   * How this node takes part in the resource's majority lease.
   *
   * @param contract the lease settings every voter must share (its duration and margin are {@code lease}'s) */
  public record LeaseSettings(String nodeName, io.hanfs.voter.Voters voters, HanfsConfig.Lease lease, io.hanfs.voter.LeaseContract contract) {}


  /** Local only: the ledger answered (or not) a write or a read; {@code purpose} empty for a read. */
  private record LedgerAnswer(Optional<ResourceLedger.Recorded> recorded, Optional<LedgerPurpose> purpose, String error, Requester requester)
      implements Command, NoSerializationVerificationNeeded {}

  private record ReadLedgerAgain() implements Command, NoSerializationVerificationNeeded {}

  private record SplitBrainEnded(SplitBrainStep.Ended ended, Requester requester) implements Command, NoSerializationVerificationNeeded {}

  /** Who waits for the answer to the event being handled. */
  private sealed interface Requester {}

  private record Asker(ActorRef<Reply> ref) implements Requester {}

  private record RestartCaller(ActorRef<Boolean> ref) implements Requester {}

  private record Nobody() implements Requester {}

  /** Layer names in promote order, as the drivers are keyed. */
  static final List<String> ORDER = StackLayer.ORDER.stream().map(StackLayer::layerName).toList();

  /** How long a ledger write may take before the promotion that waits for it is refused. */
  static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(35);

  public static Behavior<Command> create(Resource resource, Map<String, Layer> layers, LeaseView leaseView, Runnable onLeaseRenewed,
      LeaseSettings leaseSettings, EpochStore epochs, ActorRef<ResourceStatus> statusListener, Executor blocking) {
    return create(resource, layers, leaseView, onLeaseRenewed, leaseSettings, epochs, statusListener, blocking, Optional.empty(), Optional.empty(),
        io.hanfs.history.HistorySink.NONE);
  }

  /**
   * @param layers the four layers by name
   * @param leaseView the lease as the floating IP layer reads it
   * @param onLeaseRenewed run (on the blocking executor) after every renewal, to push the VIP's lifetime
   * @param ledger this node's ledger of the resource, run as a child (none in unit tests without a journal)
   * @param splitBrain how this node resolves a data split brain (replicated storage only)
   * @param history where each step of the stack is told to the cluster history
   */
  public static Behavior<Command> create(Resource resource, Map<String, Layer> layers, LeaseView leaseView, Runnable onLeaseRenewed,
      LeaseSettings leaseSettings, EpochStore epochs, ActorRef<ResourceStatus> statusListener, Executor blocking,
      Optional<Behavior<ResourceLedger.Command>> ledger, Optional<SplitBrainRecovery> splitBrain, io.hanfs.history.HistorySink history) {
    return Behaviors.setup(ctx -> new ResourceAgent(ctx, resource, layers, leaseView, onLeaseRenewed, leaseSettings, epochs, statusListener, blocking,
        ledger, splitBrain, history));
  }

  private final Resource resource;
  private final StackMachine machine;
  private final EpochStore epochs;
  private final ActorRef<ResourceStatus> statusListener;
  private final ActorRef<ResourceLease.Command> lease;
  private final Duration restartGrace;
  private final Map<StackLayer, ActorRef<LayerActor.Command>> children = new EnumMap<>(StackLayer.class);
  private final Optional<ActorRef<ResourceLedger.Command>> ledger;
  private final Optional<SplitBrainRecovery> splitBrain;
  private final Executor blocking;
  private StackState state;
  private Optional<ActorRef<Reply>> pending = Optional.empty();
  private ResourceStatus published;
  private long splitBrainSteps;
  private final StackHistoryRecorder history;

  private ResourceAgent(ActorContext<Command> ctx, Resource resource, Map<String, Layer> layers, LeaseView leaseView, Runnable onLeaseRenewed,
      LeaseSettings leaseSettings, EpochStore epochs, ActorRef<ResourceStatus> statusListener, Executor blocking,
      Optional<Behavior<ResourceLedger.Command>> ledgerBehavior, Optional<SplitBrainRecovery> splitBrain, io.hanfs.history.HistorySink history) {
    super(ctx);
    this.history = new StackHistoryRecorder(resource.name(), leaseSettings.nodeName(), history);
    this.resource = resource;
    this.splitBrain = splitBrain;
    this.blocking = blocking;
    this.epochs = epochs;
    this.statusListener = statusListener;
    this.restartGrace = leaseSettings.lease().restartGrace();
    this.machine = new StackMachine(new StackMachine.Settings(resource.name(), ledgerBehavior.isPresent(), splitBrain.isPresent(),
        resource.migrationThreshold(), resource.failureTimeout().toNanos()));
    this.ledger = ledgerBehavior.map(b -> ctx.spawn(b, "ledger"));
    this.lease = ctx.spawn(ResourceLease.create(resource.name(), leaseSettings.nodeName(), leaseSettings.voters(),
        leaseSettings.contract(), leaseView, onLeaseRenewed, blocking,
        ctx.messageAdapter(ResourceLease.Event.class, LeaseEvent::new)), "lease");
    ActorRef<LayerActor.Event> events = ctx.messageAdapter(LayerActor.Event.class, LayerEvent::new);
    for (StackLayer l : StackLayer.ORDER) {
      Layer layer = layers.get(l.layerName());
      if (layer == null) throw new IllegalArgumentException("missing layer " + l.layerName());
      children.put(l, ctx.spawn(LayerActor.create(l, layer, events, blocking, resource.operationTimeout(), resource.monitorInterval()),
          l.layerName()));
    }
    long epoch;
    try {
      epoch = epochs.current(resource.name());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the epoch of " + resource.name() + ": " + e.getMessage(), e);
    }
    Transition start = machine.start(epoch);
    state = start.state();
    carryOut(start, new Nobody(), null);
    readLedger();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Promote.class, p -> handle(new StackEvent.Promote(p.epoch(),
            p.force().map(f -> new StackEvent.Force(f.by(), f.reason()))), new Asker(p.replyTo())))
        .onMessage(Demote.class, d -> handle(new StackEvent.Demote(d.epoch()), new Asker(d.replyTo())))
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(status());
          return this;
        })
        .onMessage(LayerEvent.class, e -> {
          if (!(e.event() instanceof LayerActor.GraceReport g)) return handle(StackEvents.fromLayer(e.event()), new Nobody());
          history.grace(state, g.verdict());
          getContext().getLog().info("resource {}: {}", resource.name(), g.verdict().describe());
          return this;
        })
        .onMessage(LeaseEvent.class, e -> handle(StackEvents.fromLease(e.event()), new Nobody()))
        .onMessage(LedgerAnswer.class, this::onLedgerAnswer)
        .onMessage(ReadLedgerAgain.class, r -> {
          readLedger();
          return this;
        })
        .onMessage(RecordLedger.class, this::onRecordLedger)
        .onMessage(DiscardData.class, d -> handle(new StackEvent.ResolveSplitBrain(true, d.survivor()), new Asker(d.replyTo())))
        .onMessage(KeepData.class, k -> handle(new StackEvent.ResolveSplitBrain(false, k.victim()), new Asker(k.replyTo())))
        .onMessage(SplitBrainEnded.class, s -> handle(new StackEvent.SplitBrainStepEnded(s.ended().discard(), s.ended().peer(),
            s.ended().rescuePath(), s.ended().error()), s.requester()))
        .onMessage(SetMaintenance.class, m -> handle(new StackEvent.SetMaintenance(m.on()), new Nobody()))
        .onMessage(ClearFailures.class, c -> handle(new StackEvent.ClearFailures(), new Nobody()))
        .onMessage(PrepareRestart.class, p -> handle(new StackEvent.PrepareRestart(), new RestartCaller(p.replyTo())))
        .build();
  }

  private Behavior<Command> handle(StackEvent event, Requester requester) {
    Deque<StackEvent> events = new ArrayDeque<>(List.of(event));
    while (!events.isEmpty()) {
      Transition t = machine.apply(state, events.removeFirst());
      if (t.state().role() != state.role()) {
        getContext().getLog().info("resource {}: {} -> {} ({})", resource.name(), state.role(), t.state().role(), t.state().message());
      }
      history.observe(state, t.state(), System.nanoTime());
      state = t.state();
      carryOut(t, requester, events);
    }
    publish();
    return this;
  }

  /** Runs the effects in order; an answer that is due at once (the epoch store's) goes to {@code followUps}. */
  private void carryOut(Transition t, Requester requester, Deque<StackEvent> followUps) {
    for (StackEffect e : t.effects()) {
      if (e instanceof StackEffect.RunLayer r) {
        children.get(r.layer()).tell(new LayerActor.Run(r.op()));
      } else if (e instanceof StackEffect.SetMonitoring m) {
        children.values().forEach(c -> c.tell(new LayerActor.SetMonitoring(m.on())));
      } else if (e instanceof StackEffect.AcquireLease a) {
        lease.tell(new ResourceLease.Acquire(a.epoch()));
      } else if (e instanceof StackEffect.ReleaseLease) {
        lease.tell(new ResourceLease.Release());
      } else if (e instanceof StackEffect.ExtendLease && requester instanceof RestartCaller c) {
        lease.tell(new ResourceLease.Extend(restartGrace, c.ref()));
      } else if (e instanceof StackEffect.PersistEpoch p) {
        followUps.addLast(persist(p.epoch()));
      } else if (e instanceof StackEffect.RecordLedger r) {
        record(LedgerNotes.event(r.note()), "", Optional.of(r.purpose()), requester);
      } else if (e instanceof StackEffect.StartSplitBrainStep s) {
        ActorRef<SplitBrainStep.Ended> reply = getContext().messageAdapter(SplitBrainStep.Ended.class, x -> new SplitBrainEnded(x, requester));
        getContext().spawn(SplitBrainStep.create(splitBrain.orElseThrow(), s.discard(), s.peer(), s.sinceMillis(), s.generation(), blocking, reply),
            "split-brain-" + (s.discard() ? "discard-" : "keep-") + (++splitBrainSteps));
      } else if (e instanceof StackEffect.Reply r) {
        reply(requester, r.response());
      } else if (e instanceof StackEffect.AwaitOutcome && requester instanceof Asker a) {
        pending = Optional.of(a.ref());
      } else if (e instanceof StackEffect.Complete c) {
        pending.ifPresent(p -> p.tell(reply(c.response())));
        pending = Optional.empty();
      } else if (e instanceof StackEffect.Log g) {
        switch (g.level()) {
          case INFO -> getContext().getLog().info("resource {}: {}", resource.name(), g.text());
          case WARN -> getContext().getLog().warn("resource {}: {}", resource.name(), g.text());
          case ERROR -> getContext().getLog().error("resource {}: {}", resource.name(), g.text());
        }
      }
    }
  }

  /** The epoch is durable before anything acts on it. */
  private StackEvent persist(long epoch) {
    try {
      epochs.advanceTo(resource.name(), epoch);
      return new StackEvent.EpochPersisted(epoch);
    } catch (IOException e) {
      return new StackEvent.EpochNotPersisted(epoch, String.valueOf(e.getMessage()));
    }
  }

  private void reply(Requester requester, io.hanfs.sbr.stack.Response response) {
    if (requester instanceof Asker a) a.ref().tell(reply(response));
    else if (requester instanceof RestartCaller c) c.ref().tell(true);
  }

  private Reply reply(io.hanfs.sbr.stack.Response response) {
    if (response instanceof io.hanfs.sbr.stack.Response.Refused r) return new Refused(r.refusal());
    if (response instanceof io.hanfs.sbr.stack.Response.Failed f) return new Failed(f.message(), status(), f.heldElsewhere());
    return new Done(status());
  }

  private void readLedger() {
    ledger.ifPresent(l -> getContext().ask(ResourceLedger.Recorded.class, l, LEDGER_TIMEOUT, ResourceLedger.GetSummary::new,
        (r, err) -> new LedgerAnswer(Optional.ofNullable(r), Optional.empty(), err == null ? "" : String.valueOf(err.getMessage()), new Nobody())));
  }

  private void record(LedgerEvent event, String writeId, Optional<LedgerPurpose> purpose, Requester requester) {
    ledger.ifPresent(l -> getContext().ask(ResourceLedger.Recorded.class, l, LEDGER_TIMEOUT, reply -> new ResourceLedger.Record(event, writeId, reply),
        (r, err) -> new LedgerAnswer(Optional.ofNullable(r), purpose, err == null ? "" : String.valueOf(err.getMessage()), requester)));
  }

  /** A ledger event the leader decided on: no decision here, only the write and the answer. */
  private Behavior<Command> onRecordLedger(RecordLedger r) {
    Optional<String> badId = ResourceLedger.writeIdProblem(r.writeId());
    if (badId.isPresent()) {
      r.replyTo().tell(new Refused(Refusal.Reason.BAD_WRITE_ID, "RecordLedger.writeId: " + badId.get()));
    } else if (ledger.isEmpty()) {
      r.replyTo().tell(new Refused(Refusal.Reason.NO_LEDGER, "this node keeps no ledger for " + resource.name()));
    } else {
      record(r.event(), r.writeId(), Optional.of(LedgerPurpose.REQUESTER), new Asker(r.replyTo()));
    }
    return this;
  }

  private Behavior<Command> onLedgerAnswer(LedgerAnswer a) {
    if (a.recorded().isPresent()) {
      ResourceLedger.Recorded r = a.recorded().get();
      handle(new StackEvent.LedgerSeen(r.summary(), r.state().currentSinceMillis()), new Nobody());
    }
    if (a.purpose().isEmpty()) {
      // The journal may still be starting (schema, database): ask again shortly.
      if (a.recorded().isEmpty()) getContext().scheduleOnce(Duration.ofSeconds(2), getContext().getSelf(), new ReadLedgerAgain());
      return this;
    }
    switch (a.purpose().get()) {
      case PROMOTION -> handle(new StackEvent.PromotionRecorded(a.recorded().isPresent(), a.error()), new Nobody());
      case REQUESTER -> {
        if (a.requester() instanceof Asker asker) {
          asker.ref().tell(a.recorded().isPresent() ? new Done(status())
              : new Refused(Refusal.Reason.LEDGER_NOT_WRITTEN, "the ledger did not record the event: " + a.error()));
        }
      }
      case NOTE -> { }
    }
    return this;
  }

  private void publish() {
    ResourceStatus s = status();
    if (!s.equals(published)) statusListener.tell(s);
    published = s;
  }

  private ResourceStatus status() {
    return StackStatus.of(resource, state);
  }
}
