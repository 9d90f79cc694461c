package io.hanfs.sbr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which nodes may not be promoted for a while because a promotion failed there, plain data
 * without actors. A failure is retried once (it can be a passing fault); a second failure in a
 * row bans the node for the resource's failure-timeout. A failure because another holder still
 * had the data is not counted at all (the caller does not report it). Operators clear bans.
 */
public final class PromotionBans {
  public record Key(String resource, String node) {}

  /** @param untilEpochMillis the same end on the wall clock, for status */
  public record Ban(String resource, String node, long untilNanos, long untilEpochMillis, String reason) {}

  private final Map<Key, Integer> failuresInARow = new HashMap<>();
  private final Map<Key, Ban> bans = new HashMap<>();

  /** A promotion failed on the node; returns the ban when this failure made one. */
  public Optional<Ban> promoteFailed(String resource, String node, String why, long nowNanos, long nowMillis, Duration failureTimeout) {
    Key k = new Key(resource, node);
    int n = failuresInARow.merge(k, 1, Integer::sum);
    if (n < 2) return Optional.empty();
    failuresInARow.remove(k);
    Ban b = new Ban(resource, node, nowNanos + failureTimeout.toNanos(), nowMillis + failureTimeout.toMillis(),
        "promotion failed " + n + " times in a row: " + why);
    bans.put(k, b);
    return Optional.of(b);
  }

  public void promoted(String resource, String node) {
    failuresInARow.remove(new Key(resource, node));
    bans.remove(new Key(resource, node));
  }

  public boolean banned(String resource, String node, long nowNanos) {
    Ban b = bans.get(new Key(resource, node));
    return b != null && b.untilNanos() > nowNanos;
  }

  /** The bans still in force, expired ones dropped. */
  public List<Ban> active(long nowNanos) {
    bans.values().removeIf(b -> b.untilNanos() <= nowNanos);
    return bans.values().stream().sorted(java.util.Comparator.comparing(Ban::resource).thenComparing(Ban::node)).toList();
  }

  /**
   * Clears the bans and failure counts of a node (every resource) or of a resource (every node);
   * returns the bans that were in force.
   */
  public List<Ban> clear(String nodeOrResource, long nowNanos) {
    List<Ban> cleared = new ArrayList<>();
    for (Ban b : active(nowNanos)) if (b.node().equals(nodeOrResource) || b.resource().equals(nodeOrResource)) cleared.add(b);
    bans.keySet().removeIf(k -> k.node().equals(nodeOrResource) || k.resource().equals(nodeOrResource));
    failuresInARow.keySet().removeIf(k -> k.node().equals(nodeOrResource) || k.resource().equals(nodeOrResource));
    return cleared;
  }
}
