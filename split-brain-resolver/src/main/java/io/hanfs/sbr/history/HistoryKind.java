package io.hanfs.sbr.history;

import java.util.Locale;

/**
 * What a history event tells. {@link #display()} is the name people, JSON, alerts and the CLI
 * see ("failover-started"); {@link #alerting()} says whether the alert hooks are called for it
 * (the rest is history only: a decision's text, a layer's step).
 */
public enum HistoryKind {
  /** A configured member became unreachable, or left. */
  MEMBER_DOWN(true),
  /** A configured member is up and reachable again. */
  MEMBER_UP(true),
  /** The leader's decision for a resource changed (its text is the reason). */
  DECIDED(false),
  /** A promotion while the active node is gone started. */
  FAILOVER_STARTED(true),
  FAILOVER_DONE(true),
  /** An operator's switchover started (demote, then promote the target). */
  SWITCHOVER_STARTED(true),
  SWITCHOVER_DONE(true),
  /** The leader's own move (standby, failback) started. */
  MOVE_STARTED(true),
  MOVE_DONE(true),
  /** A saga ended failed, timed out or aborted: the reason says which. */
  TRANSITION_FAILED(true),
  /** A node's copy became primary and serves (its stack is up, the floating IP included). */
  PROMOTED(true),
  /** A node's copy stopped serving. */
  DEMOTED(true),
  /** One layer's step on a node ended (replication primary, filesystem mounted, NFS up, floating IP up...). */
  STEP(false),
  /** A new NFS server, in grace, saw its first client come back (to reclaim its state). */
  FIRST_RECLAIM(false),
  /** A new NFS server's grace period ended (its reason: every known client reclaimed, none known, the period ran). */
  GRACE_ENDED(false),
  /** A layer's monitor failed on a node. */
  MONITOR_FAILED(false),
  /** A node's lease lapsed: it stopped serving by itself. */
  LEASE_LOST(true),
  /** A majority of voters marked a peer's copy outdated (DRBD's fence-peer). */
  FENCED(true),
  SPLIT_BRAIN_FOUND(true),
  SPLIT_BRAIN_RESOLVED(true),
  /** The resource should move but cannot: it needs an operator. */
  NEEDS_MOVE(true);

  private final boolean alerting;

  HistoryKind(boolean alerting) {
    this.alerting = alerting;
  }

  public boolean alerting() {
    return alerting;
  }

  public String display() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind a display name names, for the CLI's and the route's filters. */
  public static java.util.Optional<HistoryKind> ofDisplay(String text) {
    for (HistoryKind k : values()) if (k.display().equals(text)) return java.util.Optional.of(k);
    return java.util.Optional.empty();
  }
}
