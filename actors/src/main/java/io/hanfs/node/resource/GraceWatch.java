package io.hanfs.node.resource;

import io.hanfs.node.resource.nfs.GraceEnd;
import io.hanfs.node.resource.nfs.GraceTracking;
import io.hanfs.sbr.stack.StackLayer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Watches one start of an NFS server until its grace period ends (a named child of the NFS
 * layer's {@link LayerActor}, one per start): reads the server every {@link #TICK} off the actor
 * thread, asks {@link GraceEnd#decide}, and tells the resource agent when the first client came
 * back to reclaim and, once, how grace ended, then stops. A stop of the layer stops the watch.
 */
public final class GraceWatch extends AbstractBehavior<GraceWatch.Command> {
  /** Often enough that the recorded end is within a tenth of a second; a read is one /proc file. */
  static final Duration TICK = Duration.ofMillis(100);

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Tick() implements Command {}

  private record Read(GraceEnd.Reading reading, String error) implements Command {}

  public static Behavior<Command> create(StackLayer layer, GraceTracking server, ActorRef<LayerActor.Event> agent, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new GraceWatch(ctx, timers, layer, server, agent, blocking)));
  }

  private final StackLayer layer;
  private final GraceTracking server;
  private final ActorRef<LayerActor.Event> agent;
  private final Executor blocking;
  private boolean reading;
  private boolean firstReclaimSeen;
  private String lastError = "";

  private GraceWatch(ActorContext<Command> ctx, TimerScheduler<Command> timers, StackLayer layer, GraceTracking server,
      ActorRef<LayerActor.Event> agent, Executor blocking) {
    super(ctx);
    this.layer = layer;
    this.server = server;
    this.agent = agent;
    this.blocking = blocking;
    timers.startTimerWithFixedDelay(new Tick(), Duration.ZERO, TICK);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Tick.class, t -> onTick()).onMessage(Read.class, this::onRead).build();
  }

  private Behavior<Command> onTick() {
    if (reading) return this;
    reading = true;
    CompletableFuture<GraceEnd.Reading> work = CompletableFuture.supplyAsync(server::readGrace, blocking).orTimeout(5, TimeUnit.SECONDS);
    getContext().pipeToSelf(work, (r, failure) -> new Read(r, failure == null ? null : String.valueOf(failure.getMessage())));
    return this;
  }

  private Behavior<Command> onRead(Read read) {
    reading = false;
    GraceEnd.Reading r = read.reading();
    if (read.error() != null) {
      // One unreadable tick (the server still starting) is no verdict; the deadline still holds.
      if (!read.error().equals(lastError)) getContext().getLog().debug("grace reading failed: {}", read.error());
      lastError = read.error();
      r = GraceEnd.Reading.inGrace();
    }
    io.hanfs.node.resource.nfs.GraceRecord record = server.graceRecord();
    java.util.OptionalLong started = record.serverStartedNanos();
    if (started.isEmpty()) return Behaviors.stopped();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started.getAsLong());
    java.util.Optional<GraceEnd.FirstReclaim> first = GraceEnd.firstReclaim(r, elapsed, record.grace(), firstReclaimSeen);
    if (first.isPresent()) {
      firstReclaimSeen = true;
      agent.tell(new LayerActor.GraceReport(layer, first.get()));
    }
    GraceEnd.Verdict v = GraceEnd.decide(r, elapsed, record.grace(), record.lease());
    if (v instanceof GraceEnd.Waiting) return this;
    if (v instanceof GraceEnd.Ended e) record.ended(e);
    agent.tell(new LayerActor.GraceReport(layer, v));
    return Behaviors.stopped();
  }
}
