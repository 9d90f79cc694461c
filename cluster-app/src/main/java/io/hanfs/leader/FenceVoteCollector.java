package io.hanfs.leader;

import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.lease.VoteTally;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One fence-peer's vote (the leader's child per request, like Pekko's DeviceGroupQuery): asks
 * every configured voter to persist "{@code peer} is outdated at {@code at}" and reports to the
 * leader as soon as a majority of distinct voters wrote it, or at the deadline with what it got.
 * An answer counts for the voter that was asked, once.
 */
final class FenceVoteCollector {
  private FenceVoteCollector() {}

  /** What the collector tells the leader: the voters that hold the mark, and the errors of the others. */
  record Outcome(List<String> recorded, List<String> errors) {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Answered(String voter, Optional<LeaseVoter.FenceRecorded> answer, String failure) implements Command {}

  private record Deadline() implements Command {}

  static Behavior<Command> create(Voters voters, String resource, String peer, Generation at, Duration timeout,
      java.util.function.Consumer<Outcome> done) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      for (Map.Entry<String, ActorRef<LeaseVoter.Command>> v : voters.byName().entrySet()) {
        String voter = v.getKey();
        ctx.ask(LeaseVoter.FenceRecorded.class, v.getValue(), timeout, replyTo -> new LeaseVoter.RecordFence(resource, peer, at, replyTo),
            (answer, err) -> new Answered(voter, Optional.ofNullable(answer), err == null ? "" : "no answer in " + timeout.toSeconds() + " s"));
      }
      timers.startSingleTimer(new Deadline(), timeout);
      VoteTally tally = new VoteTally(voters.names());
      List<String> errors = new ArrayList<>();
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, a -> {
            boolean ok = a.answer().map(LeaseVoter.FenceRecorded::ok).orElse(false);
            if (ok ? tally.grant(a.voter()) : tally.refuse(a.voter(), "")) {
              if (!ok) errors.add(a.voter() + ": " + a.answer().map(LeaseVoter.FenceRecorded::error).orElse(a.failure()));
            }
            if (tally.hasMajority() || tally.lost()) {
              done.accept(new Outcome(List.copyOf(tally.granted()), List.copyOf(errors)));
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onMessage(Deadline.class, d -> {
            done.accept(new Outcome(List.copyOf(tally.granted()), List.copyOf(errors)));
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}
