package io.hanfs.persistence.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hanfs.persistence.history.HistoryJournal.Record;
import io.hanfs.persistence.history.HistoryJournal.Recorded;
import io.hanfs.persistence.history.HistoryReader.Query;
import io.hanfs.persistence.ledger.LedgerStore;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.HistoryKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** The history journal and reader, run against each store (embedded H2, PostgreSQL). */
abstract class HistoryContract {
  abstract LedgerStore.Settings settings();

  ActorTestKit start(String name) {
    Config config = LedgerStore.config(settings())
        .withFallback(ConfigFactory.parseString("pekko.actor.serialize-messages = on"))
        .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(name, config);
    LedgerStore.createSchema(kit.system()).toCompletableFuture().join();
    return kit;
  }

  static HistoryEvent event(String id, long at, String resource, HistoryKind kind, String node) {
    return new HistoryEvent(id, at, "d1", resource, kind, node, 3, kind.display() + " " + id, Map.of("from", "d2", "millis", "120"));
  }

  static Recorded record(ActorTestKit kit, ActorRef<HistoryJournal.Command> journal, HistoryEvent e) {
    TestProbe<Recorded> probe = kit.createTestProbe();
    journal.tell(new Record(e, Optional.of(probe.ref())));
    return probe.expectMessageClass(Recorded.class, Duration.ofSeconds(20));
  }

  static List<HistoryEvent> read(ActorTestKit kit, String node, Query q) {
    return new HistoryReader(kit.system()).read(node, q).toCompletableFuture().join();
  }

