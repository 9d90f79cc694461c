package io.hanfs.voter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.persistence.EpochStore;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A voter and the lease settings: other settings are refused with the reason; a shorter lease after a restart waits out the longer one. */
class LeaseVoterContractTest {
  static final ActorTestKit kit = ActorTestKit.create();
  @TempDir Path dir;

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  ActorRef<LeaseVoter.Command> voter(LeaseContract c) throws Exception {
    return kit.spawn(LeaseVoter.create("w", new EpochStore(dir.resolve("voter-epochs")), dir.resolve("voter-extensions"), c, Duration.ZERO));
  }

  @Test
  void otherSettingsAreRefusedWithTheReason() throws Exception {
    LeaseContract mine = new LeaseContract(2000, 400, "abc");
    ActorRef<LeaseVoter.Command> v = voter(mine);
    TestProbe<LeaseVoter.Answer> p = kit.createTestProbe();
    v.tell(new LeaseVoter.Request("home", "n1", 1, 1, new LeaseContract(10_000, 400, "abc"), p.getRef()));
    LeaseVoter.Denied d = assertInstanceOf(LeaseVoter.Denied.class, p.receiveMessage());
    assertTrue(d.settingsDiffer());
    assertEquals("voter w: lease settings differ: hanfs.lease.duration is 10000 ms there, 2000 ms here; fix: give every node the same lease and node "
        + "settings (docs/operations.md, changing lease settings)", d.reason());
    v.tell(new LeaseVoter.Request("home", "n1", 1, 2, new LeaseContract(2000, 400, "other nodes"), p.getRef()));
    assertTrue(assertInstanceOf(LeaseVoter.Denied.class, p.receiveMessage()).reason().contains("hanfs.nodes (or cluster-name, remoting-port) differ"));
    v.tell(new LeaseVoter.Request("home", "n1", 1, 3, mine, p.getRef()));
    assertInstanceOf(LeaseVoter.Granted.class, p.receiveMessage());
  }

  @Test
  void aVoterRestartedWithAShorterLeaseWaitsOutTheLongerOne() throws Exception {
    LeaseContract longer = new LeaseContract(30_000, 400, "abc");
    ActorRef<LeaseVoter.Command> v = voter(longer);
    TestProbe<LeaseVoter.Answer> p = kit.createTestProbe();
    v.tell(new LeaseVoter.Request("home", "n1", 1, 1, longer, p.getRef()));
    assertInstanceOf(LeaseVoter.Granted.class, p.receiveMessage());
    kit.stop(v);
    // Restarted with a 2 s lease: n1's 30 s grant may still run, so n2 gets nothing yet, also
    // well after 2 s plus the margin.
    LeaseContract shorter = new LeaseContract(2000, 400, "abc");
    ActorRef<LeaseVoter.Command> again = voter(shorter);
    Thread.sleep(3000); // kept, the time under test: the shorter lease and its margin run out
    again.tell(new LeaseVoter.Request("home", "n2", 2, 1, shorter, p.getRef()));
    LeaseVoter.Denied d = assertInstanceOf(LeaseVoter.Denied.class, p.receiveMessage());
    assertTrue(d.reason().contains("restarted recently and may have forgotten a grant to n1"), d.reason());
  }
}
