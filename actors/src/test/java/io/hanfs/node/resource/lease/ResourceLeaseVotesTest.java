package io.hanfs.node.resource.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.voter.LeaseContract;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The holder's side of the lease against voters that misbehave: one configured voter answering
 * every request several times, and under the other voters' names, never makes a majority of three.
 */
class ResourceLeaseVotesTest {
  static final ActorTestKit kit = ActorTestKit.create();
  static final LeaseContract CONTRACT = new LeaseContract(1500, 300, "votes test");

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Grants each request three times, as itself and as each other voter. */
  static Behavior<LeaseVoter.Command> grantsAsEveryone(List<String> names) {
    return Behaviors.receiveMessage(m -> {
      if (m instanceof LeaseVoter.Request r) {
        for (String n : names) r.replyTo().tell(new LeaseVoter.Granted(n, r.resource(), r.epoch(), r.round()));
      }
      return Behaviors.same();
    });
  }

  ActorRef<ResourceLease.Command> lease(Voters voters, TestProbe<ResourceLease.Event> events) {
    return kit.spawn(ResourceLease.create("home", "d1", voters, CONTRACT, new LeaseView(Duration.ofMillis(300)), () -> { },
        Executors.newSingleThreadExecutor(), events.getRef()));
  }

  @Test
  void oneVoterAnsweringTwiceAndUnderOtherNamesIsNoMajority() {
    List<String> names = List.of("d1", "d2", "w");
    Map<String, ActorRef<LeaseVoter.Command>> refs = new LinkedHashMap<>();
    refs.put("d1", kit.spawn(grantsAsEveryone(names)));
    refs.put("d2", kit.spawn(Behaviors.ignore()));
    refs.put("w", kit.spawn(Behaviors.ignore()));
    TestProbe<ResourceLease.Event> events = kit.createTestProbe();
    lease(new Voters(refs), events).tell(new ResourceLease.Acquire(1));
    ResourceLease.NotAcquired n = assertInstanceOf(ResourceLease.NotAcquired.class, events.receiveMessage(Duration.ofSeconds(10)));
    assertTrue(n.reason().contains("no majority (2 voters)"), n.reason());
  }

  @Test
  void twoDistinctVotersMakeTheMajority() {
    Map<String, ActorRef<LeaseVoter.Command>> refs = new LinkedHashMap<>();
    refs.put("d1", kit.spawn(grantsAsEveryone(List.of("d1"))));
    refs.put("d2", kit.spawn(grantsAsEveryone(List.of("someone else"))));
    refs.put("w", kit.spawn(Behaviors.ignore()));
    TestProbe<ResourceLease.Event> events = kit.createTestProbe();
    lease(new Voters(refs), events).tell(new ResourceLease.Acquire(1));
    // d2's answer counts for d2, the voter asked, whatever name it gives.
    assertInstanceOf(ResourceLease.Acquired.class, events.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  void aVoterRefusingTheSettingsIsToldWhileOthersMayStillGrant() {
    Map<String, ActorRef<LeaseVoter.Command>> refs = new LinkedHashMap<>();
    refs.put("d1", kit.spawn(grantsAsEveryone(List.of("d1"))));
    refs.put("d2", kit.spawn(Behaviors.ignore()));
    refs.put("w", kit.spawn(Behaviors.<LeaseVoter.Command>receiveMessage(m -> {
      if (m instanceof LeaseVoter.Request r) {
        r.replyTo().tell(new LeaseVoter.Denied("w", r.resource(), r.round(), "lease settings differ: test", 0, true));
      }
      return Behaviors.same();
    })));
    TestProbe<ResourceLease.Event> events = kit.createTestProbe();
    lease(new Voters(refs), events).tell(new ResourceLease.Acquire(1));
    // d2 is silent, not refusing: the acquisition goes on, and says who refuses and why, once.
    ResourceLease.Refusing r = assertInstanceOf(ResourceLease.Refusing.class, events.receiveMessage(Duration.ofSeconds(10)));
    assertEquals("w", r.voter());
    assertTrue(r.reason().contains("lease settings differ"), r.reason());
    assertInstanceOf(ResourceLease.NotAcquired.class, events.receiveMessage(Duration.ofSeconds(10)));
  }
}
