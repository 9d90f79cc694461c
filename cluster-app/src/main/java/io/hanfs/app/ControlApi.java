package io.hanfs.app;

import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The operations behind the Management HTTP routes and the JMX MBeans, in one place: each asks
 * the local NodeAgent or the cluster leader and answers asynchronously. Asks to the leader are
 * retried, because messages to a singleton that is moving to another node can be lost.
 */
public final class ControlApi {
  private final ActorSystem<?> system;

  public ControlApi(ActorSystem<?> system) {
    this.system = system;
  }

  private ActorRef<NodeAgent.Command> agent() {
    return HanfsExtension.ID.get(system).agent();
  }

  private ActorRef<Leader.Command> leader() {
    return HanfsExtension.ID.get(system).leader();
  }

  public CompletionStage<NodeAgent.NodeStatus> nodeStatus() {
    return AskPattern.ask(agent(), NodeAgent.GetStatus::new, Duration.ofSeconds(5), system.scheduler());
  }

  /** The cluster's events (every member's journal, merged): the hub waits 3 s for the members' answers. */
  public CompletionStage<io.hanfs.history.EventHub.Events> events(String resource, long sinceMillis, int limit) {
    ActorRef<io.hanfs.history.EventHub.Command> hub = HanfsExtension.ID.get(system).history();
    if (hub == null) return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("the node is still starting"));
    return AskPattern.ask(hub, r -> new io.hanfs.history.EventHub.Query(resource, sinceMillis, limit, r), Duration.ofSeconds(8), system.scheduler());
  }

  public CompletionStage<Leader.ClusterStatus> clusterStatus() {
    return retry(3, () -> AskPattern.ask(leader(), Leader.GetClusterStatus::new, Duration.ofSeconds(3), system.scheduler()));
  }

  /** Promote or demote on this node; {@code epoch} 0 for an operator command. */
  public CompletionStage<ResourceAgent.Reply> promote(String resource, long epoch) {
    return AskPattern.ask(agent(), r -> new NodeAgent.Promote(resource, epoch, r), Duration.ofMinutes(5), system.scheduler());
  }

  public CompletionStage<ResourceAgent.Reply> demote(String resource, long epoch) {
    return AskPattern.ask(agent(), r -> new NodeAgent.Demote(resource, epoch, r), Duration.ofMinutes(5), system.scheduler());
  }

  public CompletionStage<Leader.ControlReply> switchover(String resource, Optional<String> to) {
    return askLeader(r -> new Leader.Switchover(resource, to, r), Duration.ofMinutes(5));
  }

  public CompletionStage<Leader.ControlReply> forcePromote(String resource, String to, String by, String reason) {
    return askLeader(r -> new Leader.ForcePromote(resource, to, by, reason, r), Duration.ofMinutes(5));
  }

  /**
   * A replication tool's hook, run on this node: DRBD's handlers (fence-peer, unfence-peer,
   * split-brain) or HAST's exec event (split-brain), for the tool's resource {@code toolResource}.
   */
  public CompletionStage<Leader.FenceReply> replicationHandler(io.hanfs.config.HanfsConfig.ReplicationType type, String toolResource,
      Optional<String> peer, String action, Optional<java.time.Instant> began) {
    Optional<io.hanfs.config.HanfsConfig.Resource> r = HanfsExtension.ID.get(system).config().resources().stream()
        .filter(x -> x.replication().type() == type && x.replication().replicatedResource().equals(Optional.of(toolResource))).findFirst();
    if (r.isEmpty()) {
      return CompletableFuture.completedFuture(new Leader.FenceReply(1, "no hanfs resource replicates with " + type + " resource " + toolResource));
    }
    String resource = r.get().name();
    // The leader runs on another clock: it gets how long ago the hook began, measured here.
    long ageMillis = began.map(b -> Duration.between(b, java.time.Instant.now()).toMillis()).orElse(-1L);
    java.util.OptionalLong age = ageMillis >= 0 && ageMillis < Duration.ofHours(1).toMillis() ? java.util.OptionalLong.of(ageMillis) : java.util.OptionalLong.empty();
    return nodeStatus().thenCompose(me -> retry(3, () -> AskPattern.<Leader.Command, Leader.FenceReply>ask(leader(),
        reply -> action.equals("fence-peer") ? new Leader.FencePeer(resource, me.node(), peer, reply)
            : action.equals("unfence-peer") ? new Leader.UnfencePeer(resource, me.node(), peer, reply)
            : new Leader.ReplicaSplitBrain(resource, me.node(), peer, age, reply),
        Duration.ofSeconds(20), system.scheduler())));
  }

  public CompletionStage<Leader.ControlReply> resolve(String resource, String discard, boolean force) {
    return askLeader(r -> new Leader.Resolve(resource, discard, force, r), Duration.ofMinutes(10));
  }

  public CompletionStage<Leader.ControlReply> standby(String node, boolean on) {
    return askLeader(r -> new Leader.Standby(node, on, r), Duration.ofSeconds(10));
  }

  public CompletionStage<Leader.ControlReply> clear(String target) {
    return askLeader(r -> new Leader.Clear(target, r), Duration.ofSeconds(10));
  }

  public CompletionStage<Leader.ControlReply> maintenance(boolean on) {
    return askLeader(r -> new Leader.Maintenance(on, r), Duration.ofSeconds(10));
  }

  private CompletionStage<Leader.ControlReply> askLeader(Function<ActorRef<Leader.ControlReply>, Leader.Command> msg, Duration timeout) {
    return retry(3, () -> AskPattern.ask(leader(), msg::apply, timeout, system.scheduler()));
  }

  static <T> CompletionStage<T> retry(int attempts, Supplier<CompletionStage<T>> call) {
    return call.get().handle((v, e) -> {
      if (e == null) return CompletableFuture.completedFuture(v);
      if (attempts <= 1) return CompletableFuture.<T>failedFuture(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      return retry(attempts - 1, call);
    }).thenCompose(x -> x);
  }
}
