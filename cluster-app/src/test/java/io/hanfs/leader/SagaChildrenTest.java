package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Each saga child carries its steps, reports exactly one outcome, and stops. */
class SagaChildrenTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static final ResourceAgent.Done DONE = new ResourceAgent.Done(new ResourceStatus("data", Role.SECONDARY, 1, "", List.of(), 0, Optional.empty(), "", Optional.empty()));

  @Test
  void aPromotionReportsTheNodesAnswer() {
    TestProbe<NodeAgent.Command> node = kit.createTestProbe();
    TestProbe<SagaOutcome> outcome = kit.createTestProbe();
    ActorRef<PromoteSaga.Command> saga = kit.spawn(PromoteSaga.create(node.getRef(), "data", "n1", new io.hanfs.sbr.LeaderFence.Stamp(2, 7), Optional.empty(), Duration.ofSeconds(5),
        outcome.getRef()::tell), "promote-data-1");
    NodeAgent.Promote p = LeaderFixture.fenced(node, NodeAgent.Promote.class, Duration.ofSeconds(3));
    assertEquals(7, p.epoch());
    p.replyTo().tell(new ResourceAgent.Failed("mount failed", DONE.status(), false));
    SagaOutcome.StepEnded ended = assertInstanceOf(SagaOutcome.StepEnded.class, outcome.receiveMessage());
    assertEquals(SagaOutcome.Step.PROMOTE, ended.step());
    assertFalse(ended.ok());
    assertEquals("mount failed", ended.why());
    outcome.expectTerminated(saga, Duration.ofSeconds(5));
  }

  @Test
  void aDemotionWithoutAnAnswerReportsWhyAtItsTimeout() {
    TestProbe<NodeAgent.Command> node = kit.createTestProbe();
    TestProbe<SagaOutcome> outcome = kit.createTestProbe();
    ActorRef<DemoteSaga.Command> saga = kit.spawn(DemoteSaga.create(node.getRef(), "data", "n2", new io.hanfs.sbr.LeaderFence.Stamp(2, 3), Duration.ofMillis(300), outcome.getRef()::tell),
        "move-data-2");
    assertEquals(3, LeaderFixture.fenced(node, NodeAgent.Demote.class, Duration.ofSeconds(3)).epoch());
    SagaOutcome.StepEnded ended = assertInstanceOf(SagaOutcome.StepEnded.class, outcome.receiveMessage(Duration.ofSeconds(5)));
    assertEquals("n2", ended.node());
    assertTrue(ended.why().startsWith("no answer: "), ended.why());
    outcome.expectTerminated(saga, Duration.ofSeconds(5));
  }

  @Test
  void aResolutionDiscardsOnTheVictimThenKeepsOnTheSurvivor() {
    TestProbe<NodeAgent.Command> victim = kit.createTestProbe();
    TestProbe<NodeAgent.Command> survivor = kit.createTestProbe();
    TestProbe<SagaOutcome> outcome = kit.createTestProbe();
    ActorRef<ResolveSaga.Command> saga = kit.spawn(ResolveSaga.create("data", new io.hanfs.sbr.LeaderFence.Stamp(2, 1), "n1", victim.getRef(), "n2", survivor.getRef(), Duration.ofSeconds(5),
        Duration.ofSeconds(10), outcome.getRef()::tell), "resolve-data-3");
    NodeAgent.ResolveSplitBrain discard = LeaderFixture.fenced(victim, NodeAgent.ResolveSplitBrain.class, Duration.ofSeconds(3));
    assertTrue(discard.discard());
    assertEquals("n2", discard.peer());
    survivor.expectNoMessage(Duration.ofMillis(200));
    discard.replyTo().tell(DONE);
    NodeAgent.ResolveSplitBrain keep = LeaderFixture.fenced(survivor, NodeAgent.ResolveSplitBrain.class, Duration.ofSeconds(3));
    assertFalse(keep.discard());
    assertEquals("n1", keep.peer());
    keep.replyTo().tell(DONE);
    SagaOutcome.StepEnded ended = assertInstanceOf(SagaOutcome.StepEnded.class, outcome.receiveMessage());
    assertEquals(SagaOutcome.Step.KEEP, ended.step());
    assertEquals("n2", ended.node());
    assertTrue(ended.ok());
    outcome.expectTerminated(saga, Duration.ofSeconds(5));
  }

  @Test
  void aRefusedDiscardEndsTheResolutionBeforeTheSurvivorIsAsked() {
    TestProbe<NodeAgent.Command> victim = kit.createTestProbe();
    TestProbe<NodeAgent.Command> survivor = kit.createTestProbe();
    TestProbe<SagaOutcome> outcome = kit.createTestProbe();
    kit.spawn(ResolveSaga.create("data", new io.hanfs.sbr.LeaderFence.Stamp(2, 1), "n1", victim.getRef(), "n2", survivor.getRef(), Duration.ofSeconds(5), Duration.ofSeconds(10),
        outcome.getRef()::tell), "resolve-data-4");
    LeaderFixture.fenced(victim, NodeAgent.ResolveSplitBrain.class, Duration.ofSeconds(3)).replyTo().tell(new ResourceAgent.Refused(io.hanfs.sbr.Refusal.Reason.BUSY, "drbd refused"));
    SagaOutcome.StepEnded ended = assertInstanceOf(SagaOutcome.StepEnded.class, outcome.receiveMessage());
    assertEquals(SagaOutcome.Step.DISCARD, ended.step());
    assertEquals("BUSY: drbd refused", ended.why());
    survivor.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aResolutionThatOutlivesItsDeadlineTimesOut() {
    TestProbe<NodeAgent.Command> victim = kit.createTestProbe();
    TestProbe<SagaOutcome> outcome = kit.createTestProbe();
    ActorRef<ResolveSaga.Command> saga = kit.spawn(ResolveSaga.create("data", new io.hanfs.sbr.LeaderFence.Stamp(2, 1), "n1", victim.getRef(), "n2", kit.createTestProbe(NodeAgent.Command.class).getRef(),
        Duration.ofSeconds(30), Duration.ofMillis(300), outcome.getRef()::tell), "resolve-data-5");
    LeaderFixture.fenced(victim, NodeAgent.ResolveSplitBrain.class, Duration.ofSeconds(3));
    assertInstanceOf(SagaOutcome.TimedOut.class, outcome.receiveMessage(Duration.ofSeconds(5)));
    outcome.expectTerminated(saga, Duration.ofSeconds(5));
  }
}
