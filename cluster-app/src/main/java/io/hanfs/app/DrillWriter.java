package io.hanfs.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The drill's client: starts a record every 1/rate seconds whether or not the earlier ones
 * finished (a write stuck on a dead server must not hide that the server is back), up to a bound
 * of writes in flight, and keeps each attempt's start, end and whether it was acknowledged.
 */
final class DrillWriter {
  /** One record's write: {@code acked} when it returned durable; {@code error} why not. */
  record Attempt(long seq, long startMillis, long endMillis, boolean acked, String error) {}

  static final int MAX_IN_FLIGHT = 32;

  private final DrillRecords records;
  private final int rate;
  private final LongSupplier clock;
  private final List<Attempt> attempts = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final ExecutorService pool = Executors.newFixedThreadPool(MAX_IN_FLIGHT, r -> {
    Thread t = new Thread(r, "drill-write");
    t.setDaemon(true); // a write hung on a hard mount must not keep the JVM alive
    return t;
  });
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private Thread ticker;
  private long acked;
  private long skipped;

  DrillWriter(DrillRecords records, int recordsPerSecond, LongSupplier clockMillis) {
    this.records = records;
    this.rate = recordsPerSecond;
    this.clock = clockMillis;
  }

  void start() {
    running.set(true);
    ticker = new Thread(this::tick, "drill-ticker");
    ticker.setDaemon(true);
    ticker.start();
  }

  private void tick() {
    long periodNanos = 1_000_000_000L / rate;
    long next = System.nanoTime();
    long seq = 1;
    while (running.get()) {
      if (inFlight.tryAcquire()) {
        long s = seq++;
        pool.execute(() -> writeOne(s));
      } else {
        synchronized (this) {
          skipped++;
        }
      }
      next += periodNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void writeOne(long seq) {
    long start = clock.getAsLong();
    String error = "";
    boolean ok;
    try {
      records.write(seq);
      ok = true;
    } catch (Exception e) {
      ok = false;
      error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    } finally {
      inFlight.release();
    }
    synchronized (this) {
      attempts.add(new Attempt(seq, start, clock.getAsLong(), ok, error));
      if (ok) acked++;
      notifyAll();
    }
  }

  synchronized long acked() {
    return acked;
  }

  /** Waits until {@code n} records are acknowledged in all; false when {@code max} ran out first. */
  synchronized boolean awaitAcked(long n, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (acked < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Stops starting records and waits up to {@code grace} for those in flight; those still hanging are not acknowledged. */
  void stop(Duration grace) throws InterruptedException {
    running.set(false);
    if (ticker != null) ticker.interrupt();
    if (ticker != null) ticker.join(1000);
    pool.shutdown();
    pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every finished attempt so far, by start. */
  synchronized List<Attempt> attempts() {
    List<Attempt> out = new ArrayList<>(attempts);
    out.sort(java.util.Comparator.comparingLong(Attempt::startMillis).thenComparingLong(Attempt::seq));
    return out;
  }

  /** Records not started because {@link #MAX_IN_FLIGHT} writes were hanging. */
  synchronized long skipped() {
    return skipped;
  }
}
