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
 * One split-brain resolution (the leader's child per request): the victim saves and discards its
 * changes, then the survivor reconnects and keeps its data. Reports the first step that did not
 * succeed, or the survivor's answer, or {@link SagaOutcome.TimedOut} at the deadline, and stops.
 */
final class ResolveSaga {
  private ResolveSaga() {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Answered(SagaOutcome.Step step, ResourceAgent.Reply reply, Throwable failure) implements Command {}

  private record Deadline() implements Command {}

  /** {@code stepTimeout} is the victim's (the survivor's step is quicker: half of it); {@code deadline} bounds the whole. */
  static Behavior<Command> create(String resource, LeaderFence.Stamp stamp, String victim, ActorRef<NodeAgent.Command> victimAgent, String survivor,
      ActorRef<NodeAgent.Command> survivorAgent, Duration stepTimeout, Duration deadline, Consumer<SagaOutcome> done) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.ask(ResourceAgent.Reply.class, victimAgent, stepTimeout, reply -> new NodeAgent.Fenced(stamp, new NodeAgent.ResolveSplitBrain(resource, true, survivor, reply)),
          (reply, failure) -> new Answered(SagaOutcome.Step.DISCARD, reply, failure));
      timers.startSingleTimer(new Deadline(), deadline);
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, a -> {
            SagaOutcome.StepEnded ended = new SagaOutcome.StepEnded(a.step() == SagaOutcome.Step.DISCARD ? victim : survivor, a.step(), a.reply(),
                a.failure() == null ? "" : a.failure().getMessage());
            if (a.step() == SagaOutcome.Step.DISCARD && ended.ok()) {
              // The victim saved and discarded its changes; now the survivor reconnects.
              ctx.ask(ResourceAgent.Reply.class, survivorAgent, stepTimeout.dividedBy(2),
                  reply -> new NodeAgent.Fenced(stamp, new NodeAgent.ResolveSplitBrain(resource, false, victim, reply)),
                  (reply, failure) -> new Answered(SagaOutcome.Step.KEEP, reply, failure));
              return Behaviors.same();
            }
            done.accept(ended);
            return Behaviors.stopped();
          })
          .onMessage(Deadline.class, d -> {
            done.accept(new SagaOutcome.TimedOut());
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}
