package io.hanfs.leader;

import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Placement;
import io.hanfs.sbr.Role;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.PromotionGate;
import io.hanfs.sbr.data.ReplicationFacts;
import io.hanfs.sbr.data.SplitBrainVerdict;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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
 * thinks is gone but still holds its lease) costs time, never a second active node.
 */
public final class Leader extends AbstractBehavior<Leader.Command> {

  public sealed interface Command extends CborSerializable {}

  public record NodeReported(NodeAgent.Report report) implements Command {}

  public record Switchover(String resource, Optional<String> to, ActorRef<ControlReply> replyTo) implements Command {}

  public record Standby(String node, boolean on, ActorRef<ControlReply> replyTo) implements Command {}

  /**
   * An operator's {@code hanfs promote RES --to NODE --force --reason TEXT}: promote although the
   * data gate refuses (recorded as Forced in the node's ledger). The lease still decides, and a
   * node that is active and reachable is never joined by a second one.
   */
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

  /** Local only: how many voters persisted a fence mark. */
  private record FenceVotes(String resource, String requester, String peer, Generation at, int acks, List<String> errors, ActorRef<FenceReply> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  /** An operator's {@code hanfs resolve RES --discard NODE [--force]}: end a data split brain by hand. */
  public record Resolve(String resource, String discard, boolean force, ActorRef<ControlReply> replyTo) implements Command {}

  public record ForcePromote(String resource, String to, String by, String reason, ActorRef<ControlReply> replyTo) implements Command {}

  public record Maintenance(boolean on, ActorRef<ControlReply> replyTo) implements Command {}

  /** hanfs clear: lift the bans and failure counts of a data node (every resource) or of a resource (every node). */
  public record Clear(String target, ActorRef<ControlReply> replyTo) implements Command {}

  public record GetClusterStatus(ActorRef<ClusterStatus> replyTo) implements Command {}

  /** The answer to an operator command: accepted (and what will happen) or refused (and why). */
  public record ControlReply(boolean accepted, int httpStatus, String message) implements CborSerializable {}

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

  private record StepDone(String resource, long sagaId, String node, String action, ResourceAgent.Reply reply, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** One running promotion, demotion or move of a resource. */
  private record Saga(long id, String kind, Optional<String> from, Optional<String> to, long fromEpoch, long startedNanos, Optional<ActorRef<ControlReply>> replyTo) {}

  /** The data gate's verdicts for one resource, kept for status. */
  private final Map<String, List<PromotionGate.Verdict>> gateVerdicts = new HashMap<>();
  /** Split brains already written to the ledgers ("resource/a/b/genA/genB"). */
  private final Set<String> splitBrainsNoted = new HashSet<>();
  /** Split brains resolved by this leader: not resolved again while the copies' reports catch up. */
  private final Set<String> splitBrainsResolved = new HashSet<>();
  private final Map<String, String> resolving = new HashMap<>();

  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration COLD_START_TIMEOUT = Duration.ofSeconds(60);

  public static Behavior<Command> create(HanfsConfig config, String selfNode) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Leader(ctx, timers, config, selfNode, Voters.atConfiguredAddresses(config, ctx.getSystem()))));
  }

  /** A leader that asks the given voters (tests that run all voters in one actor system). */
  public static Behavior<Command> create(HanfsConfig config, String selfNode, Voters voters) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Leader(ctx, timers, config, selfNode, voters)));
  }

  private final HanfsConfig config;
  private final String selfNode;
  private final long startedNanos = System.nanoTime();
  private final ClusterModel model;
  private final Replicas replicas;
  private final Map<String, Saga> sagas = new HashMap<>();
  private final Map<String, String> lastDecision = new HashMap<>();
  private final io.hanfs.sbr.PromotionBans bans = new io.hanfs.sbr.PromotionBans();
  /** Per resource: the last promotion found the data held by another holder (why); cleared by a success. */
  private final Map<String, String> heldElsewhere = new HashMap<>();
  private final Map<String, Long> retryAfter = new HashMap<>();
  private final Set<String> seenGrants = new HashSet<>();
  private final Voters voters;
  private boolean coldStartDone;
  private long nextSaga = 1;
  private long nextFenceVote = 1;
  private long nextLedgerWrite = 1;
  /** Prefixes this leader's ledger write ids: a restarted leader counts from 1 again. */
  private final String ledgerWriteIncarnation = java.util.UUID.randomUUID().toString();
  /** Per voter, the address its Inspect answers go to: an answer counts for that voter only. */
  private final Map<String, ActorRef<LeaseVoter.GrantInfo>> grantReplies = new LinkedHashMap<>();

  private Leader(ActorContext<Command> ctx, TimerScheduler<Command> timers, HanfsConfig config, String selfNode, Voters voters) {
    super(ctx);
    this.config = config;
    this.selfNode = selfNode;
    this.voters = voters;
    this.model = new ClusterModel(config);
    this.replicas = new Replicas(config, model);
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
        .onMessage(NodeReported.class, r -> {
          model.reported(r.report(), System.nanoTime());
          return this;
        })
        .onMessage(MembershipChanged.class, m -> {
          model.membership(m.event()).ifPresent(a -> getContext().getLog().warn("member {} is unreachable", a));
          return this;
        })
        .onMessage(VoterInfo.class, v -> {
          model.voterInfo(v.voter(), v.info());
          return this;
        })
        .onMessage(Tick.class, t -> onTick())
        .onMessage(StepDone.class, this::onStepDone)
        .onMessage(Switchover.class, this::onSwitchover)
        .onMessage(Standby.class, this::onStandby)
        .onMessage(ForcePromote.class, this::onForcePromote)
        .onMessage(FencePeer.class, this::onFencePeer)
        .onMessage(Resolve.class, this::onResolve)
        .onMessage(UnfencePeer.class, this::onUnfencePeer)
        .onMessage(ReplicaSplitBrain.class, this::onReplicaSplitBrain)
        .onMessage(FenceVotes.class, this::onFenceVotes)
        .onMessage(Maintenance.class, this::onMaintenance)
        .onMessage(Clear.class, this::onClear)
        .onMessage(GetClusterStatus.class, g -> {
          g.replyTo().tell(status());
          return this;
        })
        .build();
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
    if (!coldStartDone) {
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
    long now = System.nanoTime();
    for (Resource r : config.resources()) {
      Saga saga = sagas.get(r.name());
      if (saga != null) {
        // A command to a node that became unreachable will not be answered: decide again now.
        String waitingOn = saga.kind().equals("promote") ? saga.to().orElse("") : saga.from().orElse("");
        if (!waitingOn.isEmpty() && !reachable(waitingOn) && now - saga.startedNanos() > Duration.ofSeconds(1).toNanos()) {
          getContext().getLog().warn("resource {}: {} waits on {}, which became unreachable; deciding again", r.name(), saga.kind(), waitingOn);
          finish(r.name(), saga, false, waitingOn + " became unreachable during the " + saga.kind());
          continue;
        }
        if (now - saga.startedNanos() > r.operationTimeout().multipliedBy(4).toNanos()) {
          getContext().getLog().warn("resource {}: {} timed out; deciding again", r.name(), saga.kind());
          finish(r.name(), saga, false, saga.kind() + " timed out");
        }
        continue;
      }
      if (now < retryAfter.getOrDefault(r.name(), 0L)) continue;
      noteSplitBrainsFromLayers(r);
      if (handleSplitBrain(r)) continue;
      recordSecondariesInSync(r);
      decideAndAct(r);
    }
    return this;
  }

  private Optional<ResourceStatus> statusOf(Resource r, String node) {
    return model.statusOf(r.name(), node);
  }

  private List<Placement.NodeView> views(Resource r) {
    List<Placement.NodeView> out = new ArrayList<>();
    long now = System.nanoTime();
    Map<String, String> refusals = new HashMap<>();
    List<PromotionGate.Verdict> verdicts = PromotionGate.decideAll(gateInput(r));
    gateVerdicts.put(r.name(), verdicts);
    for (PromotionGate.Verdict v : verdicts) {
      if (v instanceof PromotionGate.Refuse x) refusals.put(x.node(), x.message());
    }
    for (HanfsConfig.Node n : config.nodes()) {
      if (!n.isData()) continue;
      NodeAgent.Report rep = model.report(n.name());
      Optional<ResourceStatus> st = statusOf(r, n.name());
      boolean banned = bans.banned(r.name(), n.name(), now);
      boolean reach = reachable(n.name()) && !leaseLapsed(r, n.name(), st);
      out.add(new Placement.NodeView(n.name(), reach, rep != null && rep.standby(), banned,
          st.map(ResourceStatus::role).orElse(Role.UNKNOWN), st.map(ResourceStatus::epoch).orElse(0L),
          reach ? refusals.getOrDefault(n.name(), "") : ""));
    }
    return out;
  }

  private Optional<Generation> fencedAt(String resource, String node) {
    return model.fencedAt(resource, node);
  }

  private Optional<String> peerOf(Resource r, String requester, Optional<String> named) {
    return replicas.peerOf(requester, named);
  }

  private Behavior<Command> onFencePeer(FencePeer f) {
    Optional<Resource> r = config.resource(f.resource());
    if (r.isEmpty() || r.get().replication().shared()) {
      f.replyTo().tell(new FenceReply(1, r.isEmpty() ? "no resource named " + f.resource() : f.resource() + " is on a shared disk: there is no peer copy to fence"));
      return this;
    }
    Optional<String> peer = peerOf(r.get(), f.requester(), f.peer());
    if (peer.isEmpty()) {
      f.replyTo().tell(new FenceReply(1, "cannot tell which data node is " + f.requester() + "'s peer" + f.peer().map(p -> " (\"" + p + "\" is not one)").orElse("")));
      return this;
    }
    Saga resolve = sagas.get(f.resource());
    if (resolve != null && resolve.kind().equals("resolve") && resolve.from().equals(Optional.of(f.requester()))) {
      // The split brain's victim goes Primary while disconnected only to save its changes
      // before discarding them: DRBD asks to fence the survivor, which must stay current.
      // 4 lets the victim's DRBD proceed; nothing is marked at the voters.
      f.replyTo().tell(new FenceReply(4, f.requester() + " is the split brain's victim opening its copy to save its changes; "
          + peer.get() + " is not fenced (no mark written)"));
      return this;
    }
    Optional<LedgerSummary> mine = statusOf(r.get(), f.requester()).flatMap(ResourceStatus::ledger);
    if (mine.isEmpty()) {
      f.replyTo().tell(new FenceReply(1, f.requester() + "'s ledger of " + f.resource() + " is not known to the leader yet"));
      return this;
    }
    Optional<ResourceStatus> peerStatus = statusOf(r.get(), peer.get());
    if (reachable(peer.get()) && peerStatus.map(st -> Role.HOLDING.contains(st.role())).orElse(false)) {
      f.replyTo().tell(new FenceReply(6, peer.get() + " is " + peerStatus.get().role().display() + " itself: refusing to outdate an active copy"));
      return this;
    }
    Generation at = mine.get().current().next();
    String resource = f.resource();
    String requester = f.requester();
    String peerName = peer.get();
    ActorRef<FenceReply> replyTo = f.replyTo();
    ActorRef<Command> self = getContext().getSelf();
    getContext().spawn(FenceVoteCollector.create(voters, resource, peerName, at, Duration.ofSeconds(5),
        o -> self.tell(new FenceVotes(resource, requester, peerName, at, o.recorded().size(), o.errors(), replyTo))),
        "fence-votes-" + nextFenceVote++);
    getContext().getLog().info("resource {}: fence-peer from {}: marking {} outdated at generation {} with the voters", resource, requester, peerName, at);
    return this;
  }

  private Behavior<Command> onFenceVotes(FenceVotes v) {
    int majority = config.voters().size() / 2 + 1;
    if (v.acks() < majority) {
      v.replyTo().tell(new FenceReply(1, "only " + v.acks() + " of " + config.voters().size() + " voters recorded the mark (need " + majority + ")"
          + (v.errors().isEmpty() ? "" : ": " + v.errors())));
      return this;
    }
    model.fenceRecorded(v.resource(), v.peer(), v.at());
    // The marks decide from now on; the ledgers keep the history (best effort: a node that is
    // cut off records its side when it is told again, and the marks stand meanwhile).
    NodeAgent.Report req = model.report(v.requester());
    if (req != null) record(req, v.resource(), new LedgerEvent.PeerOutdated(v.peer(), v.at()));
    NodeAgent.Report peer = model.report(v.peer());
    if (peer != null && reachable(v.peer())) record(peer, v.resource(), new LedgerEvent.Outdated(v.at()));
    getContext().getLog().warn("resource {}: {} is outdated (generation {} goes on on {}), recorded by {} voters", v.resource(), v.peer(), v.at(), v.requester(), v.acks());
    v.replyTo().tell(new FenceReply(4, v.peer() + " is outdated: " + v.acks() + " voters hold the mark; " + v.requester() + " writes on at generation " + v.at()));
    return this;
  }

  /**
   * DRBD found a split brain the ledgers may not show (without fencing both copies can carry the
   * same generation and still both have written): flag both copies; from then on the gate refuses
   * both and the policy (or an operator) resolves it like any other.
   */
  private Behavior<Command> onReplicaSplitBrain(ReplicaSplitBrain d) {
    Optional<Resource> r = config.resource(d.resource());
    Optional<String> peer = r.flatMap(res -> peerOf(res, d.reporter(), d.peer()));
    if (r.isEmpty() || peer.isEmpty()) {
      d.replyTo().tell(new FenceReply(1, "cannot tell the split brain's two nodes (" + d.reporter() + ", " + d.peer().orElse("?") + ")"));
      return this;
    }
    Saga saga = sagas.get(d.resource());
    if (saga != null && saga.kind().equals("resolve") && Set.of(d.reporter(), peer.get()).equals(Set.of(saga.from().orElse(""), saga.to().orElse("")))) {
      // DRBD's handshake during the victim's rejoin: the split brain this saga is resolving.
      d.replyTo().tell(new FenceReply(0, "split brain between " + d.reporter() + " and " + peer.get() + " is being resolved"));
      return this;
    }
    Long resolvedAt = splitBrainResolvedAt.get(pairKey(d.resource(), d.reporter(), peer.get()));
    if (resolvedAt != null && d.handlerAgeMillis().isPresent() && System.nanoTime() - d.handlerAgeMillis().getAsLong() * 1_000_000 < resolvedAt) {
      // DRBD ran this handler before the resolution ended: it reports the split brain just
      // resolved (a slow hook: a JVM on a small CPU took 27 s in the VM lab, the resolution less).
      String why = d.reporter() + "'s split-brain handler began " + d.handlerAgeMillis().getAsLong() / 1000 + " s ago, before the split brain between "
          + d.reporter() + " and " + peer.get() + " was resolved " + Duration.ofNanos(System.nanoTime() - resolvedAt).toSeconds() + " s ago";
      getContext().getLog().info("resource {}: {}: nothing recorded", d.resource(), why);
      d.replyTo().tell(new FenceReply(0, why + "; nothing recorded"));
      return this;
    }
    noteReplicaSplitBrain(r.get(), d.reporter(), peer.get());
    d.replyTo().tell(new FenceReply(0, "split brain between " + d.reporter() + " and " + peer.get() + " recorded; policy "
        + r.get().replication().splitBrainPolicy() + " decides"));
    return this;
  }

  private void noteReplicaSplitBrain(Resource r, String reporter, String peer) {
    getContext().getLog().error("resource {}: the replication reports a DATA SPLIT BRAIN between {} and {}", r.name(), reporter, peer);
    for (String[] pair : List.of(new String[] {reporter, peer}, new String[] {peer, reporter})) {
      NodeAgent.Report rep = model.report(pair[0]);
      Generation mine = statusOf(r, pair[0]).flatMap(ResourceStatus::ledger).map(LedgerSummary::current).orElse(Generation.NONE);
      Generation theirs = statusOf(r, pair[1]).flatMap(ResourceStatus::ledger).map(LedgerSummary::current).orElse(Generation.NONE);
      if (rep != null) record(rep, r.name(), new LedgerEvent.SplitBrainDetected(pair[1], mine, theirs));
    }
  }

  /** When (nanoTime) this leader last resolved a split brain between two copies ({@link #pairKey}). */
  private final Map<String, Long> splitBrainResolvedAt = new HashMap<>();

  private static String pairKey(String resource, String a, String b) {
    return resource + "/" + (a.compareTo(b) < 0 ? a + "/" + b : b + "/" + a);
  }

  /** Split brains the replication layers reported in their detail ("resource/node/generation"), noted once each. */
  private final Set<String> replicaSplitBrainsNoted = new HashSet<>();

  /**
   * A replication layer that saw the split brain itself (DRBD's "Split-Brain detected" in the
   * kernel log with the connection StandAlone) says so in its detail; treated as the handler call.
   */
  private void noteSplitBrainsFromLayers(Resource r) {
    if (r.replication().shared()) return;
    for (HanfsConfig.Node n : config.nodes()) {
      if (!n.isData() || !reachable(n.name())) continue;
      Optional<ResourceStatus> st = statusOf(r, n.name());
      if (st.isEmpty() || st.get().ledger().isEmpty() || st.get().ledger().get().splitBrain()) continue;
      if (!st.get().replication().map(ReplicationFacts::splitBrain).orElse(false)) continue;
      Optional<String> peer = peerOf(r, n.name(), Optional.empty());
      if (peer.isEmpty()) continue;
      if (replicaSplitBrainsNoted.add(r.name() + "/" + n.name() + "/" + st.get().ledger().get().current())) {
        noteReplicaSplitBrain(r, n.name(), peer.get());
      }
    }
  }

  /**
   * DRBD 9 runs unfence-peer on the primary once its peer resynced; DRBD 8.4's equivalent,
   * after-resync-target, runs on the copy that resynced. Either way the copy that is not primary
   * takes the primary's history.
   */
  private Behavior<Command> onUnfencePeer(UnfencePeer u) {
    Optional<Resource> r = config.resource(u.resource());
    Optional<String> other = r.flatMap(res -> peerOf(res, u.requester(), u.peer()));
    boolean requesterResynced = r.isPresent() && other.isPresent()
        && statusOf(r.get(), other.get()).map(st -> st.role() == Role.PRIMARY).orElse(false)
        && !statusOf(r.get(), u.requester()).map(st -> st.role() == Role.PRIMARY).orElse(false);
    String primaryNode = requesterResynced ? other.get() : u.requester();
    Optional<String> peer = requesterResynced ? Optional.of(u.requester()) : other;
    Optional<LedgerSummary> mine = r.flatMap(res -> statusOf(res, primaryNode)).flatMap(ResourceStatus::ledger);
    NodeAgent.Report peerReport = peer.map(model::report).orElse(null);
    if (r.isEmpty() || peer.isEmpty() || mine.isEmpty() || peerReport == null || !reachable(peer.get())) {
      u.replyTo().tell(new FenceReply(1, "cannot mark the peer current: " + (r.isEmpty() ? "unknown resource" : peer.isEmpty() ? "no peer"
          : mine.isEmpty() ? primaryNode + "'s ledger is not known" : peer.get() + " is not reachable")));
      return this;
    }
    LedgerSummary primary = mine.get();
    getContext().ask(ResourceAgent.Reply.class, peerReport.agent(), Duration.ofSeconds(15),
        reply -> new NodeAgent.RecordLedger(u.resource(), new LedgerEvent.SyncCompleted(primary.current(), primary.lineage()), reply),
        (reply, err) -> {
          u.replyTo().tell(reply instanceof ResourceAgent.Done
              ? new FenceReply(0, peer.get() + " resynced to generation " + primary.current() + "; its copy is current again")
              : new FenceReply(1, peer.get() + " did not record the resync: " + (err != null ? err.getMessage() : String.valueOf(reply))));
          return new Tick();
        });
    return this;
  }

  /** What the data promotion gate needs, from the nodes' latest reports. */
  private PromotionGate.Input gateInput(Resource r) {
    List<PromotionGate.NodeFacts> facts = new ArrayList<>();
    for (HanfsConfig.Node n : config.nodes()) {
      if (!n.isData()) continue;
      Optional<ResourceStatus> st = statusOf(r, n.name());
      boolean reach = reachable(n.name()) && st.isPresent();
      facts.add(new PromotionGate.NodeFacts(n.name(), reach, st.flatMap(ResourceStatus::ledger),
          st.map(x -> DiskState.fromDrbd(x.disk())).orElse(DiskState.UNKNOWN), fencedAt(r.name(), n.name())));
    }
    return new PromotionGate.Input(facts, r.replication().shared(), r.replication().fencing() == HanfsConfig.Fencing.RESOURCE_ONLY);
  }

  /**
   * The fastest sign that an active node is gone: this leader's own voter (on this node) held the
   * node's grant for its current epoch and holds it no more, i.e. the node did not renew for a
   * whole lease. Absence of a grant it never saw proves nothing (the voter may not have been
   * asked yet). A node that still has a majority elsewhere keeps its lease; promoting another
   * node then simply fails.
   */
  private boolean leaseLapsed(Resource r, String node, Optional<ResourceStatus> st) {
    if (st.isEmpty() || st.get().role() != Role.PRIMARY) return false;
    LeaseVoter.GrantInfo mine = model.grants(r.name()).get(selfNode);
    if (mine == null) return false;
    boolean holdsNow = mine.holder().map(h -> h.equals(node)).orElse(false) && mine.epoch() == st.get().epoch();
    String key = r.name() + "/" + node + "/" + st.get().epoch();
    if (holdsNow) {
      seenGrants.add(key);
      return false;
    }
    return seenGrants.contains(key);
  }

  /** The ledger writes the copies' replication calls for (a link up, a secondary in sync). */
  private void recordSecondariesInSync(Resource r) {
    for (Replicas.Write w : replicas.syncWrites(r, System.nanoTime())) {
      if (!w.why().isEmpty()) getContext().getLog().info("resource {}: {}", r.name(), w.why());
      record(model.report(w.node()), r.name(), w.event());
    }
  }

  /**
   * A data split brain (two copies that both wrote after the same generation): note it in both
   * ledgers, then resolve it by the configured policy, or wait for an operator. Returns true when
   * it took over this tick (placement waits until the split brain is over).
   */
  private boolean handleSplitBrain(Resource r) {
    Optional<List<String>> pair = replicas.divergedPair(r, System.nanoTime());
    if (pair.isEmpty()) return false;
    String a = pair.get().get(0);
    String b = pair.get().get(1);
    LedgerSummary la = statusOf(r, a).flatMap(ResourceStatus::ledger).orElseThrow();
    LedgerSummary lb = statusOf(r, b).flatMap(ResourceStatus::ledger).orElseThrow();
    String key = r.name() + "/" + a + "/" + b + "/" + la.current() + "/" + lb.current();
    if (splitBrainsResolved.contains(key)) {
      lastDecision.put(r.name(), "Wait[why=split brain resolved; waiting for the copies to report their new history]");
      return true;
    }
    // Both ledgers already say so (DRBD's handler or an earlier leader): nothing to note again.
    if (splitBrainsNoted.add(key) && !(la.splitBrain() && lb.splitBrain())) {
      getContext().getLog().error("resource {}: DATA SPLIT BRAIN: {} ({}) and {} ({}) both wrote after generation {}", r.name(), a, la.current(), b,
          lb.current(), la.commonBase(lb));
      record(model.report(a), r.name(), new LedgerEvent.SplitBrainDetected(b, la.current(), lb.current()));
      record(model.report(b), r.name(), new LedgerEvent.SplitBrainDetected(a, lb.current(), la.current()));
    }
    if (maintenance()) return true;
    SplitBrainVerdict.Policy policy = SplitBrainVerdict.Policy.fromConfig(r.replication().splitBrainPolicy()).orElse(SplitBrainVerdict.Policy.DISCONNECT);
    SplitBrainVerdict.Verdict v = SplitBrainVerdict.decide(policy, replicas.side(r, a, b), replicas.side(r, b, a));
    String text = v instanceof SplitBrainVerdict.Discard d
        ? "Resolve[split brain between " + a + " and " + b + ", policy " + policy.configName + ": discard " + d.victim() + " (" + d.why() + ")]"
        : "Wait[why=data split brain between " + a + " (" + la.current() + ") and " + b + " (" + lb.current() + "), policy " + policy.configName
            + ": " + ((SplitBrainVerdict.Manual) v).why() + "]";
    if (!text.equals(lastDecision.get(r.name()))) getContext().getLog().warn("resource {}: {}", r.name(), text);
    lastDecision.put(r.name(), text);
    if (v instanceof SplitBrainVerdict.Discard d) {
      resolving.put(r.name(), key);
      startResolve(r, d.victim(), d.survivor(), Optional.empty());
    }
    return true;
  }

  /** Victim demoted first if it serves; then it saves and discards its changes; then the survivor reconnects. */
  private void startResolve(Resource r, String victim, String survivor, Optional<ActorRef<ControlReply>> replyTo) {
    Role victimRole = statusOf(r, victim).map(ResourceStatus::role).orElse(Role.UNKNOWN);
    if (Role.HOLDING.contains(victimRole)) {
      startDemote(r, victim, Optional.empty(), "split-brain demote", Optional.empty());
      replyTo.ifPresent(x -> x.tell(new ControlReply(false, 409, victim + " is " + victimRole.display() + "; demoting it first, run the command again when it is secondary")));
      return;
    }
    NodeAgent.Report rep = model.report(victim);
    // This split brain is being resolved: the DRBD layers keep showing it until the victim's
    // discarding connection arrives, which must not flag the copies again.
    Optional<Generation> kept = statusOf(r, survivor).flatMap(ResourceStatus::ledger).map(LedgerSummary::current);
    kept.ifPresent(g -> List.of(victim, survivor).forEach(n -> replicaSplitBrainsNoted.add(r.name() + "/" + n + "/" + g)));
    statusOf(r, victim).flatMap(ResourceStatus::ledger).ifPresent(l -> replicaSplitBrainsNoted.add(r.name() + "/" + victim + "/" + l.current()));
    Saga saga = new Saga(nextSaga++, "resolve", Optional.of(victim), Optional.of(survivor), 0, System.nanoTime(), replyTo);
    sagas.put(r.name(), saga);
    getContext().getLog().warn("resource {}: resolving the split brain: {} saves its changes and discards them, {} keeps its data", r.name(), victim, survivor);
    getContext().ask(ResourceAgent.Reply.class, rep.agent(), r.operationTimeout().multipliedBy(4),
        reply -> new NodeAgent.ResolveSplitBrain(r.name(), true, survivor, reply),
        (reply, failure) -> new StepDone(r.name(), saga.id(), victim, "discard", reply, failure));
  }

  private Behavior<Command> onResolve(Resolve c) {
    Optional<Resource> r = config.resource(c.resource());
    if (r.isEmpty()) {
      c.replyTo().tell(new ControlReply(false, 404, "no resource named \"" + c.resource() + "\"; known: " + config.resources().stream().map(Resource::name).toList()));
      return this;
    }
    if (r.get().replication().shared()) {
      c.replyTo().tell(new ControlReply(false, 400, c.resource() + " is on a shared disk: one copy, no split brain to resolve"));
      return this;
    }
    Optional<HanfsConfig.Node> n = config.node(c.discard());
    if (n.isEmpty() || !n.get().isData()) {
      c.replyTo().tell(new ControlReply(false, 400, "\"" + c.discard() + "\" is not a data node; use one of "
          + config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name).toList()));
      return this;
    }
    Optional<String> keep = peerOf(r.get(), c.discard(), Optional.empty());
    if (sagas.containsKey(c.resource())) {
      c.replyTo().tell(new ControlReply(false, 409, "a " + sagas.get(c.resource()).kind() + " of " + c.resource() + " is in progress; retry when it ends"));
      return this;
    }
    Optional<LedgerSummary> victim = statusOf(r.get(), c.discard()).flatMap(ResourceStatus::ledger).filter(x -> reachable(c.discard()));
    Optional<LedgerSummary> survivor = keep.flatMap(k -> statusOf(r.get(), k).flatMap(ResourceStatus::ledger).filter(x -> reachable(k)));
    if (keep.isEmpty() || victim.isEmpty() || survivor.isEmpty()) {
      c.replyTo().tell(new ControlReply(false, 409, "both copies must be reachable with known ledgers to resolve a split brain"));
      return this;
    }
    Optional<String> refusal = SplitBrainVerdict.checkManualDiscard(victim.get(), survivor.get(), c.force());
    if (refusal.isPresent()) {
      c.replyTo().tell(new ControlReply(false, 409, refusal.get()));
      return this;
    }
    if (c.force()) {
      record(model.report(c.discard()), c.resource(), new LedgerEvent.Forced("resolve", "discard " + c.discard() + " by hand", victim.get().lastEpoch()));
    }
    replicas.divergedPair(r.get(), System.nanoTime()).ifPresent(p -> resolving.put(c.resource(), c.resource() + "/" + p.get(0) + "/" + p.get(1) + "/"
        + statusOf(r.get(), p.get(0)).flatMap(ResourceStatus::ledger).orElseThrow().current() + "/"
        + statusOf(r.get(), p.get(1)).flatMap(ResourceStatus::ledger).orElseThrow().current()));
    startResolve(r.get(), c.discard(), keep.get(), Optional.of(c.replyTo()));
    return this;
  }

  private void decideAndAct(Resource r) {
    List<Placement.NodeView> views = views(r);
    Placement.Decision d = Placement.decide(new Placement.Input(views, r.preferredNode(), r.failback(), maintenance(), coldStartDone,
        r.replication().shared() && config.watchdog().isEmpty() && r.replication().fencing() != HanfsConfig.Fencing.SCSI_RESERVATION));
    String extra = "";
    if (d instanceof Placement.Wait) {
      // A ban that leaves no candidate is said, with how to lift it.
      for (io.hanfs.sbr.PromotionBans.Ban b : bans.active(System.nanoTime())) {
        if (b.resource().equals(r.name()) && views.stream().anyMatch(v -> v.name().equals(b.node()) && v.reachable() && !v.standby())) {
          extra += "; " + b.node() + " is banned until " + java.time.Instant.ofEpochMilli(b.untilEpochMillis()) + " (" + b.reason()
              + "): hanfs clear " + b.node() + " lifts it";
        }
      }
    }
    if (d instanceof Placement.Stay) heldElsewhere.remove(r.name());
    else if (heldElsewhere.containsKey(r.name())) extra += "; last try: " + heldElsewhere.get(r.name());
    String text = d instanceof Placement.Wait w ? new Placement.Wait(w.why() + extra).toString() : d + extra;
    if (!text.equals(lastDecision.get(r.name())) && !(d instanceof Placement.Stay)) {
      getContext().getLog().info("resource {}: {}", r.name(), text);
    }
    lastDecision.put(r.name(), text);
    if (d instanceof Placement.Promote p) {
      startPromote(r, p.node(), Optional.empty(), Optional.empty());
    } else if (d instanceof Placement.Move m) {
      if (m.fromReachable()) startDemote(r, m.from(), Optional.of(m.to()), "move", Optional.empty());
      else startPromote(r, m.to(), Optional.of(m.from()), Optional.empty());
    } else if (d instanceof Placement.DemoteExtra x) {
      startDemote(r, x.node(), Optional.empty(), "demote-extra", Optional.empty());
    }
  }

  private long epochOf(String resource, String node) {
    return model.epochOf(resource, node);
  }

  private void startPromote(Resource r, String to, Optional<String> from, Optional<ActorRef<ControlReply>> replyTo) {
    startPromote(r, to, from, replyTo, Optional.empty());
  }

  private void startPromote(Resource r, String to, Optional<String> from, Optional<ActorRef<ControlReply>> replyTo, Optional<ResourceAgent.Force> force) {
    NodeAgent.Report rep = model.report(to);
    long epoch = model.nextEpoch(r.name());
    Saga saga = new Saga(nextSaga++, "promote", from, Optional.of(to), 0, System.nanoTime(), replyTo);
    sagas.put(r.name(), saga);
    getContext().getLog().info("resource {}: promoting {} under epoch {}{}{}", r.name(), to, epoch,
        from.map(f -> " (" + f + " is gone; the lease keeps it safe)").orElse(""),
        force.map(f -> ", FORCED by " + f.by() + ": " + f.reason()).orElse(""));
    Duration timeout = r.operationTimeout().multipliedBy(4);
    getContext().ask(ResourceAgent.Reply.class, rep.agent(), timeout, reply -> new NodeAgent.Promote(r.name(), epoch, force, reply),
        (reply, failure) -> new StepDone(r.name(), saga.id(), to, "promote", reply, failure));
  }

  private void startDemote(Resource r, String node, Optional<String> thenPromote, String kind, Optional<ActorRef<ControlReply>> replyTo) {
    NodeAgent.Report rep = model.report(node);
    long epoch = epochOf(r.name(), node);
    Saga saga = new Saga(nextSaga++, kind, Optional.of(node), thenPromote, epoch, System.nanoTime(), replyTo);
    sagas.put(r.name(), saga);
    getContext().getLog().info("resource {}: demoting {} (epoch {}){}", r.name(), node, epoch, thenPromote.map(t -> ", then promoting " + t).orElse(""));
    getContext().ask(ResourceAgent.Reply.class, rep.agent(), r.operationTimeout().multipliedBy(4), reply -> new NodeAgent.Demote(r.name(), epoch, reply),
        (reply, failure) -> new StepDone(r.name(), saga.id(), node, "demote", reply, failure));
  }

  private Behavior<Command> onStepDone(StepDone d) {
    Saga saga = sagas.get(d.resource());
    if (saga == null || saga.id() != d.sagaId()) return this;
    Resource r = config.resource(d.resource()).orElseThrow();
    boolean ok = d.failure() == null && d.reply() instanceof ResourceAgent.Done;
    String why = d.failure() != null ? "no answer: " + d.failure().getMessage()
        : d.reply() instanceof ResourceAgent.Failed f ? f.message()
        : d.reply() instanceof ResourceAgent.Refused x ? x.reason() + ": " + x.message() : "done";
    if (d.action().equals("keep") && ok) {
      // The victim now resyncs from the survivor: it takes the survivor's history (so the two no
      // longer diverge) and stays unpromotable until the resync completes (unfence-peer).
      String victim = saga.from().orElseThrow();
      Optional.ofNullable(resolving.remove(r.name())).ifPresent(splitBrainsResolved::add);
      splitBrainResolvedAt.put(pairKey(r.name(), victim, d.node()), System.nanoTime());
      statusOf(r, d.node()).flatMap(ResourceStatus::ledger).ifPresent(kept -> {
        // The survivor's DRBD stays StandAlone with "Split-Brain detected but unresolved" as the
        // kernel's latest word until the victim's connection arrives: that is this split brain,
        // not a new one (the VM lab saw it noted again and both copies flagged at one generation).
        replicaSplitBrainsNoted.add(r.name() + "/" + d.node() + "/" + kept.current());
        replicaSplitBrainsNoted.add(r.name() + "/" + victim + "/" + kept.current());
        NodeAgent.Report v = model.report(victim);
        if (v != null) record(v, r.name(), new LedgerEvent.SyncStarted(d.node(), kept.current(), kept.lineage()));
      });
    }
    if (d.action().equals("discard") && ok) {
      // The victim saved and discarded its changes; now the survivor reconnects.
      String survivor = saga.to().orElseThrow();
      getContext().ask(ResourceAgent.Reply.class, model.report(survivor).agent(), r.operationTimeout().multipliedBy(2),
          reply -> new NodeAgent.ResolveSplitBrain(r.name(), false, d.node(), reply),
          (reply, failure) -> new StepDone(r.name(), saga.id(), survivor, "keep", reply, failure));
      return this;
    }
    if (d.action().equals("demote") && ok && saga.to().isPresent()) {
      sagas.remove(d.resource());
      startPromote(r, saga.to().get(), Optional.empty(), saga.replyTo());
      return this;
    }
    if (!ok && d.action().equals("promote") && d.reply() instanceof ResourceAgent.Failed f) {
      if (f.heldElsewhere()) {
        // Another holder still has the data (a frozen node's mount, DRBD's Primary peer): not
        // this node's failure. No ban; the next decision retries.
        String holder = views(r).stream().filter(v -> !v.name().equals(d.node())).max(java.util.Comparator.comparingLong(Placement.NodeView::epoch))
            .map(Placement.NodeView::name).orElse("another node");
        heldElsewhere.put(d.resource(), "held by " + holder + ", waiting for its lease to lapse / its fence step (" + d.node() + ": " + f.message() + ")");
        getContext().getLog().warn("resource {}: promotion on {} found the data {}", d.resource(), d.node(), heldElsewhere.get(d.resource()));
      } else {
        // A failure can be a passing fault: retry once; a second failure in a row bans the node.
        bans.promoteFailed(d.resource(), d.node(), f.message(), System.nanoTime(), System.currentTimeMillis(), r.failureTimeout())
            .ifPresent(b -> getContext().getLog().warn("resource {}: {} is banned until {}: {}; hanfs clear {} lifts it",
                d.resource(), d.node(), java.time.Instant.ofEpochMilli(b.untilEpochMillis()), b.reason(), d.node()));
      }
    } else if (ok && d.action().equals("promote")) {
      bans.promoted(d.resource(), d.node());
      heldElsewhere.remove(d.resource());
    }
    if (!ok) {
      getContext().getLog().warn("resource {}: {} on {} failed: {}", d.resource(), d.action(), d.node(), why);
      // A split-brain step that failed (DRBD refused, the rescue copy failed) needs a look more
      // than a retry every second: status shows why meanwhile.
      boolean resolveStep = d.action().equals("discard") || d.action().equals("keep");
      retryAfter.put(d.resource(), System.nanoTime() + (resolveStep ? Duration.ofSeconds(30) : Duration.ofMillis(1000)).toNanos());
    }
    finish(d.resource(), saga, ok, d.action() + " on " + d.node() + ": " + why);
    return this;
  }

  private void finish(String resource, Saga saga, boolean ok, String message) {
    sagas.remove(resource);
    saga.replyTo().ifPresent(r -> r.tell(new ControlReply(ok, ok ? 200 : 500, message)));
  }

  /** A ledger event for one node, written by a LedgerWrite child that retries until it is recorded. */
  private void record(NodeAgent.Report node, String resource, LedgerEvent event) {
    long n = nextLedgerWrite++;
    String writeId = LedgerWrite.writeId(ledgerWriteIncarnation, n, resource, node.node());
    getContext().spawn(LedgerWrite.create(node.agent(), node.node(), resource, event, writeId), "ledger-write-" + n);
  }

  private Behavior<Command> onSwitchover(Switchover s) {
    Optional<Resource> r = config.resource(s.resource());
    if (r.isEmpty()) {
      s.replyTo().tell(new ControlReply(false, 404, "no resource named \"" + s.resource() + "\"; known: " + config.resources().stream().map(Resource::name).toList()));
      return this;
    }
    if (s.to().isPresent()) {
      Optional<HanfsConfig.Node> target = config.node(s.to().get());
      if (target.isEmpty() || !target.get().isData()) {
        s.replyTo().tell(new ControlReply(false, 400, "\"" + s.to().get() + "\" is not a data node; use one of "
            + config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name).toList()));
        return this;
      }
    }
    if (sagas.containsKey(s.resource())) {
      s.replyTo().tell(new ControlReply(false, 409, "a " + sagas.get(s.resource()).kind() + " of " + s.resource() + " is in progress; retry when it ends"));
      return this;
    }
    if (maintenance()) {
      s.replyTo().tell(new ControlReply(false, 409, "the cluster is in maintenance mode; turn it off first"));
      return this;
    }
    io.hanfs.sbr.SwitchoverPlan.Plan plan = io.hanfs.sbr.SwitchoverPlan.plan(s.resource(), views(r.get()), s.to());
    if (plan instanceof io.hanfs.sbr.SwitchoverPlan.SwitchTo go) {
      startDemote(r.get(), go.from(), Optional.of(go.to()), "switchover", Optional.of(s.replyTo()));
    } else if (plan instanceof io.hanfs.sbr.SwitchoverPlan.Refused no) {
      s.replyTo().tell(new ControlReply(false, 409, no.why()));
    }
    return this;
  }

  private Behavior<Command> onForcePromote(ForcePromote f) {
    Optional<Resource> r = config.resource(f.resource());
    if (r.isEmpty()) {
      f.replyTo().tell(new ControlReply(false, 404, "no resource named \"" + f.resource() + "\"; known: " + config.resources().stream().map(Resource::name).toList()));
      return this;
    }
    Optional<HanfsConfig.Node> target = config.node(f.to());
    if (target.isEmpty() || !target.get().isData()) {
      f.replyTo().tell(new ControlReply(false, 400, "\"" + f.to() + "\" is not a data node; use one of "
          + config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name).toList()));
      return this;
    }
    if (sagas.containsKey(f.resource())) {
      f.replyTo().tell(new ControlReply(false, 409, "a " + sagas.get(f.resource()).kind() + " of " + f.resource() + " is in progress; retry when it ends"));
      return this;
    }
    if (maintenance()) {
      f.replyTo().tell(new ControlReply(false, 409, "the cluster is in maintenance mode; turn it off first"));
      return this;
    }
    List<Placement.NodeView> views = views(r.get());
    Placement.NodeView to = views.stream().filter(v -> v.name().equals(f.to())).findFirst().orElseThrow();
    if (!to.reachable() || model.report(f.to()) == null) {
      f.replyTo().tell(new ControlReply(false, 409, f.to() + " is not reachable; a forced promotion needs the node itself"));
      return this;
    }
    Optional<Placement.NodeView> active = views.stream().filter(v -> v.reachable() && Role.HOLDING.contains(v.role())).findFirst();
    if (active.isPresent()) {
      f.replyTo().tell(new ControlReply(false, 409, f.resource() + " is " + active.get().role().display() + " on " + active.get().name()
          + "; --force never makes a second active node: demote it or use switchover"));
      return this;
    }
    Optional<String> unreachableHolder = views.stream().filter(v -> !v.reachable() && Role.HOLDING.contains(v.role())).map(Placement.NodeView::name).findFirst();
    getContext().getLog().warn("resource {}: forced promotion of {} by {} ({}); the data gate said: {}", f.resource(), f.to(), f.by(), f.reason(),
        to.dataRefusal().isEmpty() ? "allowed" : to.dataRefusal());
    startPromote(r.get(), f.to(), unreachableHolder, Optional.of(f.replyTo()), Optional.of(new ResourceAgent.Force(f.by(), f.reason())));
    return this;
  }

  private Behavior<Command> onStandby(Standby s) {
    Optional<HanfsConfig.Node> n = config.node(s.node());
    if (n.isEmpty() || !n.get().isData()) {
      s.replyTo().tell(new ControlReply(false, n.isEmpty() ? 404 : 400, "\"" + s.node() + "\" is not a data node; use one of "
          + config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name).toList()));
      return this;
    }
    NodeAgent.Report rep = model.report(s.node());
    if (rep == null || !reachable(s.node())) {
      s.replyTo().tell(new ControlReply(false, 409, s.node() + " is not reachable; its standby flag is kept on the node itself"));
      return this;
    }
    if (rep.standby() == s.on()) {
      s.replyTo().tell(new ControlReply(true, 200, s.node() + " is already " + (s.on() ? "in standby" : "out of standby")));
      return this;
    }
    rep.agent().tell(new NodeAgent.SetStandby(s.on(), getContext().getSystem().ignoreRef()));
    s.replyTo().tell(new ControlReply(true, 200, s.node() + (s.on() ? " goes into standby; its resources move away" : " is out of standby")));
    return this;
  }

  private Behavior<Command> onClear(Clear c) {
    boolean node = config.node(c.target()).map(HanfsConfig.Node::isData).orElse(false);
    boolean resource = config.resource(c.target()).isPresent();
    if (node == resource) {
      c.replyTo().tell(new ControlReply(false, node ? 400 : 404, node
          ? "\"" + c.target() + "\" names both a data node and a resource; rename one of them"
          : "\"" + c.target() + "\" is neither a data node nor a resource; use one of "
              + config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name).toList() + " or "
              + config.resources().stream().map(Resource::name).toList()));
      return this;
    }
    List<io.hanfs.sbr.PromotionBans.Ban> cleared = bans.clear(c.target(), System.nanoTime());
    List<String> told = new ArrayList<>();
    for (HanfsConfig.Node n : config.nodes()) {
      NodeAgent.Report rep = model.report(n.name());
      if (!n.isData() || rep == null || !reachable(n.name()) || node && !n.name().equals(c.target())) continue;
      rep.agent().tell(new NodeAgent.ClearFailures(resource ? Optional.of(c.target()) : Optional.empty()));
      told.add(n.name());
    }
    retryAfter.clear();
    getContext().getLog().warn("operator cleared {}: bans {}, failure counts reset on {}", c.target(), cleared, told);
    c.replyTo().tell(new ControlReply(true, 200, (cleared.isEmpty() ? "no ban on " + c.target() + " to lift"
        : "lifted " + cleared.stream().map(b -> b.resource() + " on " + b.node()).toList())
        + "; failure counts reset on " + (told.isEmpty() ? "no reachable node" : told)));
    return this;
  }

  private Behavior<Command> onMaintenance(Maintenance m) {
    List<String> unreached = new ArrayList<>();
    for (HanfsConfig.Node n : config.nodes()) {
      NodeAgent.Report rep = model.report(n.name());
      if (rep != null && reachable(n.name())) rep.agent().tell(new NodeAgent.SetMaintenance(m.on(), getContext().getSystem().ignoreRef()));
      else unreached.add(n.name());
    }
    m.replyTo().tell(new ControlReply(true, 200, "maintenance " + (m.on() ? "on" : "off") + (unreached.isEmpty() ? "" : "; not reached: " + unreached)));
    return this;
  }

  private ClusterStatus status() {
    long now = System.nanoTime();
    List<ResourceView> rv = new ArrayList<>();
    for (Resource r : config.resources()) {
      List<Placement.NodeView> views = views(r);
      Saga saga = sagas.get(r.name());
      Optional<String> transition = saga == null ? Optional.empty()
          : Optional.of(saga.kind() + saga.from().map(f -> " from " + f).orElse("") + saga.to().map(t -> " to " + t).orElse(""));
      rv.add(StatusView.resource(r, model, views, transition, lastDecision.getOrDefault(r.name(), "none yet"), selfNode,
          gateVerdicts.getOrDefault(r.name(), List.of()), bans, now));
    }
    return new ClusterStatus(selfNode, maintenance(), coldStartDone, StatusView.members(config, model, now), rv);
  }
}
