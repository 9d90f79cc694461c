package io.hanfs.alerts;

import static io.hanfs.alerts.AlertDispatcherTest.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hanfs.config.HanfsConfig;
import io.hanfs.metrics.Metrics;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.HistoryKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher running a real script, and a hanging script beside a webhook. */
class AlertScriptTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @TempDir Path dir;

  Path script(String body) throws Exception {
    Path p = dir.resolve("hanfs-alert");
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  /** One line per call: the argument, the HANFS_* variables, then the JSON from stdin. */
  @Test
  void theScriptGetsTheEventAsItsArgumentItsEnvironmentAndJsonOnStdin() throws Exception {
    Path out = dir.resolve("calls");
    Path s = script("printf '%s|%s|%s|%s|%s|%s|' \"$1\" \"$HANFS_EVENT\" \"$HANFS_RESOURCE\" \"$HANFS_NODE\" \"$HANFS_EPOCH\" \"$HANFS_REASON\" >> " + out
        + "\ncat >> " + out + "\n");
    HanfsConfig.Alerts alerts = new HanfsConfig.Alerts(Optional.of(s), Optional.empty(), Duration.ofSeconds(10), 2, 100);
    ActorRef<AlertDispatcher.Command> d = kit.spawn(AlertDispatcher.create(alerts, "lab"), "alerts-script");
    List<HistoryEvent> sent = List.of(event(1, HistoryKind.FAILOVER_STARTED), event(2, HistoryKind.STEP), event(3, HistoryKind.FAILOVER_DONE),
        event(4, HistoryKind.LEASE_LOST));
    sent.forEach(e -> d.tell(new AlertDispatcher.Publish(e)));
    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(Files.exists(out) && Files.readAllLines(out).size() == 3, () -> "calls so far: " + read(out));
      return null;
    });
    List<String> lines = Files.readAllLines(out);
    assertEquals("failover-started|failover-started|home|nfs02|41|reason 1|", lines.get(0).substring(0, lines.get(0).indexOf('{')));
    assertTrue(lines.get(1).startsWith("failover-done|failover-done|home|nfs02|43|reason 3|"), lines.get(1));
    assertTrue(lines.get(2).startsWith("lease-lost|"), lines.get(2));
    JsonNode json = WebhookReceiver.JSON.readTree(lines.get(0).substring(lines.get(0).indexOf('{')));
    assertEquals("n1-7-1", json.get("id").asText());
    assertEquals("failover-started", json.get("event").asText());
    assertEquals("lab", json.get("cluster").asText());
    assertEquals(41, json.get("epoch").asLong());
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(new AlertDispatcher.HookStats(3, 0, 0, 0, 0, false), AlertDispatcherTest.stats(d, AlertHook.Kind.SCRIPT));
      return null;
    });
    kit.stop(d);
  }

  /**
   * A script that hangs (sleep 30): publishing returns at once, the webhook beside it gets every
   * event while it sleeps, stats answer at once, and its queue keeps the newest 10 and counts the rest.
   */
  @Test
  void aHangingScriptDelaysNeitherThePublisherNorTheStatsNorTheWebhook() throws Exception {
    Path pids = dir.resolve("pids");
    Path stopFile = dir.resolve("stop");
    Path s = script("[ -e " + stopFile + " ] && exit 0\necho $$ >> " + pids + "\nexec sleep 30\n");
    try (WebhookReceiver r = new WebhookReceiver(n -> 200)) {
      HanfsConfig.Alerts alerts = new HanfsConfig.Alerts(Optional.of(s), Optional.of(r.url()), Duration.ofSeconds(60), 0, 10);
      ActorRef<AlertDispatcher.Command> d = kit.spawn(AlertDispatcher.create(alerts, "lab"), "alerts-hanging");
      List<String> expected = new ArrayList<>();
      TestProbe<Object> wait = kit.createTestProbe();
      long publishing = 0;
      for (int i = 0; i < 50; i++) {
        HistoryEvent e = event(i, HistoryKind.MEMBER_DOWN);
        expected.add(e.id());
        long start = System.nanoTime();
        d.tell(new AlertDispatcher.Publish(e));
        publishing += System.nanoTime() - start;
        // The webhook takes each event promptly while the script hangs (both hooks share the
        // queue bound: a burst faster than the webhook answers would fill its queue too).
        wait.awaitAssert(Duration.ofSeconds(2), () -> {
          assertEquals(expected, r.firstIds(), "the webhook is a queue of its own");
          return null;
        });
      }
      assertTrue(publishing < Duration.ofSeconds(1).toNanos(), "publishing only enqueues: " + publishing / 1_000_000 + " ms");
      wait.awaitAssert(Duration.ofSeconds(10), () -> {
        assertTrue(Files.exists(pids), "the script started");
        return null;
      });
      try {
        TestProbe<AlertDispatcher.Stats> probe = kit.createTestProbe();
        d.tell(new AlertDispatcher.GetStats(probe.getRef()));
        AlertDispatcher.Stats stats = probe.receiveMessage(Duration.ofSeconds(2));
        // The first event is in flight; ten wait; the 39 older waiting ones were dropped as the newer came.
        assertEquals(new AlertDispatcher.HookStats(0, 0, 39, 0, 10, true), stats.hooks().get(AlertHook.Kind.SCRIPT));
        assertEquals(expected, r.firstIds());
        assertEquals(new AlertDispatcher.HookStats(50, 0, 0, 0, 0, false), AlertDispatcherTest.stats(d, AlertHook.Kind.WEBHOOK));
        assertEquals(1, Files.readAllLines(pids).size(), "one attempt of the script at a time");
        String scrape = new String(Metrics.of(kit.system()).scrape(), StandardCharsets.UTF_8);
        assertTrue(scrape.contains("hanfs_alerts_dropped_total{hook=\"script\",why=\"queue-full\"} 39.0"), scrape);
      } finally {
        // Ends the sleeps this test started: later calls exit at once, the running one is killed.
        Files.writeString(stopFile, "");
        kit.stop(d);
        for (String pid : Files.readAllLines(pids)) ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroy);
      }
    }
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "(none)";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
