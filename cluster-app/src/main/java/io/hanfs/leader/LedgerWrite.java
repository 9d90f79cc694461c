package io.hanfs.leader;

import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.persistence.ledger.ResourceLedger;
import java.time.Duration;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One ledger event the leader wants on one node (the leader's child per write): asked again after
 * each refusal or unanswered ask with a growing pause (1 s doubling to 30 s), for as long as this
 * leader runs, until the node answers that it is recorded. Every attempt carries the same write id,
 * chosen by the leader for this one logical write: an ask that timed out may have been recorded
 * (a starved node answering late), and ledger events are not idempotent (a second PeerOutdated
 * moves the generation on), so the node's ledger answers a retry of a write it already holds
 * without recording it again. It remembers the last {@link ResourceLedger#MAX_WRITE_IDS} ids.
 */
final class LedgerWrite {
  private LedgerWrite() {}

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
  static final Duration ASK = Duration.ofSeconds(15);

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Answered(ResourceAgent.Reply reply, String failure) implements Command {}

  private record Retry() implements Command {}

  /**
   * The id of a leader's {@code sequence}-th ledger write: {@code incarnation} (a random id per
   * Leader instance, so that a restarted leader, whose sequence starts again at 1, never reuses an
   * id), then the resource and node for the logs. Cut to the ledger's 128 characters: the unique
   * part comes first.
   */
  static String writeId(String incarnation, long sequence, String resource, String node) {
    String id = incarnation + "/" + sequence + "/" + resource + "@" + node;
    return id.length() <= 128 ? id : id.substring(0, 128);
  }

  /** @param stamp the leader's term (a ledger write is not bound to an epoch: the stamp's is 0) */
  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, String node, String resource, LedgerEvent event, String writeId,
      LeaderFence.Stamp stamp) {
    return create(agent, node, resource, event, writeId, stamp, ASK);
  }

  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, String node, String resource, LedgerEvent event, String writeId,
      LeaderFence.Stamp stamp, Duration askTimeout) {
    // A bad id would be refused on every attempt, for ever: fail where the leader chose it.
    ResourceLedger.writeIdProblem(writeId).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Runnable ask = () -> ctx.ask(ResourceAgent.Reply.class, agent, askTimeout,
          replyTo -> new NodeAgent.Fenced(stamp, new NodeAgent.RecordLedger(resource, event, writeId, replyTo)),
          (reply, err) -> new Answered(reply, err == null ? "" : "no answer in " + askTimeout.toMillis() + " ms"));
      ask.run();
      Duration[] pause = {FIRST_RETRY};
      int[] failures = {0};
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, a -> {
            if (a.reply() instanceof ResourceAgent.Done) {
              if (failures[0] > 0) {
                ctx.getLog().info("resource {}: {} recorded {} (write {}) after {} failed attempt(s)", resource, node, event, writeId, failures[0]);
              }
              return Behaviors.stopped();
            }
            failures[0]++;
            // The first failure and then every tenth: a node down for an hour logs a few lines.
            if (failures[0] % 10 == 1) {
              ctx.getLog().warn("resource {}: {} did not record {} (write {}, attempt {}: {}); retrying in {} s", resource, node, event, writeId,
                  failures[0], a.reply() == null ? a.failure() : a.reply(), pause[0].toSeconds());
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
