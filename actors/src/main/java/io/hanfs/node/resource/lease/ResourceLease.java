package io.hanfs.node.resource.lease;

import io.hanfs.sbr.lease.LeaseTerm;
import io.hanfs.sbr.lease.VoteTally;
import io.hanfs.voter.LeaseContract;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.time.Duration;
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
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The holder's side of one resource's majority lease on this node: acquires it under an epoch
 * before a promotion, renews it while the resource is active, and tells the ResourceAgent the
 * moment it is no longer valid, so the node stops serving without waiting for anyone (an
 * asymmetric partition included: what counts is a majority of answers, not what this node sees).
 * Each configured voter is asked at its own address and its answer counts for it alone.
 */
public final class ResourceLease extends AbstractBehavior<ResourceLease.Command> {

  /** Local only: the lease actor and its ResourceAgent share a JVM. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  public record Acquire(long epoch) implements Command {}

  /** Give the lease back after a clean demote, so another node can be promoted at once. */
  public record Release() implements Command {}

  /** Ask the voters for a longer grant before a deliberate daemon restart. */
  public record Extend(Duration forHow, ActorRef<Boolean> replyTo) implements Command {}

  private record Tick() implements Command {}

  /** {@code voter} is the voter that was asked; an empty answer: it did not answer in time. */
  private record VoterAnswer(String voter, Optional<LeaseVoter.Answer> answer) implements Command {}

  /** What the lease tells its ResourceAgent. */
  public sealed interface Event extends NoSerializationVerificationNeeded {}

  public record Acquired(long epoch) implements Event {}

  public record NotAcquired(long epoch, String reason) implements Event {}

  /** A voter refuses this acquisition's settings; others may still grant, so the acquisition goes on. */
  public record Refusing(long epoch, String voter, String reason) implements Event {}

  public record Lost(long epoch, String reason) implements Event {}

  private enum State { IDLE, ACQUIRING, HOLDING, EXTENDING }

