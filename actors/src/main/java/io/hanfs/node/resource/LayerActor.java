package io.hanfs.node.resource;

import io.hanfs.sbr.data.ReplicationFacts;
import io.hanfs.sbr.stack.LayerOp;
import io.hanfs.sbr.stack.StackLayer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Supervises one {@link Layer} of a resource (the replication, filesystem, NFS server and
 * floating IP actors of the design are this behavior around different layers: their protocol
 * is the same, only the driver differs). It runs one operation at a time off the actor thread,
 * bounded by a timeout, and reports the outcome to its ResourceAgent. While monitoring is on it
 * checks the layer on a timer and reports failures; a monitor never starts anything.
 */
public final class LayerActor extends AbstractBehavior<LayerActor.Command> {

  /** Local only: a layer actor and its ResourceAgent always live in the same JVM. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Run an operation; the outcome comes back as {@link Completed}. */
  public record Run(LayerOp op) implements Command {}

  /** Turn the periodic monitor on or off. */
  public record SetMonitoring(boolean on) implements Command {}

  private record OpDone(LayerOp op, Layer.Probe probe, String error, boolean heldElsewhere) implements Command {}

  private record MonitorTick() implements Command {}

  private record MonitorDone(Layer.Probe probe, String error) implements Command {}

  /** What a layer actor tells its parent. */
  public sealed interface Event extends NoSerializationVerificationNeeded {
    StackLayer layer();
  }

  /**
   * An operation finished; {@code error} is null on success, {@code probe} is the state after it.
   * {@code heldElsewhere}: a start failed because another holder still has the data.
   */
  public record Completed(StackLayer layer, LayerOp op, Layer.Probe probe, String error, boolean heldElsewhere) implements Event {
    public boolean ok() {
      return error == null;
    }
  }

  /** The monitor found the active layer unhealthy. */
  public record MonitorFailed(StackLayer layer, String detail) implements Event {}

  /**
   * The monitor found the layer healthy and its detail or replication facts changed (DRBD's
   * peer connected or resynced, its out-of-sync count): the leader reads the link state from it.
   */
  public record Monitored(StackLayer layer, Layer.Probe probe) implements Event {}

  /**
   * The NFS server's grace after a start: its first reclaim, then how it ended (or that it did not
   * end in time), each told once per start by the layer's {@link GraceWatch}.
   */
  public record GraceReport(StackLayer layer, io.hanfs.node.resource.nfs.GraceEnd.Verdict verdict) implements Event {}

