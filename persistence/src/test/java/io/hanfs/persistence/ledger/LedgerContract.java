package io.hanfs.persistence.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hanfs.persistence.ledger.LedgerEvent.Demoted;
import io.hanfs.persistence.ledger.LedgerEvent.Outdated;
import io.hanfs.persistence.ledger.LedgerEvent.PeerOutdated;
import io.hanfs.persistence.ledger.LedgerEvent.Promoted;
import io.hanfs.persistence.ledger.ResourceLedger.GetSummary;
import io.hanfs.persistence.ledger.ResourceLedger.Record;
import io.hanfs.persistence.ledger.ResourceLedger.Recorded;
import io.hanfs.sbr.data.Generation;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
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

  static Recorded record(ActorTestKit kit, ActorRef<ResourceLedger.Command> ledger, LedgerEvent e, String writeId) {
    TestProbe<Recorded> probe = kit.createTestProbe();
    ledger.tell(new Record(e, writeId, probe.ref()));
    return probe.expectMessageClass(Recorded.class, Duration.ofSeconds(20));
  }

  /** Many identified writes at once (the ledger takes them in order): the last answer. */
  static Recorded recordAll(ActorTestKit kit, ActorRef<ResourceLedger.Command> ledger, String prefix, int from, int to) {
    TestProbe<Recorded> probe = kit.createTestProbe();
    for (int i = from; i <= to; i++) ledger.tell(new Record(new Demoted(i), prefix + i, probe.ref()));
    Recorded last = null;
    for (int i = from; i <= to; i++) last = probe.expectMessageClass(Recorded.class, Duration.ofSeconds(30));
    return last;
  }

  static Recorded summary(ActorTestKit kit, ActorRef<ResourceLedger.Command> ledger) {
    TestProbe<Recorded> probe = kit.createTestProbe();
    ledger.tell(new GetSummary(probe.ref()));
    return probe.expectMessageClass(Recorded.class, Duration.ofSeconds(20));
  }

  /** A PeerOutdated written twice would move the generation on twice: the same id is journaled once. */
  @Test
  void theSameWriteIdIsRecordedOnceAndNoIdAlways() {
    String resource = "ids" + System.nanoTime();
    ActorTestKit kit = start("ledgerIds");
    try {
      ActorRef<ResourceLedger.Command> ledger = kit.spawn(ResourceLedger.create(resource, "d1"));
      LedgerEvent e = new PeerOutdated("d2", new Generation(3, 1));
      Recorded first = record(kit, ledger, e, "leader-a/1");
      Recorded again = record(kit, ledger, e, "leader-a/1");
      assertEquals(1, again.state().events());
      assertEquals(first.summary(), again.summary());
      assertEquals(first.state(), again.state());
      // "" is no id: each write is journaled.
      record(kit, ledger, new Demoted(3), "");
      assertEquals(3, record(kit, ledger, new Demoted(3), "").state().events());
      assertEquals(4, record(kit, ledger, new Demoted(3)).state().events());
      // Journal format: events without an id stay bare (as old journals hold them), identified ones are wrapped.
      JdbcReadJournal journal = PersistenceQuery.get(kit.system()).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      List<Object> entries = journal.currentEventsByPersistenceId(ResourceLedger.persistenceId(resource, "d1").id(), 0, Long.MAX_VALUE)
          .map(EventEnvelope::event).runWith(Sink.seq(), kit.system()).toCompletableFuture().join();
      assertEquals(List.of(new LedgerEntry.Identified("leader-a/1", e), new Demoted(3), new Demoted(3), new Demoted(3)), entries);
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void writeIdsSurviveARestartAndASnapshot() {
    String fromJournal = "idsJournal" + System.nanoTime();
    String fromSnapshot = "idsSnapshot" + System.nanoTime();
    ActorTestKit first = start("ledgerIds1");
    try {
      record(first, first.spawn(ResourceLedger.create(fromJournal, "d1")), new Demoted(1), "w-1");
      // 120 identified events: recovery starts from the snapshot at 100, which holds w-1.
      assertEquals(120, recordAll(first, first.spawn(ResourceLedger.create(fromSnapshot, "d1")), "w-", 1, 120).state().events());
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = start("ledgerIds2");
    try {
      ActorRef<ResourceLedger.Command> journaled = second.spawn(ResourceLedger.create(fromJournal, "d1"));
      assertEquals(1, record(second, journaled, new Demoted(1), "w-1").state().events());
      ActorRef<ResourceLedger.Command> snapshotted = second.spawn(ResourceLedger.create(fromSnapshot, "d1"));
      assertEquals(120, record(second, snapshotted, new Demoted(1), "w-1").state().events());
      assertEquals(120, record(second, snapshotted, new Demoted(120), "w-120").state().events());
      assertEquals(121, record(second, snapshotted, new Demoted(121), "w-121").state().events());
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void aLedgerRemembersTheLast512WriteIds() {
    String resource = "idsWindow" + System.nanoTime();
    ActorTestKit kit = start("ledgerIdsWindow");
    try {
      ActorRef<ResourceLedger.Command> ledger = kit.spawn(ResourceLedger.create(resource, "d1"));
      // id-0 .. id-512: id-0 is the 513th id ago, id-1 the 512th.
      assertEquals(ResourceLedger.MAX_WRITE_IDS + 1, recordAll(kit, ledger, "id-", 0, ResourceLedger.MAX_WRITE_IDS).state().events());
      assertEquals(513, record(kit, ledger, new Demoted(1), "id-1").state().events());
      assertEquals(514, record(kit, ledger, new Demoted(0), "id-0").state().events());
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aBadWriteIdIsRejected() {
    LedgerEvent e = new Demoted(1);
    for (String bad : new String[] {"has space", "tab\t", "caf\u00e9", "x".repeat(129), "nul\u0000", null}) {
      assertTrue(ResourceLedger.writeIdProblem(bad).isPresent(), String.valueOf(bad));
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new Record(e, bad, null), String.valueOf(bad));
      assertTrue(ex.getMessage().contains("visible ASCII"), ex.getMessage());
    }
    for (String good : new String[] {"", "a", "x".repeat(128), "!~0123/home@d1:7"}) {
      assertTrue(ResourceLedger.writeIdProblem(good).isEmpty(), good);
    }
    assertInstanceOf(Record.class, new Record(e, "x".repeat(128), null));
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
