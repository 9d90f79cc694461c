package io.hanfs.sbr;

/**
 * Why a request was refused before anything changed, typed so that the HTTP routes, JMX and the
 * CLI each map it to their own codes; {@code message} says it to a person, naming the fix.
 */
public record Refusal(Reason reason, String message) {

  public enum Reason {
    /** A stop failed here: the node fenced itself and must be demoted cleanly first. */
    STOP_FAILED,
    /** Another transition of the resource is under way. */
    BUSY,
    /** The command's epoch is older than the one this node already acted on. */
    STALE_EPOCH,
    /** The command comes from a leader older than one this node already obeyed. */
    STALE_LEADER,
    EPOCH_NOT_PERSISTED,
    LEDGER_NOT_WRITTEN,
    LEASE_NOT_GRANTED,
    /** Not in this state (e.g. discarding the data of an active copy). */
    NOT_NOW,
    NO_LEDGER,
    BAD_WRITE_ID,
    /** The request names no configured resource. */
    UNKNOWN_RESOURCE,
    /** The request names no configured node (or target). */
    UNKNOWN_NODE,
    /** The request's target is a node but not a data node. */
    NOT_A_DATA_NODE,
    /** The command does not apply to this resource (e.g. a split brain on a shared disk). */
    NOT_APPLICABLE,
    /** The name is both a node and a resource. */
    AMBIGUOUS_NAME,
    /** The cluster is in maintenance mode. */
    MAINTENANCE,
    /** The node that must carry the command out is not reachable. */
    UNREACHABLE,
    /** Carrying it out could make two active nodes or lose the only current copy. */
    UNSAFE
  }

  public Refusal {
    if (reason == null || message == null) throw new IllegalArgumentException("a refusal has a reason and a message");
  }

  /** The local promotion gate's reasons are a subset. */
  public static Reason of(LocalPromotionGate.Reason r) {
    return switch (r) {
      case STOP_FAILED -> Reason.STOP_FAILED;
      case BUSY -> Reason.BUSY;
      case STALE_EPOCH -> Reason.STALE_EPOCH;
    };
  }
}
