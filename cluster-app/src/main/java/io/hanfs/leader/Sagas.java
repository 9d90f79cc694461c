package io.hanfs.leader;

import io.hanfs.sbr.Refusal;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.metrics.Metrics;
import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.LeaderDecision;
import io.hanfs.sbr.Placement;
import io.hanfs.sbr.PromotionBans;
import io.hanfs.sbr.Remembered;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.SagaKind;
import io.hanfs.sbr.data.Generation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The leader's running sagas, at most one per resource, each a named child ({@link PromoteSaga},
 * {@link DemoteSaga}, {@link ResolveSaga}) that reports one {@link SagaOutcome}; and what the
 * outcomes leave behind: bans, "held elsewhere" notes, pauses before the next try. Part of the
 * leader (its context, its thread), kept apart so that the shell stays a shell.
 */
final class Sagas {
  /** How the leader writes a ledger event (a retried LedgerWrite child). */
  interface Recorder {
    void record(NodeAgent.Report node, String resource, LedgerEvent event);
  }

  /** One running saga of a resource: its child, who waits for its answer, and the split brain it resolves. */
  private record Saga(long id, SagaKind kind, Optional<String> from, Optional<String> to, long startedNanos,
      Optional<ActorRef<Leader.ControlReply>> replyTo, ActorRef<?> child, Optional<Remembered.SplitBrain> split, String metricKind) {}

  private final ActorContext<Leader.Command> ctx;
  private final ClusterModel model;
  private final DecisionInput inputs;
  private final PromotionBans bans;
  private final Recorder recorder;
  private final Metrics metrics;
  private final LeaderHistory history;
  private final Map<String, Saga> running = new HashMap<>();
  /** Per resource: the last promotion found the data held by another holder (why); cleared by a success. */
  private final Map<String, String> heldElsewhere = new HashMap<>();
  private final Map<String, Long> retryAfter = new HashMap<>();
  /** Per resource: how often a node whose stop failed was demoted again (Placement.STOP_RETRIES); reset by a promotion or hanfs clear. */
  private final Map<String, Integer> stopRetries = new HashMap<>();
  private long nextSaga = 1;

  Sagas(ActorContext<Leader.Command> ctx, ClusterModel model, DecisionInput inputs, PromotionBans bans, Recorder recorder, Metrics metrics,
      LeaderHistory history) {
    this.history = history;
    this.ctx = ctx;
    this.model = model;
    this.inputs = inputs;
    this.bans = bans;
    this.recorder = recorder;
    this.metrics = metrics;
  }

  // ---- what the decision and the status read ----

  Optional<LeaderDecision.RunningSaga> running(String resource, long nowNanos) {
    return Optional.ofNullable(running.get(resource)).map(s -> {
      Optional<String> waitingOn = s.kind().waitsOnTarget() ? s.to() : s.from();
      return new LeaderDecision.RunningSaga(s.kind(), waitingOn, waitingOn.map(model::member).orElse(true), s.startedNanos());
    });
  }

  boolean retryPending(String resource, long nowNanos) {
    return nowNanos < retryAfter.getOrDefault(resource, 0L);
  }

  int stopRetries(String resource) {
    return stopRetries.getOrDefault(resource, 0);
  }

  Optional<String> heldElsewhere(String resource) {
    return Optional.ofNullable(heldElsewhere.get(resource));
  }

  void forgetHeldElsewhere(String resource) {
    heldElsewhere.remove(resource);
  }

  /** An operator cleared bans: the next decision may act at once. */
  void clearRetries() {
    retryAfter.clear();
    stopRetries.clear();
  }

  /** The running saga's kind, as replies name it. */
  Optional<String> kind(String resource) {
    return Optional.ofNullable(running.get(resource)).map(s -> s.kind().display());
  }

  /** For status: "move from n1 to n2". */
  Optional<String> transition(String resource) {
    return Optional.ofNullable(running.get(resource))
        .map(s -> s.kind().display() + s.from().map(f -> " from " + f).orElse("") + s.to().map(t -> " to " + t).orElse(""));
  }

  Optional<FenceRequests.Resolving> resolving(String resource) {
    return Optional.ofNullable(running.get(resource)).filter(s -> s.kind() == SagaKind.RESOLVE)
        .map(s -> new FenceRequests.Resolving(s.from().orElse(""), s.to().orElse("")));
  }

  // ---- starting ----

  private <T> void spawn(Resource r, SagaKind kind, Optional<String> from, Optional<String> to, Optional<ActorRef<Leader.ControlReply>> replyTo,
      Optional<Remembered.SplitBrain> split, Function<Consumer<SagaOutcome>, Behavior<T>> behavior) {
    long id = nextSaga++;
    ActorRef<Leader.Command> self = ctx.getSelf();
    String name = kind.name().toLowerCase().replace('_', '-') + "-" + URLEncoder.encode(r.name(), StandardCharsets.UTF_8) + "-" + id;
    ActorRef<T> child = ctx.spawn(behavior.apply(o -> self.tell(new Leader.SagaEnded(r.name(), id, o))), name);
    // A promotion with a node it replaces: that node is gone (a failover).
    String metricKind = Metrics.kind(kind, kind == SagaKind.PROMOTE && from.isPresent());
    running.put(r.name(), new Saga(id, kind, from, to, System.nanoTime(), replyTo, child, split, metricKind));
    metrics.sagaStarted(r.name(), metricKind);
  }

