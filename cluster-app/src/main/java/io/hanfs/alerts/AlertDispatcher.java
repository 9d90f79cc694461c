package io.hanfs.alerts;

import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandRunner;
import io.hanfs.metrics.Metrics;
import io.hanfs.sbr.alerts.AlertQueue;
import io.hanfs.sbr.alerts.AlertQueue.Deliver;
import io.hanfs.sbr.alerts.AlertQueue.DropReason;
import io.hanfs.sbr.alerts.AlertQueue.Dropped;
import io.hanfs.sbr.alerts.AlertQueue.Effect;
import io.hanfs.sbr.alerts.AlertQueue.RetryAt;
import io.hanfs.sbr.history.HistoryEvent;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Calls the configured alert hooks (hanfs.alerts) for every alerting history event: one {@link
 * AlertQueue} per hook decides, this actor performs. {@link Publish} only enqueues, so a slow or
 * hanging hook delays nothing but its own queue; each attempt is a child {@link AlertDelivery}
 * named {@code alert-<hook>-<n>}, one per hook at a time, so a receiver sees events in order.
 */
public final class AlertDispatcher extends AbstractBehavior<AlertDispatcher.Command> {
  /** Where scripts run: threads of their own (see reference.conf). */
  public static final String ALERTS_DISPATCHER = "hanfs.alerts-dispatcher";

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** An event that happened; ignored unless {@code event.kind().alerting()}. */
  public record Publish(HistoryEvent event) implements Command {}

  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /** Per configured hook: what was delivered, failed and dropped so far, and what waits. */
  public record Stats(Map<AlertHook.Kind, HookStats> hooks) implements NoSerializationVerificationNeeded {}

  public record HookStats(long delivered, long failedAttempts, long droppedQueueFull, long droppedGaveUp, int waiting, boolean busy) {
    public long dropped() {
      return droppedQueueFull + droppedGaveUp;
    }
  }

  private record AttemptEnded(AlertDelivery.Ended ended) implements Command {}

  private record RetryDue(AlertHook.Kind hook) implements Command {}

  /** The hooks {@code alerts} configures, scripts run by a {@link CommandRunner} with the daemon's fixed PATH. */
  public static Behavior<Command> create(HanfsConfig.Alerts alerts, String clusterName) {
    return create(alerts, clusterName, new CommandRunner());
  }