  static List<String> ids(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::id).toList();
  }

  static String node(String name) {
    return name + System.nanoTime();
  }

  @Test
  void eventsAreReadBackWithTheirFactsIntact() {
    String node = node("facts");
    ActorTestKit kit = start("historyFacts");
    try {
      ActorRef<HistoryJournal.Command> journal = kit.spawn(HistoryJournal.create(node));
      HistoryEvent step = new HistoryEvent("d2-7/1", 1_000, "d2", "home", HistoryKind.STEP, "d2", 4, "nfs up",
          Map.of("layer", "nfs", "op", "start", "millis", "830"));
      HistoryEvent down = new HistoryEvent("d1-9/2", 2_000, "d1", "", HistoryKind.MEMBER_DOWN, "d3", 0, "unreachable", Map.of());
      assertEquals(new Recorded("d2-7/1", true), record(kit, journal, step));
      assertEquals(new Recorded("d1-9/2", true), record(kit, journal, down));
      assertEquals(List.of(step, down), read(kit, node, new Query("", 0, 100)));
      assertEquals(Map.of("layer", "nfs", "op", "start", "millis", "830"), read(kit, node, new Query("home", 0, 100)).get(0).facts());
      // No reply wanted: recorded all the same.
      journal.tell(new Record(event("d1-9/3", 3_000, "home", HistoryKind.DECIDED, ""), Optional.empty()));
      assertFalse(record(kit, journal, event("d1-9/3", 3_000, "home", HistoryKind.DECIDED, "")).fresh());
      assertEquals(3, read(kit, node, new Query("", 0, 100)).size());
      assertEquals(List.of(), read(kit, node("nobody"), new Query("", 0, 100)));
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aCopyThatArrivesAgainIsRecordedOnceAlsoAfterARecovery() {
    String node = node("dups");
    HistoryEvent e = event("d2-1/1", 1_000, "home", HistoryKind.PROMOTED, "d2");
    ActorTestKit kit = start("historyDups");
    try {
      ActorRef<HistoryJournal.Command> journal = kit.spawn(HistoryJournal.create(node));
      assertTrue(record(kit, journal, e).fresh());
      assertFalse(record(kit, journal, e).fresh());
      kit.stop(journal);
      ActorRef<HistoryJournal.Command> recovered = kit.spawn(HistoryJournal.create(node));
      assertEquals(new Recorded("d2-1/1", false), record(kit, recovered, e));
      assertTrue(record(kit, recovered, event("d2-1/2", 1_001, "home", HistoryKind.STEP, "d2")).fresh());
      assertEquals(List.of("d2-1/1", "d2-1/2"), ids(read(kit, node, new Query("", 0, 100))));
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void queriesFilterByResourceTimeAndLimitNewestByTimeOldestFirst() {
    String node = node("filters");
    ActorTestKit kit = start("historyFilters");
    try {
      ActorRef<HistoryJournal.Command> journal = kit.spawn(HistoryJournal.create(node));
      // Arrival order is not time order: e3 (a late replica) comes last.
      record(kit, journal, event("e1", 1_000, "home", HistoryKind.FAILOVER_STARTED, "d2"));
      record(kit, journal, event("e2", 2_000, "", HistoryKind.MEMBER_DOWN, "d1"));
      record(kit, journal, event("e4", 4_000, "data", HistoryKind.MOVE_STARTED, "d1"));
      record(kit, journal, event("e5", 5_000, "home", HistoryKind.FAILOVER_DONE, "d2"));
      record(kit, journal, event("e3", 3_000, "home", HistoryKind.PROMOTED, "d2"));
      // Same millisecond: by id.
      record(kit, journal, event("e6b", 6_000, "data", HistoryKind.MOVE_DONE, "d1"));
      record(kit, journal, event("e6a", 6_000, "data", HistoryKind.STEP, "d1"));
      assertEquals(List.of("e1", "e2", "e3", "e4", "e5", "e6a", "e6b"), ids(read(kit, node, new Query("", 0, 100))));
      // Cluster-wide events (members) concern every resource.
      assertEquals(List.of("e1", "e2", "e3", "e5"), ids(read(kit, node, new Query("home", 0, 100))));
      assertEquals(List.of("e2", "e4", "e6a", "e6b"), ids(read(kit, node, new Query("data", 0, 100))));
      assertEquals(List.of("e2"), ids(read(kit, node, new Query("other", 0, 100))));
      assertEquals(List.of("e3", "e4", "e5", "e6a", "e6b"), ids(read(kit, node, new Query("", 3_000, 100))));
      assertEquals(List.of("e6a", "e6b"), ids(read(kit, node, new Query("", 0, 2))));
      assertEquals(List.of("e3", "e5"), ids(read(kit, node, new Query("home", 2_500, 2))));
      assertEquals(List.of("e5"), ids(read(kit, node, new Query("home", 0, 1))));
      assertEquals(List.of(), ids(read(kit, node, new Query("", 7_000, 10))));
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void historySurvivesARestartOfTheActorSystem() {
    String node = node("restart");
    ActorTestKit first = start("history1");
    try {
      ActorRef<HistoryJournal.Command> journal = first.spawn(HistoryJournal.create(node));
      for (int i = 1; i <= 5; i++) record(first, journal, event("r" + i, i * 1_000L, "home", HistoryKind.STEP, "d1"));
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = start("history2");
    try {
      assertEquals(List.of("r1", "r2", "r3", "r4", "r5"), ids(read(second, node, new Query("", 0, 100))));
      ActorRef<HistoryJournal.Command> journal = second.spawn(HistoryJournal.create(node));
      assertFalse(record(second, journal, event("r3", 3_000, "home", HistoryKind.STEP, "d1")).fresh());
      assertTrue(record(second, journal, event("r6", 6_000, "home", HistoryKind.STEP, "d1")).fresh());
      assertEquals(List.of("r5", "r6"), ids(read(second, node, new Query("home", 0, 2))));
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void retentionKeepsTheNewestEventsAndTheIdsAcrossSnapshots() {
    String node = node("retention");
    ActorTestKit kit = start("historyRetention");
    try {
      ActorRef<HistoryJournal.Command> journal = kit.spawn(HistoryJournal.create(node, 10));
      for (int i = 1; i <= 35; i++) record(kit, journal, event("k" + i, i * 1_000L, "home", HistoryKind.STEP, "d1"));
      // Deletion follows the snapshot asynchronously: wait for it.
      List<String> kept = List.of();
      for (long deadline = System.nanoTime() + 20_000_000_000L; System.nanoTime() < deadline; ) {
        kept = ids(read(kit, node, new Query("", 0, 1000)));
        if (kept.size() <= 19) break;
      }
      assertTrue(kept.size() >= 10 && kept.size() <= 19, kept.toString());
      assertEquals(IntStream.rangeClosed(36 - kept.size(), 35).mapToObj(i -> "k" + i).toList(), kept);
      // Recovery from the snapshot still knows an id whose event was deleted.
      kit.stop(journal);
      ActorRef<HistoryJournal.Command> recovered = kit.spawn(HistoryJournal.create(node, 10));
      assertFalse(record(kit, recovered, event("k1", 1_000, "home", HistoryKind.STEP, "d1")).fresh());
      assertFalse(record(kit, recovered, event("k35", 35_000, "home", HistoryKind.STEP, "d1")).fresh());
      assertTrue(record(kit, recovered, event("k36", 36_000, "home", HistoryKind.STEP, "d1")).fresh());
    } finally {
      kit.shutdownTestKit();
    }
  }
}