  void promote(Resource r, String to, Optional<String> from, Optional<ActorRef<Leader.ControlReply>> replyTo, Optional<ResourceAgent.Force> force) {
    NodeAgent.Report rep = model.report(to);
    long epoch = model.nextEpoch(r.name());
    ctx.getLog().info("resource {}: promoting {} under epoch {}{}{}", r.name(), to, epoch,
        from.map(f -> " (" + f + " is gone; the lease keeps it safe)").orElse(""),
        force.map(f -> ", FORCED by " + f.by() + ": " + f.reason()).orElse(""));
    history.sagaStarted(r.name(), SagaKind.PROMOTE, from, Optional.of(to), epoch);
    spawn(r, SagaKind.PROMOTE, from, Optional.of(to), replyTo, Optional.empty(),
        done -> PromoteSaga.create(rep.agent(), r.name(), to, model.stamp(epoch), force, r.operationTimeout().multipliedBy(4), done));
  }

  void demote(Resource r, String node, Optional<String> thenPromote, SagaKind kind, Optional<ActorRef<Leader.ControlReply>> replyTo) {
    NodeAgent.Report rep = model.report(node);
    long epoch = model.epochOf(r.name(), node);
    ctx.getLog().info("resource {}: demoting {} (epoch {}){}", r.name(), node, epoch, thenPromote.map(t -> ", then promoting " + t).orElse(""));
    history.sagaStarted(r.name(), kind, Optional.of(node), thenPromote, epoch);
    if (kind == SagaKind.RETRY_STOP) stopRetries.merge(r.name(), 1, Integer::sum);
    spawn(r, kind, Optional.of(node), thenPromote, replyTo, Optional.empty(),
        done -> DemoteSaga.create(rep.agent(), r.name(), node, model.stamp(epoch), r.operationTimeout().multipliedBy(4), done));
  }

  /** Victim demoted first if it serves; then it saves and discards its changes; then the survivor reconnects. */
  void resolve(Resource r, String victim, String survivor, Optional<Remembered.SplitBrain> split, Optional<ActorRef<Leader.ControlReply>> replyTo) {
    Role victimRole = model.statusOf(r.name(), victim).map(ResourceStatus::role).orElse(Role.UNKNOWN);
    if (victimRole.holding()) {
      demote(r, victim, Optional.empty(), SagaKind.SPLIT_BRAIN_DEMOTE, Optional.empty());
      replyTo.ifPresent(x -> x.tell(Leader.ControlReply.refused(Refusal.Reason.NOT_NOW, victim + " is " + victimRole.display()
          + "; demoting it first, run the command again when it is secondary")));
      return;
    }
    // This split brain is being resolved: the DRBD layers keep showing it until the victim's
    // discarding connection arrives, which must not flag the copies again.
    Generation kept = inputs.current(r.name(), survivor);
    if (!kept.equals(Generation.NONE)) List.of(victim, survivor).forEach(n -> model.remember(new Remembered.LayerSplitBrainNoted(r.name(), n, kept)));
    model.statusOf(r.name(), victim).flatMap(ResourceStatus::ledger)
        .ifPresent(l -> model.remember(new Remembered.LayerSplitBrainNoted(r.name(), victim, l.current())));
    ctx.getLog().warn("resource {}: resolving the split brain: {} saves its changes and discards them, {} keeps its data", r.name(), victim, survivor);
    Duration step = r.operationTimeout().multipliedBy(4);
    spawn(r, SagaKind.RESOLVE, Optional.of(victim), Optional.of(survivor), replyTo, split,
        done -> ResolveSaga.create(r.name(), model.stamp(model.knownEpoch(r.name())), victim, model.report(victim).agent(), survivor, model.report(survivor).agent(), step, step, done));
  }

  /** The running saga waits on a node that became unreachable: its child is stopped and the saga ends failed. */
  void abort(String resource, String why) {
    Saga saga = running.get(resource);
    if (saga == null) return;
    ctx.getLog().warn("resource {}: {}; deciding again", resource, why);
    ctx.stop(saga.child());
    finish(resource, saga, Metrics.Outcome.ABORTED, why);
  }

  // ---- ending ----

