package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.Role;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A ledger write the node refuses is asked again until it is recorded; one it does not answer is not sent twice. */
class LedgerWriteTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aRefusedWriteIsRetriedUntilRecordedAndAnUnansweredOneIsLeft() {
    TestProbe<NodeAgent.Command> node = kit.createTestProbe();
    LedgerEvent event = new LedgerEvent.PeerConnected("n2");
    ActorRef<LedgerWrite.Command> w = kit.spawn(LedgerWrite.create(node.getRef(), "n1", "home", event, Duration.ofSeconds(1)), "ledger-write-1");
    NodeAgent.RecordLedger first = node.expectMessageClass(NodeAgent.RecordLedger.class);
    assertEquals(event, first.event());
    first.replyTo().tell(new ResourceAgent.Refused("busy", "a promotion is in progress"));
    // Refused: nothing was written, asked again after the first pause (1 s), then 2 s.
    node.expectMessageClass(NodeAgent.RecordLedger.class, Duration.ofSeconds(10)).replyTo().tell(new ResourceAgent.Refused("busy", "still"));
    NodeAgent.RecordLedger third = node.expectMessageClass(NodeAgent.RecordLedger.class, Duration.ofSeconds(10));
    assertEquals("home", third.resource());
    third.replyTo().tell(new ResourceAgent.Done(new ResourceStatus("home", Role.PRIMARY, 1, "", List.of(), 0, Optional.empty(), "")));
    TestProbe<Object> watcher = kit.createTestProbe();
    watcher.expectTerminated(w, Duration.ofSeconds(10));
    node.expectNoMessage(Duration.ofSeconds(2));

    // No answer (the 1 s ask here): the write may have happened, and is not sent twice.
    ActorRef<LedgerWrite.Command> silent = kit.spawn(LedgerWrite.create(node.getRef(), "n1", "home", event, Duration.ofSeconds(1)), "ledger-write-2");
    node.expectMessageClass(NodeAgent.RecordLedger.class);
    watcher.expectTerminated(silent, Duration.ofSeconds(10));
    node.expectNoMessage(Duration.ofSeconds(3));
  }
}