  public static Behavior<Command> create(String resource, String nodeName, Voters voters, LeaseContract contract,
      LeaseView view, Runnable onRenewed, Executor blocking, ActorRef<Event> parent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ResourceLease(ctx, timers, resource, nodeName, voters, contract, view, onRenewed, blocking, parent)));
  }

  private static final Duration TICK = Duration.ofMillis(50);
  private static final Duration ACQUIRE_ROUND = Duration.ofMillis(50);
  /**
   * A renewal whose majority answers later than this (a quarter of the lease) does not refresh
   * the VIP's kernel lifetime. The lifetime counts from the round's start, so a late round is
   * still safe; the bound only skips rounds too old to add much. (It was 200 ms: on emulated
   * CPUs most answers came later, the VIP's lifetime ran out under a held lease.)
   */
  private long refreshWindowNanos() {
    return lease.toNanos() / 4;
  }

  private final TimerScheduler<Command> timers;
  private final String resource;
  private final String nodeName;
  private final Duration lease;
  private final Duration margin;
  private final LeaseView view;
  private final CoalescedTask onRenewed;
  private final ActorRef<Event> parent;
  private final LeaseTerm term;
  private final Voters voters;
  private final LeaseContract contract;
  private final io.hanfs.metrics.Metrics metrics;
  private State state = State.IDLE;
  private long epoch;
  private long deadline;
  private long nextRound;
  private String lastDenial = "no voter answered";
  private ActorRef<Boolean> extendReply;
  private long extendRound;
  private VoteTally extendGrants;
  /** Voters that refused this acquisition's lease settings. */
  private VoteTally settingsRefusals;

  private ResourceLease(ActorContext<Command> ctx, TimerScheduler<Command> timers, String resource, String nodeName, Voters voters,
      LeaseContract contract, LeaseView view, Runnable onRenewed, Executor blocking, ActorRef<Event> parent) {
    super(ctx);
    this.timers = timers;
    this.resource = resource;
    this.nodeName = nodeName;
    this.voters = voters;
    this.contract = contract;
    this.lease = Duration.ofMillis(contract.durationMillis());
    this.margin = Duration.ofMillis(contract.marginMillis());
    this.view = view;
    this.onRenewed = new CoalescedTask(onRenewed, blocking);
    this.parent = parent;
    this.term = new LeaseTerm(voters.names(), lease.toNanos());
    this.metrics = io.hanfs.metrics.Metrics.of(ctx.getSystem());
    this.extendGrants = new VoteTally(voters.names());
    timers.startTimerWithFixedDelay("tick", new Tick(), TICK);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(Extend.class, this::onExtend)
        .onMessage(Tick.class, t -> onTick())
        .onMessage(VoterAnswer.class, a -> a.answer().isPresent() ? onAnswer(a.voter(), a.answer().get()) : this)
        .build();
  }

  private Behavior<Command> onAcquire(Acquire a) {
    if (state == State.HOLDING && a.epoch() == epoch && term.valid(System.nanoTime())) {
      parent.tell(new Acquired(epoch));
      return this;
    }
    epoch = a.epoch();
    term.reset();
    view.invalidate();
    state = State.ACQUIRING;
    lastDenial = "no voter answered";
    settingsRefusals = new VoteTally(voters.names());
    deadline = System.nanoTime() + lease.multipliedBy(2).plus(margin).toNanos();
    sendRound(System.nanoTime());
    return this;
  }

  private Behavior<Command> onRelease(Release r) {
    if (state != State.IDLE) {
      for (ActorRef<LeaseVoter.Command> v : voters.byName().values()) v.tell(new LeaseVoter.Release(resource, nodeName, epoch));
    }
    state = State.IDLE;
    term.reset();
    view.invalidate();
    return this;
  }

  private Behavior<Command> onExtend(Extend e) {
    if (state != State.HOLDING) {
      e.replyTo().tell(false);
      return this;
    }
    state = State.EXTENDING;
    extendReply = e.replyTo();
    extendRound = System.nanoTime();
    extendGrants = new VoteTally(voters.names());
    long round = extendRound;
    ask(lease, replyTo -> new LeaseVoter.Extend(resource, nodeName, epoch, e.forHow().toMillis(), round, contract, replyTo));
    // The VIP lifetime follows once a majority agreed (see onAnswer).
    deadline = extendRound + e.forHow().toNanos();
    return this;
  }

  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    switch (state) {
      case ACQUIRING -> {
        if (term.valid(now)) {
          state = State.HOLDING;
          getContext().getLog().info("lease on {} acquired under epoch {}", resource, epoch);
          parent.tell(new Acquired(epoch));
        } else if (now >= deadline) {
          state = State.IDLE;
          parent.tell(new NotAcquired(epoch, "no majority (" + term.majority() + " voters) granted epoch " + epoch + " in time: " + lastDenial));
        } else if (now >= nextRound) {
          sendRound(now);
        }
      }
      case HOLDING -> {
        if (!term.valid(now)) {
          state = State.IDLE;
          view.invalidate();
          getContext().getLog().warn("lease on {} (epoch {}) expired: {}", resource, epoch, lastDenial);
          metrics.leaseLapsed(resource, nodeName);
          parent.tell(new Lost(epoch, "lease not renewed by a majority of voters in time (" + lastDenial + ")"));
        } else if (now >= nextRound) {
          sendRound(now);
        }
      }
      case EXTENDING -> {
        if (now >= deadline) state = State.IDLE;
      }
      case IDLE -> { }
    }
    return this;
  }

  private void sendRound(long now) {
    long round = term.roundSent(now);
    nextRound = now + (state == State.ACQUIRING ? ACQUIRE_ROUND : lease.dividedBy(8)).toNanos();
    long e = epoch;
    ask(lease, replyTo -> new LeaseVoter.Request(resource, nodeName, e, round, contract, replyTo));
  }

  /** Asks every configured voter at its address; each answer comes back named by the voter asked. */
  private void ask(Duration timeout, java.util.function.Function<ActorRef<LeaseVoter.Answer>, LeaseVoter.Command> request) {
    for (Map.Entry<String, ActorRef<LeaseVoter.Command>> v : voters.byName().entrySet()) {
      String voter = v.getKey();
      getContext().ask(LeaseVoter.Answer.class, v.getValue(), timeout, request::apply,
          (answer, failure) -> new VoterAnswer(voter, Optional.ofNullable(answer)));
    }
  }

  private Behavior<Command> onAnswer(String voter, LeaseVoter.Answer a) {
    if (!a.resource().equals(resource)) return this;
    if (state == State.EXTENDING && a.round() == extendRound) {
      if (a instanceof LeaseVoter.Granted && extendGrants.grant(voter)) {
        extendReply.tell(true);
        view.validUntil(deadline);
        onRenewed.request();
      }
      return this;
    }
    if (a instanceof LeaseVoter.Denied d) {
      lastDenial = voter + ": " + d.reason();
      if (state == State.ACQUIRING && d.settingsDiffer() && settingsRefusals.refuse(voter, d.reason())) {
        if (settingsRefusals.lost()) {
          // Asking again under the same settings cannot win: say why at once.
          state = State.IDLE;
          parent.tell(new NotAcquired(epoch, "no majority can grant epoch " + epoch + ": " + d.reason()));
          return this;
        }
        // Said while the acquisition still waits on voters that have not answered.
        parent.tell(new Refusing(epoch, voter, d.reason()));
      }
      if (state == State.ACQUIRING && d.highestEpoch() > epoch) {
        state = State.IDLE;
        parent.tell(new NotAcquired(epoch, "epoch " + epoch + " is stale: voter " + voter + " has seen epoch " + d.highestEpoch()));
      }
      return this;
    }
    LeaseVoter.Granted g = (LeaseVoter.Granted) a;
    if (g.epoch() != epoch || (state != State.ACQUIRING && state != State.HOLDING)) return this;
    if (term.granted(g.round(), voter)) {
      long now = System.nanoTime();
      view.validUntil(term.validUntil());
      if (state == State.HOLDING) metrics.leaseRenewed(resource, nodeName, now - g.round());
      if (state == State.HOLDING && now - g.round() <= refreshWindowNanos()) onRenewed.request();
      if (state == State.ACQUIRING) onTick();
    }
    return this;
  }
}
