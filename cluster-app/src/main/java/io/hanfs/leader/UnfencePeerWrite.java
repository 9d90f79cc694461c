package io.hanfs.leader;

import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.data.Generation;
import java.time.Duration;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One unfence-peer (the leader's child per request): writes "resynced to {@code at}" into the
 * peer's ledger once and answers DRBD's handler with the outcome. Not retried: the handler's
 * exit code tells DRBD, and the handler runs again on the next resync.
 */
final class UnfencePeerWrite {
  private UnfencePeerWrite() {}

  static final Duration ASK = Duration.ofSeconds(15);

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Answered(ResourceAgent.Reply reply, Throwable failure) implements Command {}

  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, LeaderFence.Stamp stamp, String resource, String peer, LedgerEvent event, Generation at,
      ActorRef<Leader.FenceReply> replyTo) {
    return Behaviors.setup(ctx -> {
      ctx.ask(ResourceAgent.Reply.class, agent, ASK, reply -> new NodeAgent.Fenced(stamp, new NodeAgent.RecordLedger(resource, event, reply)), Answered::new);
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, a -> {
            replyTo.tell(a.reply() instanceof ResourceAgent.Done
                ? new Leader.FenceReply(0, peer + " resynced to generation " + at + "; its copy is current again")
                : new Leader.FenceReply(1, peer + " did not record the resync: " + (a.failure() != null ? a.failure().getMessage() : String.valueOf(a.reply()))));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
