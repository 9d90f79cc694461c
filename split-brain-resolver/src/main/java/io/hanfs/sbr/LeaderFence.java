package io.hanfs.sbr;

import java.util.Optional;

/**
 * Whether a node obeys a command from the cluster leader: the one check every leader command
 * passes on the node, as Flink's fenced RPC checks its leader token. A leader stamps each command
 * with its term (chosen above every term the nodes reported when it took over) and the epoch of
 * the resource as it knows it. A node remembers the highest term it obeyed; a command from an
 * older term comes from a leader that was replaced (frozen, or cut off and not yet downed), and
 * one whose epoch is older than the node's was decided on a stale view of the resource.
 */
public final class LeaderFence {
  private LeaderFence() {}

  /**
   * What a leader puts on every command. {@code epoch} 0: the command records a fact about a copy
   * (a ledger write) rather than decide who is active, so only the term fences it.
   */
  public record Stamp(long term, long epoch) {}

  /**
   * @param highestTerm the highest leader term this node obeyed (0 before the first command)
   * @param resourceEpoch the epoch this node holds for the command's resource
   */
  public record Facts(long highestTerm, long resourceEpoch) {}

  /** Obey, and remember {@code highestTerm}; or refuse. */
  public record Verdict(Optional<Refusal> refusal, long highestTerm) {
    public boolean obeyed() {
      return refusal.isEmpty();
    }
  }

  public static Verdict check(Facts node, Stamp stamp) {
    if (stamp.term() <= 0) {
      return refuse(node, "the command carries no leader term: it comes from an hanfs leader older than this node; upgrade that node");
    }
    if (stamp.term() < node.highestTerm()) {
      return refuse(node, "leader term " + stamp.term() + " is older than term " + node.highestTerm()
          + ", which this node already obeyed: a newer leader took over");
    }
    if (stamp.epoch() != 0 && stamp.epoch() < node.resourceEpoch()) {
      return new Verdict(Optional.of(new Refusal(Refusal.Reason.STALE_EPOCH, "the leader decided under epoch " + stamp.epoch()
          + " but this node already holds epoch " + node.resourceEpoch() + "; it decides again on the next report")), node.highestTerm());
    }
    return new Verdict(Optional.empty(), Math.max(node.highestTerm(), stamp.term()));
  }

  private static Verdict refuse(Facts node, String message) {
    return new Verdict(Optional.of(new Refusal(Refusal.Reason.STALE_LEADER, message)), node.highestTerm());
  }
}
