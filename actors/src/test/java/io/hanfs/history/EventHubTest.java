package io.hanfs.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hanfs.persistence.ledger.LedgerStore;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.HistoryKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' hubs on one real H2 journal (each its own persistence id): an event told to one is
 * stamped, recorded by both, handed once to the alert hooks of its origin only, and a query of
 * the other still answers with it after the first hub is gone.
 */
class EventHubTest {
  Path dir;
  ActorTestKit kit;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("hanfs-hub");
    Config config = LedgerStore.config(new LedgerStore.H2(dir.resolve("ledger"))).withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("hub", config);
    LedgerStore.createSchema(kit.system()).toCompletableFuture().join();
  }

  @AfterEach
  void stop() throws Exception {
    kit.shutdownTestKit();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private List<HistoryEvent> query(ActorRef<EventHub.Command> hub, String resource) {
    TestProbe<EventHub.Events> reply = kit.createTestProbe();
    hub.tell(new EventHub.Query(resource, 0, 100, reply.getRef()));
    return reply.expectMessageClass(EventHub.Events.class, Duration.ofSeconds(10)).events();
  }

  @Test
  void anEventIsRecordedByEveryHubAndAlertedOnceByItsOrigin() {
    List<HistoryEvent> alertedN1 = new CopyOnWriteArrayList<>();
    List<HistoryEvent> alertedN2 = new CopyOnWriteArrayList<>();
    ActorRef<EventHub.Command> n1 = kit.spawn(EventHub.create("n1", 100, alertedN1::add), "history-n1");
    ActorRef<EventHub.Command> n2 = kit.spawn(EventHub.create("n2", 100, alertedN2::add), "history-n2");
    TestProbe<Object> wait = kit.createTestProbe();
    // Both hubs see each other in the receptionist before the event is told.
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      HistorySink.to(n1).publish(HistoryKind.DECIDED, "probe", "", 0, "warm-up", Map.of());
      assertTrue(query(n2, "probe").stream().anyMatch(e -> e.origin().equals("n1")));
      return null;
    });
    HistorySink.to(n1).publish(HistoryKind.FAILOVER_STARTED, "home", "n2", 7, "n1 is gone", Map.of("from", "n1"));
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      List<HistoryEvent> home = query(n2, "home");
      assertEquals(1, home.size(), home.toString());
      HistoryEvent e = home.get(0);
      assertEquals(List.of("n1", "home", HistoryKind.FAILOVER_STARTED, "n2", 7L, "n1 is gone", Map.of("from", "n1")),
          List.of(e.origin(), e.resource(), e.kind(), e.node(), e.epoch(), e.reason(), e.facts()));
      assertTrue(e.id().startsWith("n1."), e.id());
      return null;
    });
    assertEquals(1, alertedN1.stream().filter(e -> e.kind() == HistoryKind.FAILOVER_STARTED).count(), alertedN1.toString());
    assertTrue(alertedN2.stream().noneMatch(e -> e.kind() == HistoryKind.FAILOVER_STARTED), "only the origin alerts: " + alertedN2);

    // The origin's hub stops: the other's own journal still tells the event, once.
    kit.stop(n1);
    wait.awaitAssert(Duration.ofSeconds(15), () -> {
      List<HistoryEvent> home = query(n2, "home");
      assertEquals(1, home.size(), home.toString());
      return null;
    });
  }

  @Test
  void aCopyThatArrivesTwiceIsRecordedOnce() {
    ActorRef<EventHub.Command> n2 = kit.spawn(EventHub.create("n2", 100, e -> { }), "history-n2");
    HistoryEvent e = new HistoryEvent("n1.x.1", 1_000, "n1", "home", HistoryKind.PROMOTED, "n1", 3, "serving", Map.of());
    n2.tell(new EventHub.Replicate(e));
    n2.tell(new EventHub.Replicate(e));
    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(List.of(e), query(n2, "home"));
      return null;
    });
  }
}
