package io.hanfs.node;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.sbr.Refusal;
import io.hanfs.persistence.EpochStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import io.hanfs.node.resource.lease.LeaseView;
import io.hanfs.node.resource.replication.SharedDiskLayer;
import io.hanfs.node.watchdog.WatchdogDevice;
import io.hanfs.node.watchdog.WatchdogFeeder;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * This node's truth: one ResourceAgent per configured resource (on data nodes), the latest
 * status of each, and the entry point for promote and demote requests.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  /** The dispatcher for actors that run blocking drivers (see reference.conf). */
  public static final String BLOCKING_DISPATCHER = "hanfs.blocking-dispatcher";
  public static final String WATCHDOG_DISPATCHER = "hanfs.watchdog-dispatcher";

  public sealed interface Command extends CborSerializable {}

  /**
   * A command of the cluster leader, stamped with its term and the resource's epoch as it knows
   * them; {@link LeaderFence} checks the stamp here, the one place, before the command goes on.
   */
  public record Fenced(
      LeaderFence.Stamp stamp,
      // The type id is on the envelope's field, so a bare Promote or Demote (a local operator's) serializes as before.
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
      @JsonSubTypes({
        @JsonSubTypes.Type(value = Promote.class, name = "Promote"),
        @JsonSubTypes.Type(value = Demote.class, name = "Demote"),
        @JsonSubTypes.Type(value = ResolveSplitBrain.class, name = "ResolveSplitBrain"),
        @JsonSubTypes.Type(value = RecordLedger.class, name = "RecordLedger")
      })
      LeaderCommand command) implements Command {}

  /** What only the cluster leader asks, always inside {@link Fenced}. */
  public sealed interface LeaderCommand extends CborSerializable {
    String resource();

    ActorRef<ResourceAgent.Reply> replyTo();
  }

  /**
   * Promote under {@code epoch} (0: this node's next epoch). Bare, it is a local operator's
   * command (the stack's own gate checks its epoch); the leader's come inside {@link Fenced}.
   */
  public record Promote(String resource, long epoch, java.util.Optional<ResourceAgent.Force> force, ActorRef<ResourceAgent.Reply> replyTo)
      implements Command, LeaderCommand {
    public Promote(String resource, long epoch, ActorRef<ResourceAgent.Reply> replyTo) {
      this(resource, epoch, java.util.Optional.empty(), replyTo);
    }
  }

  public record Demote(String resource, long epoch, ActorRef<ResourceAgent.Reply> replyTo) implements Command, LeaderCommand {}

  /** Data split brain: this node's copy of {@code resource} lost (discard) or won (keep). */
  public record ResolveSplitBrain(String resource, boolean discard, String peer, ActorRef<ResourceAgent.Reply> replyTo) implements LeaderCommand {}

  /**
   * Record a leader-decided event in this node's ledger of {@code resource}; a retry with the same
   * {@code writeId} is recorded once ("" = no id; one missing from an older leader's message reads as "").
   */
  public record RecordLedger(String resource, io.hanfs.persistence.ledger.LedgerEvent event, String writeId, ActorRef<ResourceAgent.Reply> replyTo)
      implements LeaderCommand {
    public RecordLedger {
      if (writeId == null) writeId = "";
    }

    public RecordLedger(String resource, io.hanfs.persistence.ledger.LedgerEvent event, ActorRef<ResourceAgent.Reply> replyTo) {
      this(resource, event, "", replyTo);
    }
  }

  public record GetStatus(ActorRef<NodeStatus> replyTo) implements Command {}

  /** Standby: this node must not hold resources (persisted on the node, reported to the leader). */
  public record SetStandby(boolean on, ActorRef<NodeStatus> replyTo) implements Command {}

  /** Maintenance: hanfs keeps monitoring but neither the leader nor the node acts (persisted). */
  public record SetMaintenance(boolean on, ActorRef<NodeStatus> replyTo) implements Command {}

  /** An operator cleared failures (hanfs clear): every resource's, or only {@code resource}'s. */
  public record ClearFailures(java.util.Optional<String> resource) implements Command {}

  private record ReportTick() implements Command, NoSerializationVerificationNeeded {}

  /**
   * What every node tells the cluster leader, twice a second and on every change.
   *
   * @param leaderTerm the highest leader term this node obeyed: a new leader takes a term above every one reported
   */
  public record Report(String node, ActorRef<Command> agent, boolean standby, boolean maintenance, List<ResourceStatus> resources,
      long leaderTerm) implements CborSerializable {
    public Report(String node, ActorRef<Command> agent, boolean standby, boolean maintenance, List<ResourceStatus> resources) {
      this(node, agent, standby, maintenance, resources, 0);
    }
  }

  /** Local only: the resource agents, e.g. to prepare a deliberate restart. */
  public record GetAgents(ActorRef<List<ActorRef<ResourceAgent.Command>>> replyTo) implements Command, NoSerializationVerificationNeeded {}

  /** Local only: a child's status, never sent across nodes. */
  private record StatusChanged(ResourceStatus status) implements Command, NoSerializationVerificationNeeded {}

  public record NodeStatus(String node, List<String> roles, boolean standby, boolean maintenance, List<ResourceStatus> resources)
      implements CborSerializable {}

  /**
   * @param ledgers run each resource's ledger (the daemon does; needs a journal configured)
   */
  public static Behavior<Command> create(HanfsConfig config, String nodeName, EpochStore epochs,
      BiFunction<Resource, LeaseView, LayerFactory.Stack> stacks, ActorRef<Report> reportTo, boolean ledgers) {
    return create(config, nodeName, epochs, stacks, reportTo, ledgers, java.util.Optional.empty(), io.hanfs.history.HistorySink.NONE);
  }

  /**
   * @param watchdog the node's watchdog device (hanfs.watchdog), fed by a child while shared disks are held here
   * @param history where the resources tell the cluster history their steps
   */
  public static Behavior<Command> create(HanfsConfig config, String nodeName, EpochStore epochs,
      BiFunction<Resource, LeaseView, LayerFactory.Stack> stacks, ActorRef<Report> reportTo, boolean ledgers,
      java.util.Optional<WatchdogDevice> watchdog, io.hanfs.history.HistorySink history) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay("report", new ReportTick(), java.time.Duration.ofMillis(500));
      return new NodeAgent(ctx, config, nodeName, epochs, stacks, reportTo, ledgers, watchdog, history);
    }));
  }

  private final HanfsConfig config;
  private final String nodeName;
  private final Map<String, ActorRef<ResourceAgent.Command>> agents = new LinkedHashMap<>();
  private final Map<String, ResourceStatus> statuses = new LinkedHashMap<>();
  private final ActorRef<Report> reportTo;
  private final NodeFlags flags;
  private ActorRef<WatchdogFeeder.Command> feeder;
  /** The highest leader term obeyed; kept in memory: after a restart the resources' epochs still fence stale leaders. */
  private long leaderTerm;

  private NodeAgent(ActorContext<Command> ctx, HanfsConfig config, String nodeName, EpochStore epochs,
      BiFunction<Resource, LeaseView, LayerFactory.Stack> stacks, ActorRef<Report> reportTo, boolean ledgers,
      java.util.Optional<WatchdogDevice> watchdog, io.hanfs.history.HistorySink history) {
    super(ctx);
    this.config = config;
    this.nodeName = nodeName;
    this.reportTo = reportTo;
    this.flags = new NodeFlags(config.stateDir().resolve("flags"));
    boolean data = config.node(nodeName).map(HanfsConfig.Node::isData).orElse(false);
    if (!data) return;
    Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_DISPATCHER));
    ActorRef<ResourceStatus> listener = ctx.messageAdapter(ResourceStatus.class, StatusChanged::new);
    ResourceAgent.LeaseSettings lease = new ResourceAgent.LeaseSettings(nodeName,
        io.hanfs.voter.Voters.atConfiguredAddresses(config, ctx.getSystem()), config.lease(), io.hanfs.voter.LeaseContract.of(config));
    List<WatchdogFeeder.Watched> watched = new ArrayList<>();
    for (Resource r : config.resources()) {
      LeaseView view = new LeaseView(config.lease().margin());
      LayerFactory.Stack stack = stacks.apply(r, view);
      watched.add(new WatchdogFeeder.Watched(r.name(), view,
          stack.layers().get("replication") instanceof SharedDiskLayer shared ? shared::inUse : null));
      java.util.Optional<Behavior<io.hanfs.persistence.ledger.ResourceLedger.Command>> ledger = ledgers
          ? java.util.Optional.of(io.hanfs.persistence.ledger.ResourceLedger.create(r.name(), nodeName)) : java.util.Optional.empty();
      agents.put(r.name(), ctx.spawn(ResourceAgent.create(r, stack.layers(), view, stack.onLeaseRenewed(), lease, epochs, listener, blocking, ledger, stack.splitBrain(), history),
          "resource-" + r.name(), DispatcherSelector.fromConfig(BLOCKING_DISPATCHER)));
    }
    if (flags.get("maintenance")) agents.values().forEach(a -> a.tell(new ResourceAgent.SetMaintenance(true)));
    // Its own thread: a busy blocking pool (fsck, mounts) must not delay a feed the lease allows.
    watchdog.ifPresent(w -> feeder = ctx.spawn(WatchdogFeeder.create(w, watched, config.lease().margin()), "watchdog",
        DispatcherSelector.fromConfig(WATCHDOG_DISPATCHER)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Fenced.class, this::onFenced)
        .onMessage(Promote.class, this::deliver)
        .onMessage(Demote.class, this::deliver)
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(nodeStatus());
          return this;
        })
        .onMessage(SetStandby.class, m -> {
          flags.set("standby", m.on());
          report();
          m.replyTo().tell(nodeStatus());
          return this;
        })
        .onMessage(SetMaintenance.class, m -> {
          flags.set("maintenance", m.on());
          agents.values().forEach(a -> a.tell(new ResourceAgent.SetMaintenance(m.on())));
          report();
          m.replyTo().tell(nodeStatus());
          return this;
        })
        .onMessage(ClearFailures.class, c -> {
          agents.forEach((name, a) -> {
            if (c.resource().isEmpty() || c.resource().get().equals(name)) a.tell(new ResourceAgent.ClearFailures());
          });
          return this;
        })
        .onMessage(ReportTick.class, t -> {
          report();
          return this;
        })
        .onMessage(GetAgents.class, g -> {
          g.replyTo().tell(List.copyOf(agents.values()));
          return this;
        })
        .onMessage(StatusChanged.class, s -> {
          ResourceStatus old = statuses.put(s.status().name(), s.status());
          if (feeder != null) feeder.tell(new WatchdogFeeder.Roles(Map.of(s.status().name(), s.status().role())));
          if (old == null || !old.role().equals(s.status().role()) || old.epoch() != s.status().epoch()
              || !old.ledger().equals(s.status().ledger()) || !old.disk().equals(s.status().disk())
              || !old.layers().equals(s.status().layers())) report();
          return this;
        })
        .build();
  }

  private Behavior<Command> onFenced(Fenced f) {
    LeaderCommand c = f.command();
    ResourceStatus known = statuses.get(c.resource());
    LeaderFence.Verdict v = LeaderFence.check(new LeaderFence.Facts(leaderTerm, known == null ? 0 : known.epoch()), f.stamp());
    if (!v.obeyed()) {
      Refusal r = v.refusal().get();
      getContext().getLog().warn("refused {} of {} from the leader: {}", c.getClass().getSimpleName(), c.resource(), r.message());
      c.replyTo().tell(new ResourceAgent.Refused(r));
      return this;
    }
    leaderTerm = v.highestTerm();
    return deliver(c);
  }

  private Behavior<Command> deliver(LeaderCommand c) {
    return forward(c.resource(), c.replyTo(), a -> a.tell(
        c instanceof Promote p ? new ResourceAgent.Promote(p.epoch(), p.force(), p.replyTo())
        : c instanceof Demote d ? new ResourceAgent.Demote(d.epoch(), d.replyTo())
        : c instanceof ResolveSplitBrain r ? (r.discard() ? new ResourceAgent.DiscardData(r.peer(), r.replyTo()) : new ResourceAgent.KeepData(r.peer(), r.replyTo()))
        : toAgent((RecordLedger) c)));
  }

  private static ResourceAgent.Command toAgent(RecordLedger r) {
    return new ResourceAgent.RecordLedger(r.event(), r.writeId(), r.replyTo());
  }

  private NodeStatus nodeStatus() {
    List<String> roles = config.node(nodeName).map(n -> n.roles().stream().map(x -> x.name().toLowerCase()).sorted().toList()).orElse(List.of());
    return new NodeStatus(nodeName, roles, flags.get("standby"), flags.get("maintenance"), new ArrayList<>(statuses.values()));
  }

  private void report() {
    reportTo.tell(new Report(nodeName, getContext().getSelf(), flags.get("standby"), flags.get("maintenance"), new ArrayList<>(statuses.values()),
        leaderTerm));
  }

  private Behavior<Command> forward(String resource, ActorRef<ResourceAgent.Reply> replyTo,
      java.util.function.Consumer<ActorRef<ResourceAgent.Command>> send) {
    ActorRef<ResourceAgent.Command> agent = agents.get(resource);
    if (agent == null) {
      replyTo.tell(new ResourceAgent.Refused(Refusal.Reason.UNKNOWN_RESOURCE, "no resource named \"" + resource + "\" on node " + nodeName
          + (agents.isEmpty() ? " (it has no resources)" : "; known: " + agents.keySet())));
    } else {
      send.accept(agent);
    }
    return this;
  }
}
