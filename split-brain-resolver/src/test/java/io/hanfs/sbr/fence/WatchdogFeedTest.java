package io.hanfs.sbr.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.Role;
import io.hanfs.sbr.lease.LeaseGrants;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchdogFeedTest {
  static final long MS = 1_000_000;
  static final long L = 2000 * MS;
  static final long M = 1000 * MS;
  static final long T = 1000 * MS;
  static final long SLACK = 200 * MS;
  static final List<Role> ROLES = List.of(Role.UNKNOWN, Role.PROBING, Role.SECONDARY, Role.PROMOTING, Role.PRIMARY, Role.DEMOTING, Role.RESTARTING,
      Role.FENCING, Role.STOP_FAILED, Role.START_FAILED, Role.NEEDS_MOVE);

  static WatchdogFeed.Action decide(long now, WatchdogFeed.Resource... rs) {
    return WatchdogFeed.decide(List.of(rs), now, M, T, SLACK);
  }

  /** Every role, shared or not, lease or none, any time left: a feed never outlives a held lease plus the margin. */
  @Test
  void aFeedNeverOutlivesAHeldLease() {
    long now = 10_000 * MS;
    for (Role role : ROLES) {
      for (boolean shared : List.of(true, false)) {
        for (long left = -3000; left <= 3000; left += 50) {
          long until = left == -3000 ? Long.MIN_VALUE : now + left * MS;
          WatchdogFeed.Resource r = new WatchdogFeed.Resource("home", shared, WatchdogFeed.inUse(role, until, now), until);
          WatchdogFeed.Resource other = new WatchdogFeed.Resource("shared", true, true, now + L);
          for (List<WatchdogFeed.Resource> set : List.of(List.of(r), List.of(r, other))) {
            WatchdogFeed.Action a = WatchdogFeed.decide(set, now, M, T, SLACK);
            if (a instanceof WatchdogFeed.Feed) {
              for (WatchdogFeed.Resource x : set) {
                if (x.inUse()) assertTrue(now + T + SLACK <= x.leaseValidUntil() + M, role + " " + left + " ms: " + set);
              }
            }
            boolean anySharedHeld = set.stream().anyMatch(x -> x.sharedDisk() && x.inUse());
            assertEquals(!anySharedHeld, a instanceof WatchdogFeed.Disarm, role + " " + shared + " " + left + ": " + a);
          }
        }
      }
    }
  }

  @Test
  void onlyASharedDiskArmsIt() {
    long now = 0;
    assertInstanceOf(WatchdogFeed.Disarm.class, decide(now, new WatchdogFeed.Resource("drbd", false, true, Long.MIN_VALUE)));
    assertInstanceOf(WatchdogFeed.Disarm.class, decide(now, new WatchdogFeed.Resource("home", true, false, Long.MIN_VALUE)));
    assertInstanceOf(WatchdogFeed.Feed.class, decide(now, new WatchdogFeed.Resource("home", true, true, now + L)));
    // Armed by the shared disk, a DRBD resource without its lease stops the feeding too.
    assertInstanceOf(WatchdogFeed.Starve.class, decide(now, new WatchdogFeed.Resource("home", true, true, now + L),
        new WatchdogFeed.Resource("drbd", false, true, Long.MIN_VALUE)));
    // Demoting after the lease was lost: still mounted, so the watchdog runs out.
    WatchdogFeed.Action a = decide(now, new WatchdogFeed.Resource("home", true, true, Long.MIN_VALUE));
    assertTrue(a instanceof WatchdogFeed.Starve s && s.why().contains("without a lease"), a.toString());
  }

  @Test
  void rolesThatHoldTheData() {
    for (Role role : ROLES) {
      boolean always = List.of(Role.PRIMARY, Role.RESTARTING, Role.DEMOTING, Role.FENCING, Role.STOP_FAILED).contains(role);
      boolean underLease = List.of(Role.PROMOTING, Role.PROBING).contains(role);
      assertEquals(always, WatchdogFeed.inUse(role, Long.MIN_VALUE, 0), role.display());
      assertEquals(always || underLease, WatchdogFeed.inUse(role, L, 0), role.display());
    }
  }

  /**
   * The holder renews every L/8 until it freezes; the watchdog is fed on a 100 ms tick while
   * the decision allows. Whatever the freeze time, the reset (last feed + T) comes before the
   * voters grant the lease to another node.
   */
  @Test
  void theResetComesBeforeAnotherNodeMayHoldTheLease() {
    for (long freezeAt = 0; freezeAt < 2 * L; freezeAt += 37 * MS) {
      LeaseGrants voter = new LeaseGrants(L, M);
      long validUntil = Long.MIN_VALUE;
      long lastFeed = Long.MIN_VALUE;
      long otherGranted = Long.MAX_VALUE;
      for (long now = 0; now < 4 * L + freezeAt; now += 10 * MS) {
        if (now <= freezeAt && now % (L / 8) == 0 && voter.request("home", "n1", 1, now) instanceof LeaseGrants.Granted) {
          validUntil = now + L;
        }
        if (now <= freezeAt && now % (100 * MS) == 0
            && decide(now, new WatchdogFeed.Resource("home", true, true, validUntil)) instanceof WatchdogFeed.Feed) {
          lastFeed = now;
        }
        if (otherGranted == Long.MAX_VALUE && voter.request("home", "n2", 2, now) instanceof LeaseGrants.Granted) otherGranted = now;
      }
      assertTrue(lastFeed + T < otherGranted, "freeze at " + freezeAt / MS + " ms: reset by " + (lastFeed + T) / MS
          + " ms, another node holds the lease at " + otherGranted / MS + " ms");
    }
  }
}
