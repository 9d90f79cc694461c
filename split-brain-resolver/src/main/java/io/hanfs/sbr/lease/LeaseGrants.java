package io.hanfs.sbr.lease;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A voter's book of active-role leases, one per resource: a pure data structure over a
 * monotonic clock reading passed in by the caller (never a wall clock, never another node's).
 *
 * <p>Rules: a grant lasts {@code duration} from when this voter received the request. Another
 * holder, or an older epoch, gets nothing until the current grant has expired here plus
 * {@code margin} (the holder stops serving at its own send time + duration, which is earlier).
 * Epochs never go back: a request with an epoch lower than the highest this voter has seen for
 * the resource is refused, so a stale leader or node cannot win a majority.
 */
public final class LeaseGrants {

  public record Grant(String holder, long epoch, long expiresAtNanos) {}

  public sealed interface Answer {}

  public record Granted(long epoch, long validForNanos) implements Answer {}

  public record Refused(String reason, long highestEpoch, Optional<String> holder) implements Answer {}

  private final long durationNanos;
  private final long marginNanos;
  private final Map<String, Grant> grants = new HashMap<>();
  private final Map<String, Long> highest = new HashMap<>();
  private final Map<String, String> highestHolder = new HashMap<>();

  public LeaseGrants(long durationNanos, long marginNanos) {
    this.durationNanos = durationNanos;
    this.marginNanos = marginNanos;
  }

  /** Restores the highest epochs persisted by this voter before a restart. */
  public void restoreHighest(String resource, long epoch) {
    highest.merge(resource, epoch, Math::max);
  }

  /** Restores the highest epoch together with the node it was granted to. */
  public void restoreHighest(String resource, long epoch, String holder) {
    if (epoch >= highestEpoch(resource)) {
      highest.put(resource, epoch);
      highestHolder.put(resource, holder);
    }
  }

  public long highestEpoch(String resource) {
    return highest.getOrDefault(resource, 0L);
  }

  public Optional<Grant> current(String resource, long now) {
    Grant g = grants.get(resource);
    return g != null && now < g.expiresAtNanos() ? Optional.of(g) : Optional.empty();
  }

  /** True while another holder must still wait: the grant has not expired plus the margin. */
  public boolean blocking(String resource, long now) {
    Grant g = grants.get(resource);
    return g != null && now < g.expiresAtNanos() + marginNanos;
  }

  public Answer request(String resource, String holder, long epoch, long now) {
    long top = highestEpoch(resource);
    if (epoch < top) {
      return new Refused("epoch " + epoch + " is older than epoch " + top + " seen by this voter", top, Optional.ofNullable(grants.get(resource)).map(Grant::holder));
    }
    String topHolder = highestHolder.get(resource);
    if (epoch == top && topHolder != null && !topHolder.equals(holder)) {
      return new Refused("epoch " + epoch + " belongs to " + topHolder + "; a new holder needs a new epoch", top, Optional.of(topHolder));
    }
    Grant g = grants.get(resource);
    if (g != null && !g.holder().equals(holder) && now < g.expiresAtNanos() + marginNanos) {
      long waitMs = (g.expiresAtNanos() + marginNanos - now) / 1_000_000;
      return new Refused("held by " + g.holder() + " (epoch " + g.epoch() + ") for " + waitMs + " ms more", top, Optional.of(g.holder()));
    }
    if (g != null && g.holder().equals(holder) && epoch < g.epoch()) {
      return new Refused("epoch " + epoch + " is older than this holder's epoch " + g.epoch(), top, Optional.of(holder));
    }
    grants.put(resource, new Grant(holder, epoch, now + durationNanos));
    highest.put(resource, Math.max(top, epoch));
    highestHolder.put(resource, holder);
    return new Granted(epoch, durationNanos);
  }

  /** The holder gives the lease back (a clean demote): another node may be granted at once. */
  public boolean release(String resource, String holder, long epoch) {
    Grant g = grants.get(resource);
    if (g != null && g.holder().equals(holder) && g.epoch() == epoch) {
      grants.remove(resource);
      return true;
    }
    return false;
  }

  /**
   * A longer grant for a holder that restarts its daemon on purpose: the running NFS stack stays
   * up while the new daemon starts, and nobody else is granted meanwhile.
   */
  public Answer extend(String resource, String holder, long epoch, long now, long forNanos) {
    Grant g = grants.get(resource);
    if (g == null || !g.holder().equals(holder) || g.epoch() != epoch || now >= g.expiresAtNanos()) {
      return new Refused("no live grant of epoch " + epoch + " for " + holder + " to extend", highestEpoch(resource), Optional.ofNullable(g).map(Grant::holder));
    }
    grants.put(resource, new Grant(holder, epoch, now + forNanos));
    return new Granted(epoch, forNanos);
  }
}
