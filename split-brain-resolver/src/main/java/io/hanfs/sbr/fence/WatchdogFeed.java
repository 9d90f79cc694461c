package io.hanfs.sbr.fence;

import io.hanfs.sbr.Role;
import java.util.List;
import java.util.Set;

/**
 * Whether this node may feed its watchdog now, pure. The watchdog resets the node {@code timeout}
 * after the last feed; the voters grant a lapsed lease to another node only {@code margin} after
 * it ended. So a feed at {@code now} is safe only when {@code now + timeout + slack} is still
 * before every held lease's end plus the margin: a node that stops renewing (frozen, cut off,
 * hung) resets before any other node may mount its data.
 */
public final class WatchdogFeed {
  private WatchdogFeed() {}

  /** The roles in which a resource's data may be in use here whatever its lease says. */
  static final Set<Role> HOLDING = Set.of(Role.PRIMARY, Role.RESTARTING, Role.DEMOTING, Role.FENCING, Role.STOP_FAILED);
  /** Roles in which the data is in use only once the lease was granted (promoting, adopting a running stack). */
  static final Set<Role> HOLDING_UNDER_LEASE = Set.of(Role.PROMOTING, Role.PROBING);

  /** Whether a resource in {@code role} may have its data in use here. */
  public static boolean inUse(Role role, long leaseValidUntil, long now) {
    return HOLDING.contains(role) || HOLDING_UNDER_LEASE.contains(role) && now < leaseValidUntil;
  }

  /**
   * One resource on this node.
   *
   * @param sharedDisk its data is on a shared disk (only such resources arm the watchdog)
   * @param inUse its data may be in use here (a shared disk: its layer claimed it; else see {@link #inUse})
   * @param leaseValidUntil this node's lease end (monotonic nanos), {@link Long#MIN_VALUE} when none
   */
  public record Resource(String name, boolean sharedDisk, boolean inUse, long leaseValidUntil) {}

  public sealed interface Action {}

  /** No shared-disk resource is held here: the watchdog is closed cleanly (magic close). */
  public record Disarm() implements Action {}

  /** Arm (if not yet) and feed. */
  public record Feed() implements Action {}

  /** Do not feed: the node resets when the watchdog's timeout runs out, unless a later decision feeds again. */
  public record Starve(String why) implements Action {}

  public static Action decide(List<Resource> resources, long now, long marginNanos, long timeoutNanos, long slackNanos) {
    List<Resource> held = resources.stream().filter(Resource::inUse).toList();
    if (held.stream().noneMatch(Resource::sharedDisk)) return new Disarm();
    for (Resource r : held) {
      if (r.leaseValidUntil() == Long.MIN_VALUE) {
        return new Starve(r.name() + " is in use here without a lease");
      }
      long leftNanos = r.leaseValidUntil() + marginNanos - now;
      if (leftNanos < timeoutNanos + slackNanos) {
        return new Starve(r.name() + " is in use here and its lease leaves " + Math.max(0, leftNanos / 1_000_000)
            + " ms with the margin, less than the watchdog's " + timeoutNanos / 1_000_000 + " ms");
      }
    }
    return new Feed();
  }
}
