package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.sbr.data.Generation;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A fence mark counts once per configured voter, by the voter asked: a duplicating voter is one vote. */
class FenceVoteCollectorTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static Behavior<LeaseVoter.Command> recordsAs(List<String> claimed) {
    return Behaviors.receiveMessage(m -> {
      if (m instanceof LeaseVoter.RecordFence f) for (String n : claimed) f.replyTo().tell(new LeaseVoter.FenceRecorded(n, true, ""));
      return Behaviors.same();
    });
  }

  FenceVoteCollector.Outcome run(Map<String, Behavior<LeaseVoter.Command>> behaviors) throws Exception {
    Map<String, ActorRef<LeaseVoter.Command>> refs = new LinkedHashMap<>();
    behaviors.forEach((n, b) -> refs.put(n, kit.spawn(b)));
    CompletableFuture<FenceVoteCollector.Outcome> out = new CompletableFuture<>();
    kit.spawn(FenceVoteCollector.create(new Voters(refs), "home", "d2", new Generation(3, 1), Duration.ofSeconds(2), out::complete));
    return out.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aVoterAnsweringTwiceAndAsTheOthersIsOneVote() throws Exception {
    Map<String, Behavior<LeaseVoter.Command>> b = new LinkedHashMap<>();
    b.put("d1", recordsAs(List.of("d1", "d1", "d2", "w")));
    b.put("d2", Behaviors.ignore());
    b.put("w", Behaviors.ignore());
    assertEquals(List.of("d1"), run(b).recorded());
  }

  @Test
  void distinctVotersMakeTheMajority() throws Exception {
    Map<String, Behavior<LeaseVoter.Command>> b = new LinkedHashMap<>();
    b.put("d1", recordsAs(List.of("d1")));
    b.put("d2", Behaviors.ignore());
    b.put("w", recordsAs(List.of("d1")));
    assertEquals(List.of("d1", "w"), run(b).recorded());
  }
}
