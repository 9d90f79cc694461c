package io.hanfs.sbr.lease;

import java.util.Collection;
import java.util.Set;

/**
 * The holder's side of a majority lease, pure: each renewal round is sent at a monotonic time;
 * once a majority of the configured voters granted that round, the lease is valid until that
 * send time plus the lease duration (never from when the answers arrived). A voter answers
 * about one round only; late answers to older rounds still count for those rounds. Only the
 * configured voters count, each once per round (see {@link VoteTally}).
 */
public final class LeaseTerm {
  private final Set<String> voters;
  private final long durationNanos;
  private long validUntilNanos = Long.MIN_VALUE;
  private long lastRoundSent = Long.MIN_VALUE;
  private final java.util.Map<Long, VoteTally> grantsByRound = new java.util.HashMap<>();

  public LeaseTerm(Collection<String> voters, long durationNanos) {
    this.voters = Set.copyOf(voters);
    this.durationNanos = durationNanos;
  }

  public int majority() {
    return voters.size() / 2 + 1;
  }

  /** Records that a round was sent at {@code sentAt}; returns the round id (its send time). */
  public long roundSent(long sentAt) {
    lastRoundSent = sentAt;
    grantsByRound.putIfAbsent(sentAt, new VoteTally(voters));
    // Keep only recent rounds: an answer to a round older than the lease cannot extend it anyway.
    grantsByRound.keySet().removeIf(r -> r < sentAt - durationNanos);
    return sentAt;
  }

  /** A voter granted round {@code round}; returns true when this grant made the round a majority. */
  public boolean granted(long round, String voter) {
    VoteTally t = grantsByRound.get(round);
    if (t == null || !t.grant(voter)) return false;
    validUntilNanos = Math.max(validUntilNanos, round + durationNanos);
    return true;
  }

  public boolean valid(long now) {
    return now < validUntilNanos;
  }

  public long validUntil() {
    return validUntilNanos;
  }

  public long lastRoundSent() {
    return lastRoundSent;
  }

  public void reset() {
    validUntilNanos = Long.MIN_VALUE;
    grantsByRound.clear();
  }
}
