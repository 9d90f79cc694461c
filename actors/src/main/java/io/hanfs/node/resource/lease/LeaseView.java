package io.hanfs.node.resource.lease;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * The holder's lease as the floating IP sees it: until when it is valid (monotonic clock). The
 * kernel removes the VIP by itself when its lifetime ends, so a frozen or killed daemon stops
 * answering for the address even though nothing runs to delete it.
 */
public final class LeaseView {
  /** The kernel checks address lifetimes on whole-second ticks: removal may come up to 1 s late. */
  static final long KERNEL_LATENESS_NANOS = 1_000_000_000L;
  /** Time between computing a lifetime and the kernel applying it (one ip command, a few ms). */
  static final long APPLY_SLACK_NANOS = 100_000_000L;

  private final long marginNanos;
  private volatile long validUntilNanos = Long.MIN_VALUE;

  public LeaseView(Duration margin) {
    this.marginNanos = margin.toNanos();
  }

  /** Set by the lease after each majority round (public for tests of the VIP layer). */
  public void validUntil(long nanos) {
    validUntilNanos = nanos;
  }

  /** The lease's end (monotonic nanos), {@link Long#MIN_VALUE} when this node holds none. */
  public long validUntil() {
    return validUntilNanos;
  }

  void invalidate() {
    validUntilNanos = Long.MIN_VALUE;
  }

  public boolean valid(long now) {
    return now < validUntilNanos;
  }

  /**
   * The VIP lifetime (valid_lft, whole seconds) that ends before any voter may grant the lease
   * to another node: the lease's end plus the voters' margin, less the kernel's lateness.
   * Empty when not even one second fits.
   */
  public OptionalInt vipLifetimeSeconds(long now) {
    return vipLifetimeSeconds(validUntilNanos - now, marginNanos);
  }

  static OptionalInt vipLifetimeSeconds(long remainingNanos, long marginNanos) {
    if (remainingNanos <= 0) return OptionalInt.empty();
    long budget = remainingNanos + marginNanos - KERNEL_LATENESS_NANOS - APPLY_SLACK_NANOS;
    long seconds = budget / 1_000_000_000L;
    return seconds >= 1 ? OptionalInt.of((int) Math.min(seconds, Integer.MAX_VALUE)) : OptionalInt.empty();
  }
}
