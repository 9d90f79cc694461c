package io.hanfs.app;

import io.hanfs.config.HanfsConfig;
import io.hanfs.leader.Leader;
import io.hanfs.membership.IslandGuard;
import io.hanfs.membership.JoinCoordinator;
import io.hanfs.node.LayerFactory;
import io.hanfs.node.NodeAgent;
import io.hanfs.persistence.EpochStore;
import io.hanfs.persistence.ledger.LedgerStore;
import io.hanfs.voter.LeaseVoter;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The root of one node's actor tree: this node's LeaseVoter (every node votes), its NodeAgent
 * (data nodes run their resources there; the witness runs none), the proxy to the cluster
 * leader singleton, to which the NodeAgent reports, the JoinCoordinator, which makes the node a
 * member, and the IslandGuard, which has the node leave a cluster of its own (the last resort).
 */
public final class NodeGuardian {
  private NodeGuardian() {}

  /** Handles to the node's long-lived actors, for the HTTP routes and JMX. */
  public record Handles(ActorRef<NodeAgent.Command> agent, ActorRef<Leader.Command> leader, ActorRef<io.hanfs.history.EventHub.Command> history) {}

  /** The newest history events each node's journal keeps at least. */
  static final int HISTORY_EVENTS = 20_000;

  /** The guardian's only message: the ledger schema is there (or could not be made). */
  public sealed interface Command {}

  /** How often a node whose cluster lacks a majority asks its peers whether it formed a cluster of its own. */
  static final java.time.Duration ISLAND_CHECK = java.time.Duration.ofSeconds(10);

  /** How often a node in no cluster asks its peers whether they are in one. */
  static final java.time.Duration JOIN_ROUND = java.time.Duration.ofSeconds(1);

  private record SchemaReady(java.util.Optional<Throwable> failure) implements Command {}

  public static Behavior<Command> create(HanfsConfig config, String nodeName, EpochStore epochs, EpochStore voterEpochs,
      LayerFactory layers, java.util.function.Consumer<Handles> ready) {
    return Behaviors.setup(ctx -> {
      // The alert hooks get the events this node saw; a slow hook only fills its own queue.
      java.util.Optional<ActorRef<io.hanfs.alerts.AlertDispatcher.Command>> alerts = config.alerts()
          .map(a -> ctx.spawn(io.hanfs.alerts.AlertDispatcher.create(a, config.clusterName()), "alerts"));
      ActorRef<io.hanfs.history.EventHub.Command> hub = ctx.spawn(io.hanfs.history.EventHub.create(nodeName, HISTORY_EVENTS,
          event -> alerts.ifPresent(d -> d.tell(new io.hanfs.alerts.AlertDispatcher.Publish(event)))), "history");
      io.hanfs.history.HistorySink history = io.hanfs.history.HistorySink.to(hub);
      ctx.spawn(LeaseVoter.create(nodeName, voterEpochs, config.stateDir().resolve("voter-extensions"),
          io.hanfs.voter.LeaseContract.of(config), config.lease().restartGrace()), "voter");
      // With a witness, the leader runs there: whenever a data node fails, the majority that can act
      // includes the witness, and the leader is never lost together with the active data node.
      SingletonActor<Leader.Command> singleton = SingletonActor.of(
          Behaviors.supervise(Leader.create(config, nodeName, history)).onFailure(SupervisorStrategy.restart()), "leader");
      if (config.nodes().stream().anyMatch(n -> n.roles().contains(HanfsConfig.Role.WITNESS))) {
        singleton = singleton.withSettings(ClusterSingletonSettings.create(ctx.getSystem()).withRole("witness"));
      }
      ActorRef<Leader.Command> leader = ClusterSingleton.get(ctx.getSystem()).init(singleton);
      ctx.spawn(JoinCoordinator.create(config, nodeName, JOIN_ROUND), JoinCoordinator.NAME);
      ctx.spawn(io.hanfs.membership.ForeignMemberGuard.create(config), "foreign-member-guard");
      ctx.spawn(IslandGuard.create(config, nodeName, ISLAND_CHECK, why ->
          CoordinatedShutdown.get(ctx.getSystem()).run(IslandGuard.LeftIsland.INSTANCE)), IslandGuard.NAME);
      io.hanfs.metrics.Metrics metrics = io.hanfs.metrics.Metrics.of(ctx.getSystem());
      ActorRef<NodeAgent.Report> reports = ctx.spawn(Behaviors.<NodeAgent.Report>receiveMessage(r -> {
        metrics.nodeReported(r);
        leader.tell(new Leader.NodeReported(r));
        return Behaviors.same();
      }), "reports");
      boolean data = config.node(nodeName).map(HanfsConfig.Node::isData).orElse(false);
      // Every member (the witness too) holds a replica of the clients' connections: the record
      // outlives the node that wrote it.
      io.hanfs.clients.ClientConnectionBoard.Book clientBook = new io.hanfs.clients.ClientConnectionBoard.Book();
      ctx.spawn(io.hanfs.clients.ClientConnectionBoard.create(clientBook), "client-connections");
      layers.withClientBook(clientBook);
      Runnable startAgent = () -> {
        ActorRef<NodeAgent.Command> agent = ctx.spawn(NodeAgent.create(config, nodeName, epochs, layers::stack, reports, data, layers.watchdog(), history), "node");
        ready.accept(new Handles(agent, leader, hub));
      };
      // The witness keeps its history in the same schema, but has no ledger to wait for.
      if (!data) startAgent.run();
      // The ledgers' tables first (created if missing): a ledger that starts before them fails its
      // recovery, and until its backoff retries the node reports no ledger, so the leader cannot
      // place the resource here (seen on the slow VM lab: the preferred node lost its first placement).
      ctx.pipeToSelf(LedgerStore.createSchema(ctx.getSystem()), (done, err) -> new SchemaReady(java.util.Optional.ofNullable(err)));
      return Behaviors.receive(Command.class)
          .onMessage(SchemaReady.class, m -> {
            m.failure().ifPresent(err -> ctx.getLog().error("cannot create the ledger schema (the ledgers retry): {}", err.toString()));
            if (data) startAgent.run();
            return Behaviors.empty();
          })
          .build();
    });
  }
}