  void ended(Resource r, long sagaId, SagaOutcome outcome) {
    Saga saga = running.get(r.name());
    if (saga == null || saga.id() != sagaId) return;
    if (!(outcome instanceof SagaOutcome.StepEnded d)) {
      ctx.getLog().warn("resource {}: {} timed out; deciding again", r.name(), saga.kind().display());
      finish(r.name(), saga, Metrics.Outcome.TIMED_OUT, saga.kind().display() + " timed out");
      return;
    }
    if (d.step() == SagaOutcome.Step.KEEP && d.ok()) resolved(r, saga, d.node());
    if (d.step() == SagaOutcome.Step.DEMOTE && d.ok() && saga.to().isPresent()) {
      running.remove(r.name());
      metrics.sagaEnded(r.name(), saga.metricKind(), Metrics.Outcome.OK, saga.startedNanos(), System.nanoTime());
      promote(r, saga.to().get(), Optional.empty(), saga.replyTo(), Optional.empty());
      return;
    }
    if (d.step() == SagaOutcome.Step.PROMOTE) promotionEnded(r, d);
    if (!d.ok()) {
      ctx.getLog().warn("resource {}: {} on {} failed: {}", r.name(), d.step().display(), d.node(), d.why());
      // A split-brain step that failed (DRBD refused, the rescue copy failed) needs a look more
      // than a retry every second: status shows why meanwhile.
      boolean resolveStep = d.step() == SagaOutcome.Step.DISCARD || d.step() == SagaOutcome.Step.KEEP;
      // A stop that failed again gets time for what held it (a load, a slow device) to pass.
      Duration pause = resolveStep ? Duration.ofSeconds(30) : saga.kind() == SagaKind.RETRY_STOP ? Duration.ofSeconds(10) : Duration.ofMillis(1000);
      retryAfter.put(r.name(), System.nanoTime() + pause.toNanos());
    }
    finish(r.name(), saga, d.ok() ? Metrics.Outcome.OK : Metrics.Outcome.FAILED, d.step().display() + " on " + d.node() + ": " + d.why());
  }

  /**
   * The victim now resyncs from the survivor: it takes the survivor's history (so the two no
   * longer diverge) and stays unpromotable until the resync completes (unfence-peer).
   */
  private void resolved(Resource r, Saga saga, String survivor) {
    String victim = saga.from().orElseThrow();
    saga.split().ifPresent(s -> model.remember(new Remembered.SplitBrainResolved(s)));
    metrics.splitBrainResolved(r.name());
    history.splitBrainResolved(r.name(), victim, survivor);
    model.splitBrainResolved(r.name(), victim, survivor, System.nanoTime());
    model.statusOf(r.name(), survivor).flatMap(ResourceStatus::ledger).ifPresent(kept -> {
      // The survivor's DRBD stays StandAlone with "Split-Brain detected but unresolved" as the
      // kernel's latest word until the victim's connection arrives: that is this split brain,
      // not a new one (the VM lab saw it noted again and both copies flagged at one generation).
      model.remember(new Remembered.LayerSplitBrainNoted(r.name(), survivor, kept.current()));
      model.remember(new Remembered.LayerSplitBrainNoted(r.name(), victim, kept.current()));
      NodeAgent.Report v = model.report(victim);
      if (v != null) recorder.record(v, r.name(), new LedgerEvent.SyncStarted(survivor, kept.current(), kept.lineage()));
    });
  }

  private void promotionEnded(Resource r, SagaOutcome.StepEnded d) {
    if (d.ok()) {
      bans.promoted(r.name(), d.node());
      heldElsewhere.remove(r.name());
      stopRetries.remove(r.name());
    } else if (d.reply() instanceof ResourceAgent.Failed f && f.heldElsewhere()) {
      // Another holder still has the data (a frozen node's mount, DRBD's Primary peer): not
      // this node's failure. No ban; the next decision retries.
      String holder = inputs.views(r, System.nanoTime()).stream().filter(v -> !v.name().equals(d.node()))
          .max(Comparator.comparingLong(Placement.NodeView::epoch)).map(Placement.NodeView::name).orElse("another node");
      heldElsewhere.put(r.name(), "held by " + holder + ", waiting for its lease to lapse / its fence step (" + d.node() + ": " + f.message() + ")");
      ctx.getLog().warn("resource {}: promotion on {} found the data {}", r.name(), d.node(), heldElsewhere.get(r.name()));
    } else if (d.reply() instanceof ResourceAgent.Failed f) {
      // A failure can be a passing fault: retry once; a second failure in a row bans the node.
      bans.promoteFailed(r.name(), d.node(), f.message(), System.nanoTime(), System.currentTimeMillis(), r.failureTimeout())
          .ifPresent(b -> ctx.getLog().warn("resource {}: {} is banned until {}: {}; hanfs clear {} lifts it",
              r.name(), d.node(), Instant.ofEpochMilli(b.untilEpochMillis()), b.reason(), d.node()));
    }
  }

  private void finish(String resource, Saga saga, Metrics.Outcome outcome, String message) {
    running.remove(resource);
    metrics.sagaEnded(resource, saga.metricKind(), outcome, saga.startedNanos(), System.nanoTime());
    boolean ok = outcome == Metrics.Outcome.OK;
    history.sagaEnded(resource, saga.kind(), saga.from(), saga.to(), ok, message, (System.nanoTime() - saga.startedNanos()) / 1_000_000);
    saga.replyTo().ifPresent(r -> r.tell(ok ? Leader.ControlReply.done(message) : Leader.ControlReply.failed(message)));
  }
}
