package io.hanfs.app;

import io.hanfs.config.HanfsConfig;
import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorRef;

/** Lets the Management HTTP routes reach this node's NodeAgent and config. */
public final class HanfsExtension extends AbstractExtensionId<HanfsExtension.Node> implements ExtensionIdProvider {
  public static final HanfsExtension ID = new HanfsExtension();

  private HanfsExtension() {}

  @Override
  public HanfsExtension lookup() {
    return ID;
  }

  @Override
  public Node createExtension(ExtendedActorSystem system) {
    return new Node();
  }

  public static final class Node implements Extension {
    private volatile ActorRef<NodeAgent.Command> agent;
    private volatile ActorRef<Leader.Command> leader;
    private volatile HanfsConfig config;
    private volatile String apiToken;
    private volatile ActorRef<io.hanfs.history.EventHub.Command> history;

    /** This node's part of the cluster history (the events route asks it). */
    public void setHistory(ActorRef<io.hanfs.history.EventHub.Command> history) {
      this.history = history;
    }

    public ActorRef<io.hanfs.history.EventHub.Command> history() {
      return history;
    }

    public void set(ActorRef<NodeAgent.Command> agent, ActorRef<Leader.Command> leader, HanfsConfig config, String apiToken) {
      this.agent = agent;
      this.leader = leader;
      this.config = config;
      this.apiToken = apiToken;
    }

    /** The token the mutating routes require (ApiToken); null until the daemon has set it. */
    public String apiToken() {
      return apiToken;
    }

    public ActorRef<Leader.Command> leader() {
      return leader;
    }

    public ActorRef<NodeAgent.Command> agent() {
      return agent;
    }

    public HanfsConfig config() {
      return config;
    }
  }
}
