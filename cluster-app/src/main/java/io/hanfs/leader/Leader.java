package io.hanfs.leader;

import io.hanfs.sbr.Refusal;
import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.history.HistorySink;
import io.hanfs.metrics.Metrics;
import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.LeaderDecision;
import io.hanfs.sbr.LeaderEffect;
import io.hanfs.sbr.Placement;
import io.hanfs.sbr.PromotionBans;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The cluster leader (a ClusterSingleton): decides where each resource is active and drives the
 * promotion and demotion sagas. It acts only on confirmed state (each node's own reports), gives
 * every promotion a new epoch above any it or a voter has seen, and leaves safety to the lease:
 * a promoted node must win a majority lease first, so a wrong guess of the leader (a node it
 * thinks is gone but still holds its lease) costs time, never a second active node. The shell:
 * {@link LeaderDecision} decides each tick, {@link FenceRequests} answers DRBD's handlers, and
 * each saga, vote and ledger write is a named child.
 */
public final class Leader extends AbstractBehavior<Leader.Command> {

  public sealed interface Command extends CborSerializable {}

  public record NodeReported(NodeAgent.Report report) implements Command {}

  public record Switchover(String resource, Optional<String> to, ActorRef<ControlReply> replyTo) implements Command {}

  public record Standby(String node, boolean on, ActorRef<ControlReply> replyTo) implements Command {}

  /**
   * DRBD's fence-peer on {@code requester} (the primary, which lost its peer): mark the peer's copy
   * outdated at a majority of voters before the primary writes on, as crm-fence-peer does with a
   * cluster constraint. Also recorded in both ledgers when they can be reached.
   */
  public record FencePeer(String resource, String requester, Optional<String> peer, ActorRef<FenceReply> replyTo) implements Command {}

  /** DRBD's unfence-peer on the primary after the peer resynced: the peer's copy is current again. */
  public record UnfencePeer(String resource, String requester, Optional<String> peer, ActorRef<FenceReply> replyTo) implements Command {}

  /** DRBD's split-brain handler on {@code reporter}: DRBD saw diverged data when the peers connected. */
  public record ReplicaSplitBrain(String resource, String reporter, Optional<String> peer, java.util.OptionalLong handlerAgeMillis,
      ActorRef<FenceReply> replyTo) implements Command {}

  /** {@code exitCode} follows DRBD's fence-peer handler contract: 4 peer outdated, 6 peer is primary, 0 done (unfence), 1 failed. */
  public record FenceReply(int exitCode, String message) implements CborSerializable {}

  /** An operator's {@code hanfs resolve RES --discard NODE [--force]}: end a data split brain by hand. */
  public record Resolve(String resource, String discard, boolean force, ActorRef<ControlReply> replyTo) implements Command {}

  /**
   * An operator's {@code hanfs promote RES --to NODE --force --reason TEXT}: promote although the
   * data gate refuses (recorded as Forced in the node's ledger). The lease still decides, and a
   * node that is active and reachable is never joined by a second one.
   */
  public record ForcePromote(String resource, String to, String by, String reason, ActorRef<ControlReply> replyTo) implements Command {}

  public record Maintenance(boolean on, ActorRef<ControlReply> replyTo) implements Command {}

  /** hanfs clear: lift the bans and failure counts of a data node (every resource) or of a resource (every node). */
  public record Clear(String target, ActorRef<ControlReply> replyTo) implements Command {}

  public record GetClusterStatus(ActorRef<ClusterStatus> replyTo) implements Command {}

  /**
   * The answer to an operator command: accepted (and what will happen), refused before anything
   * changed ({@code refusal}, typed: the routes, JMX and the CLI map it), or failed while it ran.
   */
  public record ControlReply(boolean accepted, Optional<Refusal> refusal, String message) implements CborSerializable {
    public static ControlReply done(String message) {
      return new ControlReply(true, Optional.empty(), message);
    }

    public static ControlReply refused(Refusal.Reason reason, String message) {
      return new ControlReply(false, Optional.of(new Refusal(reason, message)), message);
    }

    public static ControlReply failed(String message) {
      return new ControlReply(false, Optional.empty(), message);
    }
  }

  public record MemberView(String node, String address, String status, boolean reachable, List<String> roles, boolean standby,
      boolean maintenance, long reportAgeMillis) implements CborSerializable {}

  public record ResourceView(String name, Optional<String> activeNode, long epoch, Map<String, Role> roleByNode,
      Optional<String> transition, String lastDecision, Optional<String> leaseHolder, long leaseRemainingMillis,
      Map<String, String> dataByNode, List<String> bans) implements CborSerializable {}

  public record ClusterStatus(String leaderNode, boolean maintenance, boolean coldStartDone, List<MemberView> members,
      List<ResourceView> resources) implements CborSerializable {}

  private record Tick() implements Command, NoSerializationVerificationNeeded {}

  private record MembershipChanged(ClusterEvent.ClusterDomainEvent event) implements Command, NoSerializationVerificationNeeded {}

  /** {@code voter} is the voter that was asked (its answers come to a child of this leader for it alone). */
  private record VoterInfo(String voter, LeaseVoter.GrantInfo info) implements Command, NoSerializationVerificationNeeded {}

  /** Local only: how many voters persisted a fence mark. */
  record FenceVotes(String resource, String requester, String peer, Generation at, int acks, List<String> errors, ActorRef<FenceReply> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  /** A saga child ended (sent by the adapter {@link Sagas} gives each child). */
  record SagaEnded(String resource, long sagaId, SagaOutcome outcome) implements Command, NoSerializationVerificationNeeded {}

  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration COLD_START_TIMEOUT = Duration.ofSeconds(60);

  /** @param history where the leader tells the cluster history its decisions (this node's hub) */
  public static Behavior<Command> create(HanfsConfig config, String selfNode, HistorySink history) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Leader(ctx, timers, config, selfNode, Voters.atConfiguredAddresses(config, ctx.getSystem()), history)));
  }

  /** A leader that asks the given voters (tests that run all voters in one actor system). */
  public static Behavior<Command> create(HanfsConfig config, String selfNode, Voters voters) {
    return create(config, selfNode, voters, HistorySink.NONE);
  }

  public static Behavior<Command> create(HanfsConfig config, String selfNode, Voters voters, HistorySink history) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Leader(ctx, timers, config, selfNode, voters, history)));
  }

  private final HanfsConfig config;
  private final String selfNode;
  private final long startedNanos = System.nanoTime();
  private final ClusterModel model;
  private final Replicas replicas;
  private final DecisionInput inputs;
  private final FenceDesk fenceDesk;
  private final OperatorDesk operators;
  private final Sagas sagas;
  private final Map<String, String> lastDecision = new HashMap<>();
  private final PromotionBans bans = new PromotionBans();
  private final Voters voters;
  private final Metrics metrics;
  private final LeaderHistory history;
  private long ticks;
  private boolean coldStartDone;
  private long nextLedgerWrite = 1;
  /** Prefixes this leader's ledger write ids: a restarted leader counts from 1 again. */
  private final String ledgerWriteIncarnation = java.util.UUID.randomUUID().toString();
  /** Per voter, the address its Inspect answers go to: an answer counts for that voter only. */
  private final Map<String, ActorRef<LeaseVoter.GrantInfo>> grantReplies = new LinkedHashMap<>();

  private Leader(ActorContext<Command> ctx, TimerScheduler<Command> timers, HanfsConfig config, String selfNode, Voters voters,
      HistorySink historySink) {
    super(ctx);
    this.history = new LeaderHistory(historySink, selfNode);
    this.config = config;
    this.selfNode = selfNode;
    this.voters = voters;
    this.metrics = Metrics.of(ctx.getSystem());
    this.model = new ClusterModel(config);
    this.replicas = new Replicas(config, model);
    this.inputs = new DecisionInput(config, model, replicas, bans, selfNode);
    this.sagas = new Sagas(ctx, model, inputs, bans, this::record, metrics, history);
    this.operators = new OperatorDesk(ctx, config, model, replicas, inputs, sagas, bans, this::record);
    this.fenceDesk = new FenceDesk(ctx, model, new FenceRequests(config, model, replicas), inputs, sagas, voters, this::record, metrics, history);
    ctx.getLog().info("hanfs leader started on {}", selfNode);
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, MembershipChanged::new), ClusterEvent.ClusterDomainEvent.class));
    ActorRef<Command> self = ctx.getSelf();
    for (String voter : voters.names()) {
      grantReplies.put(voter, ctx.spawn(Behaviors.<LeaseVoter.GrantInfo>receiveMessage(info -> {
        self.tell(new VoterInfo(voter, info));
        return Behaviors.same();
      }), "grants-from-" + voter));
    }
    timers.startTimerWithFixedDelay("tick", new Tick(), TICK);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeReported.class, r -> served(() -> {
          model.reported(r.report(), System.nanoTime());
          operators.reconcileMaintenance(r.report());
        }))
        .onMessage(MembershipChanged.class, m -> served(() ->
            model.membership(m.event()).ifPresent(a -> getContext().getLog().warn("member {} is unreachable", a))))
        .onMessage(VoterInfo.class, v -> served(() -> model.voterInfo(v.voter(), v.info())))
        .onMessage(Tick.class, t -> onTick())
        .onMessage(SagaEnded.class, e -> served(() -> sagas.ended(config.resource(e.resource()).orElseThrow(), e.sagaId(), e.outcome())))
        .onMessage(Switchover.class, s -> served(() -> operators.switchover(s)))
        .onMessage(Standby.class, s -> served(() -> operators.standby(s)))
        .onMessage(ForcePromote.class, f -> served(() -> operators.forcePromote(f)))
        .onMessage(FencePeer.class, f -> served(() -> fenceDesk.fencePeer(f)))
        .onMessage(FenceVotes.class, v -> served(() -> fenceDesk.votesCounted(v)))
        .onMessage(UnfencePeer.class, u -> served(() -> fenceDesk.unfencePeer(u)))
        .onMessage(ReplicaSplitBrain.class, d -> served(() -> fenceDesk.replicaSplitBrain(d)))
        .onMessage(Resolve.class, c -> served(() -> operators.resolve(c)))
        .onMessage(Maintenance.class, m -> served(() -> operators.maintenance(m)))
        .onMessage(Clear.class, c -> served(() -> operators.clear(c)))
        .onMessage(GetClusterStatus.class, g -> served(() -> g.replyTo().tell(status())))
        .onSignal(PostStop.class, s -> served(metrics::leaderStopped))
        .build();
  }

  /** A message handled on the leader's thread by the model or one of its desks. */
  private Behavior<Command> served(Runnable handler) {
    handler.run();
    return this;
  }

  /** Up (or weakly up), reachable, and reporting. */
  private boolean reachable(String node) {
    return model.reachable(node, System.nanoTime());
  }

  private boolean maintenance() {
    return model.maintenance(System.nanoTime());
  }

  private Behavior<Command> onTick() {
    for (Map.Entry<String, ActorRef<LeaseVoter.Command>> v : voters.byName().entrySet()) {
      for (Resource r : config.resources()) v.getValue().tell(new LeaseVoter.Inspect(r.name(), grantReplies.get(v.getKey())));
    }
    if (!coldStartDone) checkColdStart();
    long now = System.nanoTime();
    // What the leader sees before it decides on it: the history tells the cause before the failover.
    Map<String, Boolean> reachableNow = new LinkedHashMap<>();
    for (HanfsConfig.Node n : config.nodes()) reachableNow.put(n.name(), model.reachable(n.name(), now));
    history.members(reachableNow);
    for (Resource r : config.resources()) {
      for (HanfsConfig.Node n : config.nodes()) {
        if (n.isData()) history.holderLease(r.name(), n.name(), inputs.leaseLapsed(r, n.name()), model.epochOf(r.name(), n.name()));
      }
    }
    for (Resource r : config.resources()) {
      LeaderDecision.Input in = inputs.of(r, sagas.running(r.name(), now), sagas.retryPending(r.name(), now), sagas.heldElsewhere(r.name()),
          sagas.stopRetries(r.name()), coldStartDone, now);
      for (LeaderEffect e : LeaderDecision.decide(in, now)) apply(r, e);
    }
    if (ticks++ % 10 == 0) StatusView.export(metrics, config, model, inputs, now);
    return this;
  }

  private void checkColdStart() {
    long upVoters = config.voters().stream().filter(n -> reachable(n.name())).count();
    boolean majority = upVoters >= config.voters().size() / 2 + 1;
    // Settled: probed, with its ledger read. A node still probing (a slow disk, an emulated
    // CPU) is not eligible yet, and deciding then moved the resource away from its preferred
    // node in most of the VM lab's cold starts.
    boolean allDataSettled = config.nodes().stream().filter(HanfsConfig.Node::isData).allMatch(n -> model.settled(n.name()));
    if (majority && allDataSettled) {
      coldStartDone = true;
      getContext().getLog().info("cold start done: a majority is up and every data node reported its state (probed, ledger read)");
    } else if (majority && System.nanoTime() - startedNanos > COLD_START_TIMEOUT.toNanos()) {
      coldStartDone = true;
      getContext().getLog().warn("cold start: not every data node reported within {} s; deciding with the nodes that did", COLD_START_TIMEOUT.toSeconds());
    }
  }

  /** Carries out one effect of the decision. */
  private void apply(Resource r, LeaderEffect e) {
    if (e instanceof LeaderEffect.AbortSaga a) {
      sagas.abort(r.name(), a.why());
    } else if (e instanceof LeaderEffect.Decided d) {
      if (!d.text().equals(lastDecision.get(r.name()))) {
        if (d.loudness() == LeaderEffect.Loudness.WARN) getContext().getLog().warn("resource {}: {}", r.name(), d.text());
        if (d.loudness() == LeaderEffect.Loudness.INFO) getContext().getLog().info("resource {}: {}", r.name(), d.text());
      }
      lastDecision.put(r.name(), d.text());
      history.decided(r.name(), d);
    } else if (e instanceof LeaderEffect.Alarm a) {
      getContext().getLog().error("resource {}: {}", r.name(), a.message());
    } else if (e instanceof LeaderEffect.Remember m) {
      model.remember(m.fact());
    } else if (e instanceof LeaderEffect.RecordSplitBrain s) {
      NodeAgent.Report rep = model.report(s.node());
      if (rep != null) record(rep, r.name(), new LedgerEvent.SplitBrainDetected(s.peer(), s.mine(), s.theirs()));
    } else if (e instanceof LeaderEffect.Forget f) {
      model.forget(f.fact());
    } else if (e instanceof LeaderEffect.RecordPeerConnected c) {
      record(model.report(c.node()), r.name(), new LedgerEvent.PeerConnected(c.peer()));
    } else if (e instanceof LeaderEffect.RecordSyncCompleted c) {
      getContext().getLog().info("resource {}: {}", r.name(), c.why());
      record(model.report(c.node()), r.name(), new LedgerEvent.SyncCompleted(c.at(), c.lineage()));
    } else if (e instanceof LeaderEffect.ForgetHeldElsewhere) {
      sagas.forgetHeldElsewhere(r.name());
    } else if (e instanceof LeaderEffect.StartPromote p) {
      sagas.promote(r, p.node(), p.from(), Optional.empty(), Optional.empty());
    } else if (e instanceof LeaderEffect.StartDemote d) {
      sagas.demote(r, d.node(), d.thenPromote(), d.kind(), Optional.empty());
    } else if (e instanceof LeaderEffect.StartResolve s) {
      sagas.resolve(r, s.victim(), s.survivor(), Optional.of(s.split()), Optional.empty());
    }
  }

  /** A ledger event for one node, written by a LedgerWrite child that retries until it is recorded. */
  private void record(NodeAgent.Report node, String resource, LedgerEvent event) {
    long n = nextLedgerWrite++;
    if (event instanceof LedgerEvent.SplitBrainDetected s) {
      metrics.splitBrainNoted(resource, node.node());
      history.splitBrainFound(resource, node.node(), s.peer());
    }
    String writeId = LedgerWrite.writeId(ledgerWriteIncarnation, n, resource, node.node());
    getContext().spawn(LedgerWrite.create(node.agent(), node.node(), resource, event, writeId, model.stamp(0)), "ledger-write-" + n);
  }

  private ClusterStatus status() {
    long now = System.nanoTime();
    List<ResourceView> rv = new ArrayList<>();
    for (Resource r : config.resources()) {
      List<Placement.NodeView> views = inputs.views(r, now);
      rv.add(StatusView.resource(r, model, views, sagas.transition(r.name()), lastDecision.getOrDefault(r.name(), "none yet"), selfNode,
          inputs.gateVerdicts(r.name()), bans, now));
    }
    return new ClusterStatus(selfNode, maintenance(), coldStartDone, StatusView.members(config, model, now), rv);
  }
}
