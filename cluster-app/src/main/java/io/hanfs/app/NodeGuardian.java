package io.hanfs.app;

import io.hanfs.config.HanfsConfig;
import io.hanfs.node.LayerFactory;
import io.hanfs.node.NodeAgent;
import io.hanfs.persistence.EpochStore;
import io.hanfs.voter.LeaseVoter;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The root of one node's actor tree: this node's LeaseVoter (every node votes), its NodeAgent
 * (data nodes run their resources there; the witness runs none), and the cluster leader's
 * singleton manager.
 */
public final class NodeGuardian {
  private NodeGuardian() {}

  public static Behavior<NodeAgent.Command> create(HanfsConfig config, String nodeName, EpochStore epochs, EpochStore voterEpochs,
      LayerFactory layers) {
    return Behaviors.setup(ctx -> {
      ctx.spawn(LeaseVoter.create(nodeName, voterEpochs, config.lease().duration(), config.lease().margin(), config.lease().restartGrace()), "voter");
      ActorRef<NodeAgent.Command> agent = ctx.spawn(NodeAgent.create(config, nodeName, epochs, layers::stack), "node");
      return Behaviors.receiveMessage(msg -> {
        agent.tell(msg);
        return Behaviors.same();
      });
    });
  }
}
