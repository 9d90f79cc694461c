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
    NOT_FOUND,
    BAD_WRITE_ID
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
