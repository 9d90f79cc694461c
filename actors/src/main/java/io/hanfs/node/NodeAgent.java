package io.hanfs.node;

import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.EpochStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import io.hanfs.node.resource.lease.LeaseView;
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

  public sealed interface Command extends CborSerializable {}

  public record Promote(String resource, long epoch, ActorRef<ResourceAgent.Reply> replyTo) implements Command {}

  public record Demote(String resource, long epoch, ActorRef<ResourceAgent.Reply> replyTo) implements Command {}

  public record GetStatus(ActorRef<NodeStatus> replyTo) implements Command {}

  /** Local only: the resource agents, e.g. to prepare a deliberate restart. */
  public record GetAgents(ActorRef<List<ActorRef<ResourceAgent.Command>>> replyTo) implements Command, NoSerializationVerificationNeeded {}

  /** Local only: a child's status, never sent across nodes. */
  private record StatusChanged(ResourceStatus status) implements Command, NoSerializationVerificationNeeded {}

  public record NodeStatus(String node, List<String> roles, List<ResourceStatus> resources) implements CborSerializable {}

  public static Behavior<Command> create(HanfsConfig config, String nodeName, EpochStore epochs,
      BiFunction<Resource, LeaseView, LayerFactory.Stack> stacks) {
    return Behaviors.setup(ctx -> new NodeAgent(ctx, config, nodeName, epochs, stacks));
  }

  private final HanfsConfig config;
  private final String nodeName;
  private final Map<String, ActorRef<ResourceAgent.Command>> agents = new LinkedHashMap<>();
  private final Map<String, ResourceStatus> statuses = new LinkedHashMap<>();

  private NodeAgent(ActorContext<Command> ctx, HanfsConfig config, String nodeName, EpochStore epochs,
      BiFunction<Resource, LeaseView, LayerFactory.Stack> stacks) {
    super(ctx);
    this.config = config;
    this.nodeName = nodeName;
    boolean data = config.node(nodeName).map(HanfsConfig.Node::isData).orElse(false);
    if (!data) return;
    Executor blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_DISPATCHER));
    ActorRef<ResourceStatus> listener = ctx.messageAdapter(ResourceStatus.class, StatusChanged::new);
    ResourceAgent.LeaseSettings lease = new ResourceAgent.LeaseSettings(nodeName, config.voters().size(), config.lease());
    for (Resource r : config.resources()) {
      LeaseView view = new LeaseView(config.lease().margin());
      LayerFactory.Stack stack = stacks.apply(r, view);
      agents.put(r.name(), ctx.spawn(ResourceAgent.create(r, stack.layers(), view, stack.onLeaseRenewed(), lease, epochs, listener, blocking),
          "resource-" + r.name(), DispatcherSelector.fromConfig(BLOCKING_DISPATCHER)));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Promote.class, p -> forward(p.resource(), p.replyTo(), a -> a.tell(new ResourceAgent.Promote(p.epoch(), p.replyTo()))))
        .onMessage(Demote.class, d -> forward(d.resource(), d.replyTo(), a -> a.tell(new ResourceAgent.Demote(d.epoch(), d.replyTo()))))
        .onMessage(GetStatus.class, g -> {
          List<String> roles = config.node(nodeName).map(n -> n.roles().stream().map(x -> x.name().toLowerCase()).sorted().toList()).orElse(List.of());
          g.replyTo().tell(new NodeStatus(nodeName, roles, new ArrayList<>(statuses.values())));
          return this;
        })
        .onMessage(GetAgents.class, g -> {
          g.replyTo().tell(List.copyOf(agents.values()));
          return this;
        })
        .onMessage(StatusChanged.class, s -> {
          statuses.put(s.status().name(), s.status());
          return this;
        })
        .build();
  }

  private Behavior<Command> forward(String resource, ActorRef<ResourceAgent.Reply> replyTo,
      java.util.function.Consumer<ActorRef<ResourceAgent.Command>> send) {
    ActorRef<ResourceAgent.Command> agent = agents.get(resource);
    if (agent == null) {
      replyTo.tell(new ResourceAgent.Refused("NOT_FOUND", "no resource named \"" + resource + "\" on node " + nodeName
          + (agents.isEmpty() ? " (it has no resources)" : "; known: " + agents.keySet())));
    } else {
      send.accept(agent);
    }
    return this;
  }
}
