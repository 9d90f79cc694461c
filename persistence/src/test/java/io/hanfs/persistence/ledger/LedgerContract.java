package io.hanfs.persistence.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hanfs.persistence.ledger.LedgerEvent.Demoted;
import io.hanfs.persistence.ledger.LedgerEvent.Outdated;
import io.hanfs.persistence.ledger.LedgerEvent.Promoted;
import io.hanfs.persistence.ledger.ResourceLedger.GetSummary;
import io.hanfs.persistence.ledger.ResourceLedger.Record;
import io.hanfs.persistence.ledger.ResourceLedger.Recorded;
import io.hanfs.sbr.data.Generation;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** The ledger's contract, run against each store (embedded H2, PostgreSQL). */
abstract class LedgerContract {
  abstract LedgerStore.Settings settings();

  ActorTestKit start(String name) {
    Config config = LedgerStore.config(settings())
        .withFallback(ConfigFactory.parseString("pekko.actor.serialize-messages = on"))
        .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(name, config);
    LedgerStore.createSchema(kit.system()).toCompletableFuture().join();
    return kit;
  }

  static Recorded record(ActorTestKit kit, ActorRef<ResourceLedger.Command> ledger, LedgerEvent e) {
    TestProbe<Recorded> probe = kit.createTestProbe();
    ledger.tell(new Record(e, probe.ref()));
    return probe.expectMessageClass(Recorded.class, Duration.ofSeconds(20));
  }

  @Test
  void eventsSurviveARestartAndSnapshots() {
    String resource = "home" + System.nanoTime();
    ActorTestKit first = start("ledger1");
    try {
      ActorRef<ResourceLedger.Command> ledger = first.spawn(ResourceLedger.create(resource, "d1"));
      for (int e = 1; e <= 120; e++) record(first, ledger, new Promoted(e, new Generation(e, 0)));
      record(first, ledger, new Demoted(120));
      Recorded r = record(first, ledger, new Outdated(new Generation(121, 1)));
      assertTrue(r.summary().outdated());
      assertEquals(122, r.state().events());
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = start("ledger2");
    try {
      // Schema creation is idempotent: a second start on the same store works.
      LedgerStore.createSchema(second.system()).toCompletableFuture().join();
      ActorRef<ResourceLedger.Command> ledger = second.spawn(ResourceLedger.create(resource, "d1"));
      TestProbe<Recorded> probe = second.createTestProbe();
      ledger.tell(new GetSummary(probe.ref()));
      Recorded r = probe.expectMessageClass(Recorded.class, Duration.ofSeconds(20));
      assertEquals(122, r.state().events());
      assertEquals(new Generation(120, 0), r.summary().current());
      assertEquals(120, r.summary().lastEpoch());
      assertTrue(r.summary().outdated());
      assertEquals("Outdated", r.state().lastEvent());
      // Another node's ledger of the same resource is a different history.
      ActorRef<ResourceLedger.Command> other = second.spawn(ResourceLedger.create(resource, "d2"));
      other.tell(new GetSummary(probe.ref()));
      assertEquals(0, probe.expectMessageClass(Recorded.class, Duration.ofSeconds(20)).state().events());
    } finally {
      second.shutdownTestKit();
    }
  }
}
