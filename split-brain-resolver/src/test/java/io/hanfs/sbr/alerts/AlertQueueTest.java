package io.hanfs.sbr.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.alerts.AlertQueue.Deliver;
import io.hanfs.sbr.alerts.AlertQueue.DropReason;
import io.hanfs.sbr.alerts.AlertQueue.Dropped;
import io.hanfs.sbr.alerts.AlertQueue.Effect;
import io.hanfs.sbr.alerts.AlertQueue.RetryAt;
import io.hanfs.sbr.alerts.AlertQueue.Settings;
import io.hanfs.sbr.alerts.AlertQueue.Step;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.HistoryKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AlertQueueTest {
  static final Settings S = new Settings(3, 2, Duration.ofSeconds(1), Duration.ofSeconds(60));

  static HistoryEvent ev(int n) {
    return new HistoryEvent("n1-" + n, 1000L + n, "n1", "data", HistoryKind.FAILOVER_STARTED, "n2", 7, "event " + n, Map.of());
  }

  /** The queue after each step, the effects collected. */
  static final class Run {
    AlertQueue q;
    final List<Effect> effects = new ArrayList<>();

    Run(Settings s) {
      q = AlertQueue.empty(s);
    }

    List<Effect> apply(Step s) {
      q = s.next();
      effects.addAll(s.effects());
      return s.effects();
    }
  }

  @Test
  void anIdleHookDeliversAtOnceAndABusyOneQueuesInOrder() {
    Run r = new Run(S);
    assertEquals(List.of(new Deliver(ev(1), 1)), r.apply(r.q.offer(ev(1), 0)));
    assertEquals(List.of(), r.apply(r.q.offer(ev(2), 0)));
    assertEquals(List.of(), r.apply(r.q.offer(ev(3), 0)));
    assertEquals(List.of(ev(2), ev(3)), r.q.waiting());
    assertEquals(List.of(new Deliver(ev(2), 1)), r.apply(r.q.attemptEnded(true, 10)));
    assertEquals(List.of(new Deliver(ev(3), 1)), r.apply(r.q.attemptEnded(true, 20)));
    assertEquals(List.of(), r.apply(r.q.attemptEnded(true, 30)));
    assertTrue(r.q.current().isEmpty());
    assertEquals(new AlertQueue.Counts(3, 0, 0, 0), r.q.counts());
  }

  @Test
  void whenFullTheOldestWaitingIsDroppedAndCountedNeverTheCurrent() {
    Run r = new Run(S);
    for (int i = 1; i <= 4; i++) r.apply(r.q.offer(ev(i), 0));
    assertEquals(List.of(ev(2), ev(3), ev(4)), r.q.waiting());
    assertEquals(List.of(new Dropped(ev(2), DropReason.QUEUE_FULL)), r.apply(r.q.offer(ev(5), 0)));
    assertEquals(List.of(new Dropped(ev(3), DropReason.QUEUE_FULL)), r.apply(r.q.offer(ev(6), 0)));
    assertEquals(ev(1), r.q.current().orElseThrow().event());
    assertEquals(List.of(ev(4), ev(5), ev(6)), r.q.waiting());
    assertEquals(2, r.q.counts().droppedQueueFull());
    assertEquals(2, r.q.counts().dropped());
  }

  @Test
  void aFailedAttemptIsRetriedWithADoublingBackoffThenGivenUp() {
    Run r = new Run(new Settings(10, 3, Duration.ofSeconds(1), Duration.ofSeconds(60)));
    r.apply(r.q.offer(ev(1), 0));
    r.apply(r.q.offer(ev(2), 0));
    assertEquals(List.of(new RetryAt(ev(1), 2, 1_000)), r.apply(r.q.attemptEnded(false, 0)));
    assertEquals(List.of(new Deliver(ev(1), 2)), r.apply(r.q.timerFired(1_000)));
    assertEquals(List.of(new RetryAt(ev(1), 3, 3_000)), r.apply(r.q.attemptEnded(false, 1_000)));
    assertEquals(List.of(new Deliver(ev(1), 3)), r.apply(r.q.timerFired(3_000)));
    assertEquals(List.of(new RetryAt(ev(1), 4, 7_000)), r.apply(r.q.attemptEnded(false, 3_000)));
    assertEquals(List.of(new Deliver(ev(1), 4)), r.apply(r.q.timerFired(7_500)));
    // The fourth attempt was the last (1 + retries = 3): dropped, and the next event starts.
    assertEquals(List.of(new Dropped(ev(1), DropReason.GAVE_UP), new Deliver(ev(2), 1)), r.apply(r.q.attemptEnded(false, 8_000)));
    assertEquals(new AlertQueue.Counts(0, 4, 0, 1), r.q.counts());
    assertEquals(List.of(new Deliver(ev(2), 1)).get(0).event(), r.q.current().orElseThrow().event());
  }

  @Test
  void noRetriesMeansOneAttempt() {
    Run r = new Run(new Settings(1, 0, Duration.ofSeconds(1), Duration.ofSeconds(60)));
    r.apply(r.q.offer(ev(1), 0));
    assertEquals(List.of(new Dropped(ev(1), DropReason.GAVE_UP)), r.apply(r.q.attemptEnded(false, 5)));
    assertTrue(r.q.current().isEmpty());
  }

  @Test
  void theBackoffDoublesFromMinAndStaysAtMax() {
    List<Long> waits = new ArrayList<>();
    for (int failed = 1; failed <= 10; failed++) waits.add(S.backoffMillis(failed));
    assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L, 60_000L, 60_000L), waits);
    assertEquals(60_000L, S.backoffMillis(100), "no overflow after many attempts");
    assertEquals(Duration.ofDays(3650).toMillis(), new Settings(1, 100, Duration.ofDays(365), Duration.ofDays(3650)).backoffMillis(100), "a huge min does not overflow");
    assertEquals(0L, new Settings(1, 5, Duration.ZERO, Duration.ZERO).backoffMillis(3));
  }

  @Test
  void aSuccessAfterFailuresDeliversAndResetsTheAttemptForTheNext() {
    Run r = new Run(S);
    r.apply(r.q.offer(ev(1), 0));
    r.apply(r.q.offer(ev(2), 0));
    r.apply(r.q.attemptEnded(false, 0));
    r.apply(r.q.timerFired(1_000));
    assertEquals(List.of(new Deliver(ev(2), 1)), r.apply(r.q.attemptEnded(true, 1_200)));
    assertEquals(new AlertQueue.Counts(1, 1, 0, 0), r.q.counts());
  }

  @Test
  void anEarlyTimerIsSetAgainAndAStaleOneOrAStaleEndChangesNothing() {
    Run r = new Run(S);
    assertEquals(List.of(), r.apply(r.q.timerFired(0)), "idle: nothing to retry");
    assertEquals(List.of(), r.apply(r.q.attemptEnded(true, 0)), "idle: no attempt in flight");
    assertEquals(AlertQueue.Counts.ZERO, r.q.counts());
    r.apply(r.q.offer(ev(1), 0));
    assertEquals(List.of(), r.apply(r.q.timerFired(5)), "in flight: a timer does not start a second attempt");
    r.apply(r.q.attemptEnded(false, 100));
    assertEquals(List.of(new RetryAt(ev(1), 2, 1_100)), r.apply(r.q.timerFired(600)));
    assertEquals(List.of(), r.apply(r.q.attemptEnded(true, 700)), "waiting for a retry: no attempt in flight to end");
    assertEquals(1, r.q.counts().failedAttempts());
    assertEquals(0, r.q.counts().delivered());
    assertEquals(List.of(new Deliver(ev(1), 2)), r.apply(r.q.timerFired(1_100)));
  }

  @Test
  void aQueueWaitingForARetryStillTakesAndBoundsNewEvents() {
    Run r = new Run(new Settings(1, 5, Duration.ofSeconds(1), Duration.ofSeconds(60)));
    r.apply(r.q.offer(ev(1), 0));
    r.apply(r.q.attemptEnded(false, 0));
    assertEquals(List.of(), r.apply(r.q.offer(ev(2), 10)));
    assertEquals(List.of(new Dropped(ev(2), DropReason.QUEUE_FULL)), r.apply(r.q.offer(ev(3), 20)));
    assertEquals(ev(1), r.q.current().orElseThrow().event());
    assertFalse(r.q.current().orElseThrow().inFlight());
    assertEquals(List.of(ev(3)), r.q.waiting());
  }

  @Test
  void settingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new Settings(0, 1, Duration.ofSeconds(1), Duration.ofSeconds(2)));
    assertThrows(IllegalArgumentException.class, () -> new Settings(1, -1, Duration.ofSeconds(1), Duration.ofSeconds(2)));
    assertThrows(IllegalArgumentException.class, () -> new Settings(1, 1, Duration.ofSeconds(3), Duration.ofSeconds(2)));
    assertThrows(NullPointerException.class, () -> AlertQueue.empty(S).offer(null, 0));
    assertEquals("queue-full", DropReason.QUEUE_FULL.label());
    assertEquals("gave-up", DropReason.GAVE_UP.label());
  }

  /**
   * Random runs against a driver that performs the effects: never two attempts in flight, every
   * event delivered, dropped as full or given up exactly once, and first deliveries in offer order.
   */
  @Test
  void randomRunsKeepOrderOneInFlightAndAccountForEveryEvent() {
    for (long seed = 0; seed < 300; seed++) {
      Random rnd = new Random(seed);
      Settings s = new Settings(1 + rnd.nextInt(5), rnd.nextInt(4), Duration.ofMillis(10), Duration.ofMillis(80));
      Run r = new Run(s);
      long now = 0;
      int offered = 0;
      boolean inFlight = false;
      Long timer = null;
      List<String> firstDeliveries = new ArrayList<>();
      List<String> gone = new ArrayList<>();
      for (int step = 0; step < 400 || r.q.current().isPresent(); step++) {
        now += rnd.nextInt(30);
        List<Effect> out;
        int pick = rnd.nextInt(3);
        if (step < 400 && pick == 0) out = r.apply(r.q.offer(ev(++offered), now));
        else if (inFlight && pick == 1) {
          out = r.apply(r.q.attemptEnded(rnd.nextInt(3) > 0, now));
          inFlight = false;
        } else if (timer != null && now >= timer) {
          timer = null;
          out = r.apply(r.q.timerFired(now));
        } else continue;
        for (Effect e : out) {
          if (e instanceof Deliver d) {
            assertFalse(inFlight, "seed " + seed + ": a second attempt while one is in flight");
            inFlight = true;
            if (d.attempt() == 1) firstDeliveries.add(d.event().id());
            assertTrue(d.attempt() <= 1 + s.retries(), "seed " + seed);
          } else if (e instanceof RetryAt t) {
            assertTrue(t.atMillis() - now <= 80 && t.atMillis() >= now, "seed " + seed);
            timer = t.atMillis();
          } else if (e instanceof Dropped d) {
            gone.add(d.event().id());
          }
        }
        assertTrue(r.q.waitingCount() <= s.capacity(), "seed " + seed);
      }
      List<String> sorted = new ArrayList<>(firstDeliveries);
      sorted.sort(java.util.Comparator.comparingInt(id -> Integer.parseInt(id.substring(3))));
      assertEquals(sorted, firstDeliveries, "seed " + seed + ": first deliveries out of order");
      AlertQueue.Counts c = r.q.counts();
      assertEquals(offered, c.delivered() + c.dropped(), "seed " + seed + ": " + c);
      assertEquals(c.dropped(), gone.size(), "seed " + seed);
      assertEquals(offered, firstDeliveries.size() + c.droppedQueueFull(), "seed " + seed);
    }
  }
}
