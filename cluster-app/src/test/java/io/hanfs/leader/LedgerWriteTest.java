package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.persistence.ledger.ResourceLedger;
import io.hanfs.sbr.Role;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A ledger write the node refuses or does not answer is asked again, under the same write id, until it is recorded. */
class LedgerWriteTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static final io.hanfs.sbr.LeaderFence.Stamp STAMP = new io.hanfs.sbr.LeaderFence.Stamp(2, 0);

  static final ResourceAgent.Done DONE = new ResourceAgent.Done(new ResourceStatus("home", Role.PRIMARY, 1, "", List.of(), 0, Optional.empty(), "", Optional.empty()));

  @Test
  void aRefusedWriteIsRetriedUntilRecorded() {
    TestProbe<NodeAgent.Command> node = kit.createTestProbe();
    LedgerEvent event = new LedgerEvent.PeerConnected("n2");
    ActorRef<LedgerWrite.Command> w = kit.spawn(LedgerWrite.create(node.getRef(), "n1", "home", event, "L/1", STAMP, Duration.ofSeconds(1)), "ledger-write-1");
    NodeAgent.RecordLedger first = LeaderFixture.fenced(node, NodeAgent.RecordLedger.class, Duration.ofSeconds(3));
    assertEquals(event, first.event());
    assertEquals("L/1", first.writeId());
    first.replyTo().tell(new ResourceAgent.Refused(io.hanfs.sbr.Refusal.Reason.BUSY, "a promotion is in progress"));
    // Refused: asked again after the first pause (1 s), then 2 s.
    NodeAgent.RecordLedger second = LeaderFixture.fenced(node, NodeAgent.RecordLedger.class, Duration.ofSeconds(10));
    assertEquals("L/1", second.writeId());
    second.replyTo().tell(new ResourceAgent.Refused(io.hanfs.sbr.Refusal.Reason.BUSY, "still"));
    NodeAgent.RecordLedger third = LeaderFixture.fenced(node, NodeAgent.RecordLedger.class, Duration.ofSeconds(10));
    assertEquals("home", third.resource());
    assertEquals("L/1", third.writeId());
    third.replyTo().tell(DONE);
    TestProbe<Object> watcher = kit.createTestProbe();
    watcher.expectTerminated(w, Duration.ofSeconds(10));
    node.expectNoMessage(Duration.ofSeconds(2));
  }

  /** An unanswered ask may have been recorded: it is sent again with the same id, which the ledger records once. */
  @Test
  void anUnansweredWriteIsRetriedWithTheSameId() {
    TestProbe<NodeAgent.Command> node = kit.createTestProbe();
    LedgerEvent event = new LedgerEvent.Outdated(new io.hanfs.sbr.data.Generation(3, 1));
    ActorRef<LedgerWrite.Command> silent = kit.spawn(LedgerWrite.create(node.getRef(), "n1", "home", event, "L/2", STAMP, Duration.ofSeconds(1)), "ledger-write-2");
    NodeAgent.RecordLedger first = LeaderFixture.fenced(node, NodeAgent.RecordLedger.class, Duration.ofSeconds(3));
    assertEquals("L/2", first.writeId());
    // No answer in the 1 s ask, nor in the second attempt's.
    NodeAgent.RecordLedger second = LeaderFixture.fenced(node, NodeAgent.RecordLedger.class, Duration.ofSeconds(10));
    assertEquals("L/2", second.writeId());
    assertEquals(event, second.event());
    NodeAgent.RecordLedger third = LeaderFixture.fenced(node, NodeAgent.RecordLedger.class, Duration.ofSeconds(10));
    assertEquals("L/2", third.writeId());
    third.replyTo().tell(DONE);
    TestProbe<Object> watcher = kit.createTestProbe();
    watcher.expectTerminated(silent, Duration.ofSeconds(10));
    node.expectNoMessage(Duration.ofSeconds(2));
  }

  @Test
  void writeIdsAreValidAndUniquePerLeaderIncarnation() {
    String a = LedgerWrite.writeId("5f0c2a8e-0000-4000-8000-000000000001", 1, "home", "n1");
    assertEquals("5f0c2a8e-0000-4000-8000-000000000001/1/home@n1", a);
    assertNotEquals(a, LedgerWrite.writeId("5f0c2a8e-0000-4000-8000-000000000002", 1, "home", "n1"));
    String longest = LedgerWrite.writeId(java.util.UUID.randomUUID().toString(), Long.MAX_VALUE, "r".repeat(60), "n".repeat(60));
    assertEquals(128, longest.length());
    assertTrue(ResourceLedger.writeIdProblem(longest).isEmpty(), longest);
    assertThrows(IllegalArgumentException.class, () -> LedgerWrite.create(kit.createTestProbe(NodeAgent.Command.class).getRef(), "n1", "home",
        new LedgerEvent.PeerConnected("n2"), "bad id", STAMP));
  }
}
