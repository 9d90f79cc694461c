package io.hanfs.leader;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.sbr.LeaderFence;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One promotion (the leader's child per request): asks the node to promote under the epoch the
 * leader chose, waits at most {@code timeout}, reports the answer and stops. The node's lease
 * keeps it safe; this actor only carries the step.
 */
final class PromoteSaga {
  private PromoteSaga() {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Answered(ResourceAgent.Reply reply, Throwable failure) implements Command {}

  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, String resource, String node, LeaderFence.Stamp stamp,
      Optional<ResourceAgent.Force> force, Duration timeout, Consumer<SagaOutcome> done) {
    return Behaviors.setup(ctx -> {
      ctx.ask(ResourceAgent.Reply.class, agent, timeout, reply -> new NodeAgent.Fenced(stamp, new NodeAgent.Promote(resource, stamp.epoch(), force, reply)), Answered::new);
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, a -> {
            done.accept(new SagaOutcome.StepEnded(node, SagaOutcome.Step.PROMOTE, a.reply(), a.failure() == null ? "" : a.failure().getMessage()));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
