package io.hanfs.sbr.alerts;

import io.hanfs.sbr.history.HistoryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The delivery state of one alert hook, as a pure value: events wait in order, one is delivered
 * at a time (so the receiver sees them in order), a failed attempt is retried after a doubling
 * backoff, and what cannot be kept is dropped and counted. The actor around it performs the
 * {@link Effect}s (runs the hook, sets the timer) and feeds back what happened; times are
 * milliseconds on one monotonic clock of the caller's.
 *
 * <p>{@code capacity} bounds the events waiting behind the current one (in flight or waiting to
 * be retried); the current event is never dropped for a newer one, so a receiver that is slow but
 * alive still gets every event it was sent.
 */
public final class AlertQueue {

  /**
   * @param capacity events that may wait behind the current one (at least 1)
   * @param retries further attempts after a failed first one
   */
  public record Settings(int capacity, int retries, Duration minBackoff, Duration maxBackoff) {
    public Settings {
      if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
      if (retries < 0) throw new IllegalArgumentException("retries " + retries);
      if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) throw new IllegalArgumentException(minBackoff + ".." + maxBackoff);
    }

    /** The wait after the {@code failed}-th failed attempt of an event: min * 2^(failed-1), at most max. */
    public long backoffMillis(int failed) {
      long min = minBackoff.toMillis();
      int shift = Math.min(Math.max(failed - 1, 0), 40);
      long d = min > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : min << shift;
      return Math.min(d, maxBackoff.toMillis());
    }
  }

  public enum DropReason {
    /** {@code capacity} events were waiting when a newer one came: the oldest waiting went. */
    QUEUE_FULL,
    /** Its last attempt failed too. */
    GAVE_UP;

    /** The metrics' and logs' name: queue-full, gave-up. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What the actor is to do. */
  public sealed interface Effect {}

  /** Start attempt {@code attempt} (1 for the first) of delivering {@code event}. */
  public record Deliver(HistoryEvent event, int attempt) implements Effect {}

  /** Call {@link #timerFired} at {@code atMillis}; attempt {@code attempt} of {@code event} waits for it. */
  public record RetryAt(HistoryEvent event, int attempt, long atMillis) implements Effect {}

  public record Dropped(HistoryEvent event, DropReason why) implements Effect {}

  /** The queue after a step, and what to do. */
  public record Step(AlertQueue next, List<Effect> effects) {
    public Step {
      effects = List.copyOf(effects);
    }
  }

  /** Running totals, for stats and metrics. */
  public record Counts(long delivered, long failedAttempts, long droppedQueueFull, long droppedGaveUp) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0);

    public long dropped() {
      return droppedQueueFull + droppedGaveUp;
    }
  }

  /** The event being delivered: its attempt in flight, or waiting until {@code retryAtMillis} for it. */
  public record Current(HistoryEvent event, int attempt, boolean inFlight, long retryAtMillis) {}

  private final Settings settings;
  private final Optional<Current> current;
  private final Fifo<HistoryEvent> waiting;
  private final Counts counts;

  private AlertQueue(Settings settings, Optional<Current> current, Fifo<HistoryEvent> waiting, Counts counts) {
    this.settings = settings;
    this.current = current;
    this.waiting = waiting;
    this.counts = counts;
  }

  public static AlertQueue empty(Settings settings) {
    return new AlertQueue(Objects.requireNonNull(settings), Optional.empty(), Fifo.empty(), Counts.ZERO);
  }

  public Settings settings() {
    return settings;
  }

  public Optional<Current> current() {
    return current;
  }

  /** The events behind the current one, oldest first. */
  public List<HistoryEvent> waiting() {
    return waiting.toList();
  }

  public int waitingCount() {
    return waiting.size();
  }

  public Counts counts() {
    return counts;
  }

  /** A new event: delivered at once when the hook is idle, else queued (dropping the oldest waiting when full). */
  public Step offer(HistoryEvent event, long nowMillis) {
    Objects.requireNonNull(event, "event");
    if (current.isEmpty()) {
      return new Step(with(Optional.of(new Current(event, 1, true, 0)), waiting, counts), List.of(new Deliver(event, 1)));
    }
    if (waiting.size() < settings.capacity()) return new Step(with(current, waiting.add(event), counts), List.of());
    HistoryEvent oldest = waiting.peek().orElseThrow();
    Counts c = new Counts(counts.delivered(), counts.failedAttempts(), counts.droppedQueueFull() + 1, counts.droppedGaveUp());
    return new Step(with(current, waiting.rest().add(event), c), List.of(new Dropped(oldest, DropReason.QUEUE_FULL)));
  }

  /** The attempt in flight ended; an end when none is in flight (a stale report) changes nothing. */
  public Step attemptEnded(boolean ok, long nowMillis) {
    if (current.isEmpty() || !current.get().inFlight()) return new Step(this, List.of());
    Current cur = current.get();
    if (ok) {
      return next(new Counts(counts.delivered() + 1, counts.failedAttempts(), counts.droppedQueueFull(), counts.droppedGaveUp()), List.of());
    }
    if (cur.attempt() <= settings.retries()) {
      Counts c = new Counts(counts.delivered(), counts.failedAttempts() + 1, counts.droppedQueueFull(), counts.droppedGaveUp());
      long at = nowMillis + settings.backoffMillis(cur.attempt());
      Current waitingRetry = new Current(cur.event(), cur.attempt() + 1, false, at);
      return new Step(with(Optional.of(waitingRetry), waiting, c), List.of(new RetryAt(cur.event(), cur.attempt() + 1, at)));
    }
    Counts c = new Counts(counts.delivered(), counts.failedAttempts() + 1, counts.droppedQueueFull(), counts.droppedGaveUp() + 1);
    return next(c, List.of(new Dropped(cur.event(), DropReason.GAVE_UP)));
  }

  /** The retry timer fired: the waiting attempt starts if its time has come (an early or stale timer is set again or ignored). */
  public Step timerFired(long nowMillis) {
    if (current.isEmpty() || current.get().inFlight()) return new Step(this, List.of());
    Current cur = current.get();
    if (nowMillis < cur.retryAtMillis()) {
      return new Step(this, List.of(new RetryAt(cur.event(), cur.attempt(), cur.retryAtMillis())));
    }
    return new Step(with(Optional.of(new Current(cur.event(), cur.attempt(), true, 0)), waiting, counts), List.of(new Deliver(cur.event(), cur.attempt())));
  }

  /** The current event is done with: the oldest waiting one starts. */
  private Step next(Counts c, List<Effect> before) {
    List<Effect> effects = new ArrayList<>(before);
    Optional<HistoryEvent> head = waiting.peek();
    if (head.isEmpty()) return new Step(with(Optional.empty(), waiting, c), effects);
    effects.add(new Deliver(head.get(), 1));
    return new Step(with(Optional.of(new Current(head.get(), 1, true, 0)), waiting.rest(), c), effects);
  }

  private AlertQueue with(Optional<Current> cur, Fifo<HistoryEvent> w, Counts c) {
    return new AlertQueue(settings, cur, w, c);
  }

  @Override
  public String toString() {
    return "AlertQueue[current=" + current + ", waiting=" + waiting.size() + ", counts=" + counts + "]";
  }
}
