package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.ledger.LedgerEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A ledger write the node refuses or does not answer is asked again until it is recorded, then no more. */
class LedgerWriteTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aRefusedOrUnansweredWriteIsRetriedUntilRecorded() {
    TestProbe<NodeAgent.Command> node = kit.createTestProbe();
    LedgerEvent event = new LedgerEvent.PeerConnected("n2");
    ActorRef<LedgerWrite.Command> w = kit.spawn(LedgerWrite.create(node.getRef(), "n1", "home", event, Duration.ofSeconds(1)), "ledger-write-1");
    NodeAgent.RecordLedger first = node.expectMessageClass(NodeAgent.RecordLedger.class);
    assertEquals(event, first.event());
    first.replyTo().tell(new ResourceAgent.Refused("busy", "a promotion is in progress"));
    // Asked again after the first pause (1 s), then again after no answer (the 1 s ask here) and 2 s.
    NodeAgent.RecordLedger second = node.expectMessageClass(NodeAgent.RecordLedger.class, Duration.ofSeconds(10));
    assertEquals("home", second.resource());
    NodeAgent.RecordLedger third = node.expectMessageClass(NodeAgent.RecordLedger.class, Duration.ofSeconds(15));
    third.replyTo().tell(new ResourceAgent.Done(new ResourceStatus("home", "primary", 1, "", List.of(), 0, Optional.empty(), "")));
    TestProbe<Object> watcher = kit.createTestProbe();
    watcher.expectTerminated(w, Duration.ofSeconds(10));
    node.expectNoMessage(Duration.ofSeconds(2));
  }
}