  /** @param serves which layer of the stack {@code layer} is, as its events say */
  public static Behavior<Command> create(StackLayer serves, Layer layer, ActorRef<Event> parent, Executor blocking, Duration opTimeout, Duration monitorInterval) {
    return Behaviors.withStash(64, stash -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new LayerActor(ctx, stash, timers, serves, layer, parent, blocking, opTimeout, monitorInterval))));
  }

  private final StashBuffer<Command> stash;
  private final TimerScheduler<Command> timers;
  private final StackLayer serves;
  private final Layer layer;
  private final ActorRef<Event> parent;
  private final Executor blocking;
  private final Duration opTimeout;
  private final Duration monitorInterval;
  private boolean busy;
  private boolean monitoring;
  /** The detail and replication facts last told to the parent (by an operation or the monitor). */
  private String lastDetail;
  /** The watch of the NFS server's grace after the last start, if one runs. */
  private Optional<ActorRef<GraceWatch.Command>> graceWatch = Optional.empty();
  private int graceWatches;
  private Optional<ReplicationFacts> lastReplication = Optional.empty();

  private LayerActor(ActorContext<Command> ctx, StashBuffer<Command> stash, TimerScheduler<Command> timers, StackLayer serves, Layer layer,
      ActorRef<Event> parent, Executor blocking, Duration opTimeout, Duration monitorInterval) {
    super(ctx);
    this.stash = stash;
    this.timers = timers;
    this.serves = serves;
    this.layer = layer;
    this.parent = parent;
    this.blocking = blocking;
    this.opTimeout = opTimeout;
    this.monitorInterval = monitorInterval;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(OpDone.class, this::onOpDone)
        .onMessage(SetMonitoring.class, this::onSetMonitoring)
        .onMessage(MonitorTick.class, this::onMonitorTick)
        .onMessage(MonitorDone.class, this::onMonitorDone)
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    if (busy) {
      stash.stash(run);
      return this;
    }
    busy = true;
    if (run.op() == LayerOp.STOP) stopGraceWatch();
    CompletableFuture<Layer.Probe> work = CompletableFuture.supplyAsync(() -> {
      switch (run.op()) {
        case START -> layer.start();
        case STOP -> layer.stop();
        case PROBE -> { }
      }
      return layer.probe();
    }, blocking).orTimeout(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
    getContext().pipeToSelf(work, (probe, failure) -> failure == null
        ? new OpDone(run.op(), probe, null, false)
        : new OpDone(run.op(), null, describe(failure), cause(failure) instanceof DataHeldException));
    return this;
  }

  private Behavior<Command> onOpDone(OpDone done) {
    busy = false;
    String error = done.error();
    if (error == null && done.op() == LayerOp.START && !done.probe().active()) {
      error = "started, but the probe says it is not active: " + done.probe().detail();
    }
    if (error == null && done.op() == LayerOp.STOP && done.probe().active()) {
      error = "stopped, but the probe says it is still active: " + done.probe().detail();
    }
    if (error != null) getContext().getLog().warn("{} {} failed: {}", layer.name(), done.op(), error);
    else getContext().getLog().info("{} {} ok: {}", layer.name(), done.op(), done.probe().detail());
    if (done.probe() != null) remember(done.probe());
    if (error == null && done.op() == LayerOp.START) watchGrace();
    parent.tell(new Completed(serves, done.op(), done.probe(), error, done.heldElsewhere()));
    return stash.unstashAll(this);
  }

  private Behavior<Command> onSetMonitoring(SetMonitoring m) {
    monitoring = m.on();
    if (monitoring) timers.startTimerWithFixedDelay("monitor", new MonitorTick(), monitorInterval);
    else timers.cancel("monitor");
    return this;
  }

  private Behavior<Command> onMonitorTick(MonitorTick tick) {
    if (!monitoring || busy) return this;
    busy = true;
    CompletableFuture<Layer.Probe> work = CompletableFuture.supplyAsync(layer::monitor, blocking)
        .orTimeout(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
    getContext().pipeToSelf(work, (probe, failure) -> new MonitorDone(probe, failure == null ? null : describe(failure)));
    return this;
  }

  private Behavior<Command> onMonitorDone(MonitorDone done) {
    busy = false;
    // A result that arrives after monitoring was switched off (a demote began) is stale.
    if (monitoring) {
      if (done.error() != null) parent.tell(new MonitorFailed(serves, "monitor failed: " + done.error()));
      else if (!done.probe().healthy() || !done.probe().active()) parent.tell(new MonitorFailed(serves, done.probe().detail()));
      else if (!done.probe().detail().equals(lastDetail) || !done.probe().replication().equals(lastReplication)) {
        parent.tell(new Monitored(serves, done.probe()));
      }
      if (done.error() == null) remember(done.probe());
    }
    return stash.unstashAll(this);
  }

  /** After a start that launched an NFS server: a fresh watch of its grace period. */
  private void watchGrace() {
    if (!(layer instanceof io.hanfs.node.resource.nfs.GraceTracking server) || server.graceRecord().serverStartedNanos().isEmpty()) return;
    stopGraceWatch();
    graceWatch = Optional.of(getContext().spawn(GraceWatch.create(serves, server, parent, blocking), "grace-watch-" + ++graceWatches));
  }

  private void stopGraceWatch() {
    graceWatch.ifPresent(w -> getContext().stop(w));
    graceWatch = Optional.empty();
  }

  private void remember(Layer.Probe probe) {
    lastDetail = probe.detail();
    lastReplication = probe.replication();
  }

  private static Throwable cause(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static String describe(Throwable t) {
    Throwable c = cause(t);
    if (c instanceof TimeoutException) return "timed out";
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