  public static Behavior<Command> create(HanfsConfig.Alerts alerts, String clusterName, CommandRunner runner) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(ALERTS_DISPATCHER));
      Map<AlertHook.Kind, AlertHook> hooks = new EnumMap<>(AlertHook.Kind.class);
      alerts.script().ifPresent(s -> hooks.put(AlertHook.Kind.SCRIPT, new AlertHook.Script(s, alerts.timeout(), runner, blocking)));
      alerts.webhook().ifPresent(u -> hooks.put(AlertHook.Kind.WEBHOOK,
          new AlertHook.Webhook(u, alerts.timeout(), AlertHook.Webhook.client(alerts.timeout()))));
      return new AlertDispatcher(ctx, timers, alerts, clusterName, hooks);
    }));
  }

  /** One hook's queue, and the attempt in flight (its seq, -1 when none). */
  private static final class HookState {
    final AlertHook hook;
    AlertQueue queue;
    long seq;
    long inFlight = -1;
    int inFlightAttempt;
    HistoryEvent inFlightEvent;
    /** A full queue is told once until the hook delivers again, not once per dropped event. */
    boolean fullTold;

    HookState(AlertHook hook, AlertQueue queue) {
      this.hook = hook;
      this.queue = queue;
    }
  }

  private final TimerScheduler<Command> timers;
  private final String clusterName;
  private final Metrics metrics;
  private final Map<AlertHook.Kind, HookState> hooks = new EnumMap<>(AlertHook.Kind.class);
  private final ActorRef<AlertDelivery.Ended> endedAdapter;

  private AlertDispatcher(ActorContext<Command> ctx, TimerScheduler<Command> timers, HanfsConfig.Alerts alerts, String clusterName,
      Map<AlertHook.Kind, AlertHook> configured) {
    super(ctx);
    this.timers = timers;
    this.clusterName = clusterName;
    this.metrics = Metrics.of(ctx.getSystem());
    AlertQueue.Settings settings = new AlertQueue.Settings(alerts.queue(), alerts.retries(),
        HanfsConfig.Alerts.MIN_BACKOFF, HanfsConfig.Alerts.MAX_BACKOFF);
    configured.forEach((kind, hook) -> hooks.put(kind, new HookState(hook, AlertQueue.empty(settings))));
    this.endedAdapter = ctx.messageAdapter(AlertDelivery.Ended.class, AttemptEnded::new);
    ctx.getLog().info("alert hooks: {}", configured.keySet());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessage(AttemptEnded.class, this::onAttemptEnded)
        .onMessage(RetryDue.class, r -> {
          HookState h = hooks.get(r.hook());
          if (h != null) apply(h, h.queue.timerFired(now()));
          return this;
        })
        .onMessage(GetStats.class, this::onGetStats)
        .build();
  }

  private Behavior<Command> onPublish(Publish p) {
    if (!p.event().kind().alerting()) return this;
    for (HookState h : hooks.values()) apply(h, h.queue.offer(p.event(), now()));
    return this;
  }

  private Behavior<Command> onAttemptEnded(AttemptEnded m) {
    AlertDelivery.Ended e = m.ended();
    HookState h = hooks.get(e.hook());
    // A late report (the child's own and its watch both arrive): only the attempt in flight counts.
    if (h == null || e.seq() != h.inFlight) return this;
    h.inFlight = -1;
    String label = h.hook.kind().label();
    HistoryEvent ev = h.inFlightEvent;
    if (e.outcome().ok()) {
      metrics.alertDelivered(label);
      h.fullTold = false;
      if (h.inFlightAttempt > 1) getContext().getLog().info("alert {} {} ({}) delivered at attempt {}", label, ev.id(), ev.kind().display(), h.inFlightAttempt);
      else getContext().getLog().debug("alert {} {} ({}) delivered: {}", label, ev.id(), ev.kind().display(), e.outcome().detail());
    } else {
      metrics.alertAttemptFailed(label);
      if (h.inFlightAttempt == 1 && h.queue.settings().retries() > 0) {
        getContext().getLog().warn("alert {} {} ({} {}) failed: {}; retried up to {} more times", label, ev.id(), ev.kind().display(), ev.resource(),
            e.outcome().detail(), h.queue.settings().retries());
      } else {
        getContext().getLog().debug("alert {} {} attempt {} failed: {}", label, ev.id(), h.inFlightAttempt, e.outcome().detail());
      }
    }
    apply(h, h.queue.attemptEnded(e.outcome().ok(), now()));
    return this;
  }

  private Behavior<Command> onGetStats(GetStats g) {
    Map<AlertHook.Kind, HookStats> out = new EnumMap<>(AlertHook.Kind.class);
    hooks.forEach((k, h) -> {
      AlertQueue.Counts c = h.queue.counts();
      out.put(k, new HookStats(c.delivered(), c.failedAttempts(), c.droppedQueueFull(), c.droppedGaveUp(), h.queue.waitingCount(), h.inFlight >= 0));
    });
    g.replyTo().tell(new Stats(Map.copyOf(out)));
    return this;
  }

  /** Performs a queue's effects. */
  private void apply(HookState h, AlertQueue.Step step) {
    h.queue = step.next();
    String label = h.hook.kind().label();
    for (Effect effect : step.effects()) {
      if (effect instanceof Deliver d) {
        h.inFlight = ++h.seq;
        h.inFlightAttempt = d.attempt();
        h.inFlightEvent = d.event();
        ActorRef<AlertDelivery.Command> child = getContext().spawn(
            AlertDelivery.create(h.hook, d.event(), AlertPayload.json(d.event(), clusterName), h.seq, endedAdapter), "alert-" + label + "-" + h.seq);
        // A child that stopped without a word (it failed) ends its attempt as failed.
        getContext().watchWith(child, new AttemptEnded(new AlertDelivery.Ended(h.hook.kind(), h.seq,
            new AlertHook.Outcome(false, "the delivery stopped without an outcome"))));
      } else if (effect instanceof RetryAt r) {
        timers.startSingleTimer(h.hook.kind(), new RetryDue(h.hook.kind()), Duration.ofMillis(Math.max(0, r.atMillis() - now())));
      } else if (effect instanceof Dropped dr) {
        metrics.alertDropped(label, dr.why().label());
        HistoryEvent ev = dr.event();
        if (dr.why() == DropReason.GAVE_UP) {
          getContext().getLog().warn("alert {} {} ({} {}) dropped: every one of its {} attempts failed", label, ev.id(), ev.kind().display(), ev.resource(),
              1 + h.queue.settings().retries());
        } else if (!h.fullTold) {
          h.fullTold = true;
          getContext().getLog().warn("alert {} queue full ({} events wait behind a delivery that does not end): dropping the oldest, first {} ({})", label,
              h.queue.settings().capacity(), ev.id(), ev.kind().display());
        } else {
          getContext().getLog().debug("alert {} queue full: dropped {} ({})", label, ev.id(), ev.kind().display());
        }
      }
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
