package io.hanfs.leader;

import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.node.resource.ResourceAgent;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One demotion (the leader's child per request): asks the node to demote the epoch it holds,
 * waits at most {@code timeout}, reports the answer and stops. A move's promotion that follows is
 * the leader's next saga: its epoch is chosen only once this one is done.
 */
final class DemoteSaga {
  private DemoteSaga() {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Answered(ResourceAgent.Reply reply, Throwable failure) implements Command {}

  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, String resource, String node, LeaderFence.Stamp stamp, Duration timeout,
      Consumer<SagaOutcome> done) {
    return Behaviors.setup(ctx -> {
      ctx.ask(ResourceAgent.Reply.class, agent, timeout, reply -> new NodeAgent.Fenced(stamp, new NodeAgent.Demote(resource, stamp.epoch(), reply)), Answered::new);
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, a -> {
            done.accept(new SagaOutcome.StepEnded(node, SagaOutcome.Step.DEMOTE, a.reply(), a.failure() == null ? "" : a.failure().getMessage()));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
