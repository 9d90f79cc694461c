package io.hanfs.leader;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.persistence.ledger.LedgerEvent;
import java.time.Duration;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One ledger event the leader wants on one node (the leader's child per write): asked again after
 * each refusal with a growing pause (1 s doubling to 30 s), for as long as this leader runs, until
 * the node answers that it is recorded. The leader remembers what it asked to write before the
 * answer, so a write once refused used never to be retried. Only a refusal is retried: it changed
 * nothing. Silence (an ask timeout on a starved node) may hide a write that happened, and ledger
 * events are not idempotent (a second PeerOutdated moves the generation on), so it is logged and
 * left, as before.
 */
final class LedgerWrite {
  private LedgerWrite() {}

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
  static final Duration ASK = Duration.ofSeconds(15);

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Answered(ResourceAgent.Reply reply, String failure) implements Command {}

  private record Retry() implements Command {}

  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, String node, String resource, LedgerEvent event) {
    return create(agent, node, resource, event, ASK);
  }

  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, String node, String resource, LedgerEvent event, Duration askTimeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Runnable ask = () -> ctx.ask(ResourceAgent.Reply.class, agent, askTimeout, replyTo -> new NodeAgent.RecordLedger(resource, event, replyTo),
          (reply, err) -> new Answered(reply, err == null ? "" : "no answer in " + askTimeout.toMillis() + " ms"));
      ask.run();
      Duration[] pause = {FIRST_RETRY};
      int[] failures = {0};
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, a -> {
            if (a.reply() instanceof ResourceAgent.Done) {
              if (failures[0] > 0) ctx.getLog().info("resource {}: {} recorded {} after {} failed attempt(s)", resource, node, event, failures[0]);
              return Behaviors.stopped();
            }
            if (!(a.reply() instanceof ResourceAgent.Refused)) {
              ctx.getLog().warn("resource {}: {} did not confirm {} ({}); not asked again, it may have been recorded", resource, node, event,
                  a.reply() == null ? a.failure() : a.reply());
              return Behaviors.stopped();
            }
            failures[0]++;
            // The first failure and then every tenth: a node down for an hour logs a few lines.
            if (failures[0] % 10 == 1) {
              ctx.getLog().warn("resource {}: {} did not record {} (attempt {}: {}); retrying in {} s", resource, node, event, failures[0],
                  a.reply() == null ? a.failure() : a.reply(), pause[0].toSeconds());
            }
            timers.startSingleTimer(new Retry(), pause[0]);
            pause[0] = pause[0].multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : pause[0].multipliedBy(2);
            return Behaviors.same();
          })
          .onMessage(Retry.class, r -> {
            ask.run();
            return Behaviors.same();
          })
          .build();
    }));
  }
}
