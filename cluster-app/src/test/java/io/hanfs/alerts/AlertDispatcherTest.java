package io.hanfs.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hanfs.config.HanfsConfig;
import io.hanfs.metrics.Metrics;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.HistoryKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The dispatcher against a real loopback webhook receiver: order, payload, retries. */
class AlertDispatcherTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static HistoryEvent event(int n, HistoryKind kind) {
    return new HistoryEvent("n1-7-" + n, 1_780_000_000_000L + n, "nfs01", "home", kind, "nfs02", 40 + n, "reason " + n,
        Map.of("seen", "nfs01,arbiter", "n", Integer.toString(n)));
  }

  static HanfsConfig.Alerts webhook(WebhookReceiver r, int retries) {
    return webhook(r, retries, Duration.ofSeconds(5));
  }

  static HanfsConfig.Alerts webhook(WebhookReceiver r, int retries, Duration timeout) {
    return new HanfsConfig.Alerts(Optional.empty(), Optional.of(r.url()), timeout, retries, 100);
  }

  static AlertDispatcher.HookStats stats(ActorRef<AlertDispatcher.Command> d, AlertHook.Kind hook) {
    TestProbe<AlertDispatcher.Stats> probe = kit.createTestProbe();
    d.tell(new AlertDispatcher.GetStats(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10)).hooks().get(hook);
  }

  @Test
  void everyAlertingEventArrivesInOrderWithItsPayloadAndTheRestDoNot() {
    try (WebhookReceiver r = new WebhookReceiver(n -> 200)) {
      ActorRef<AlertDispatcher.Command> d = kit.spawn(AlertDispatcher.create(webhook(r, 3, Duration.ofSeconds(30)), "lab"), "alerts-order");
      List<String> expected = new ArrayList<>();
      HistoryKind[] kinds = HistoryKind.values();
      for (int i = 0; i < 40; i++) {
        HistoryEvent e = event(i, kinds[i % kinds.length]);
        if (e.kind().alerting()) expected.add(e.id());
        d.tell(new AlertDispatcher.Publish(e));
      }
      assertTrue(expected.size() < 40, "some kinds are history only");
      TestProbe<Object> wait = kit.createTestProbe();
      wait.awaitAssert(Duration.ofSeconds(60), () -> {
        assertEquals(expected, r.firstIds());
        return null;
      });
      // The 30 s per attempt: on a loaded machine the client's first request (its JIT, its pool) can outlast the default 5 s.
      assertEquals(expected.size(), r.requests().size(), "no retries against a receiver that answers 200");
      WebhookReceiver.Request first = r.requests().get(0);
      assertEquals("POST", first.method());
      assertEquals("application/json", first.contentType());
      JsonNode b = first.body();
      assertEquals(1, b.get("schema").asInt());
      assertEquals("n1-7-0", b.get("id").asText());
      assertEquals("member-down", b.get("event").asText());
      assertEquals("2026-05-28T20:26:40Z", b.get("at").asText());
      assertEquals(1_780_000_000_000L, b.get("atMillis").asLong());
      assertEquals("nfs01", b.get("origin").asText());
      assertEquals("home", b.get("resource").asText());
      assertEquals("nfs02", b.get("node").asText());
      assertEquals(40, b.get("epoch").asLong());
      assertEquals("reason 0", b.get("reason").asText());
      assertEquals("nfs01,arbiter", b.get("facts").get("seen").asText());
      assertEquals("lab", b.get("cluster").asText());
      AlertDispatcher.HookStats s = stats(d, AlertHook.Kind.WEBHOOK);
      assertEquals(new AlertDispatcher.HookStats(expected.size(), 0, 0, 0, 0, false), s);
      String scrape = new String(Metrics.of(kit.system()).scrape(), StandardCharsets.UTF_8);
      assertTrue(scrape.contains("hanfs_alerts_delivered_total{hook=\"webhook\"}"), scrape);
      kit.stop(d);
    }
  }

  /** 500, 500, then 200: the first event arrives at its third attempt (1 s, then 2 s later), the rest after it in order. */
  @Test
  void aFailingReceiverGetsTheEventAtARetryAndTheOrderHolds() {
    try (WebhookReceiver r = new WebhookReceiver(n -> n < 2 ? 500 : 200)) {
      ActorRef<AlertDispatcher.Command> d = kit.spawn(AlertDispatcher.create(webhook(r, 8), "lab"), "alerts-retry");
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        HistoryEvent e = event(i, HistoryKind.PROMOTED);
        expected.add(e.id());
        d.tell(new AlertDispatcher.Publish(e));
      }
      TestProbe<Object> wait = kit.createTestProbe();
      wait.awaitAssert(Duration.ofSeconds(15), () -> {
        assertEquals(expected, r.firstIds());
        return null;
      });
      List<String> all = r.requests().stream().map(q -> q.body().get("id").asText()).toList();
      assertEquals(List.of("n1-7-0", "n1-7-0", "n1-7-0"), all.subList(0, 3), "the same event retried, nothing overtook it");
      wait.awaitAssert(Duration.ofSeconds(5), () -> {
        assertEquals(new AlertDispatcher.HookStats(5, 2, 0, 0, 0, false), stats(d, AlertHook.Kind.WEBHOOK));
        return null;
      });
      kit.stop(d);
    }
  }

  /** No retries left: the event is dropped as given up, and the next one is delivered. */
  @Test
  void aReceiverThatNeverTakesAnEventMakesItGiveUpAndGoOn() {
    try (WebhookReceiver r = new WebhookReceiver(n -> n == 0 ? 302 : 204)) {
      ActorRef<AlertDispatcher.Command> d = kit.spawn(AlertDispatcher.create(webhook(r, 0), "lab"), "alerts-give-up");
      d.tell(new AlertDispatcher.Publish(event(1, HistoryKind.FENCED)));
      d.tell(new AlertDispatcher.Publish(event(2, HistoryKind.FENCED)));
      TestProbe<Object> wait = kit.createTestProbe();
      wait.awaitAssert(Duration.ofSeconds(60), () -> {
        assertEquals(new AlertDispatcher.HookStats(1, 1, 0, 1, 0, false), stats(d, AlertHook.Kind.WEBHOOK));
        return null;
      });
      assertEquals(List.of("n1-7-1", "n1-7-2"), r.firstIds(), "a redirect is not followed: it is a failed attempt");
      kit.stop(d);
    }
  }
}
