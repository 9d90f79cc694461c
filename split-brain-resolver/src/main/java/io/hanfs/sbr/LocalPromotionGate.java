package io.hanfs.sbr;

/**
 * Whether this node may start a promotion of one resource now, from local facts only. A pure
 * function over plain data, like Pekko's DowningStrategy.decide; the ResourceAgent gathers the
 * facts and acts on the verdict. The cluster-wide gate (ledgers, peers, leases) builds on it.
 */
public final class LocalPromotionGate {
  private LocalPromotionGate() {}

  /** Why a promotion is refused. */
  public enum Reason {
    /** A stop failed earlier: the node fenced itself and must be demoted cleanly first. */
    STOP_FAILED,
    /** Another promotion, demotion or restart of this resource is under way. */
    BUSY,
    /** The command carries an epoch older than (or equal to) the one this node already acted on. */
    STALE_EPOCH
  }

  /**
   * @param stopFailed the last stop of a layer failed and the node is fenced
   * @param busy a transition of this resource is running
   * @param alreadyPrimary the resource is already active here
   * @param requestedEpoch the epoch the command carries, or 0 for a local operator command
   * @param currentEpoch the epoch this node persisted last
   */
  public record Facts(boolean stopFailed, boolean busy, boolean alreadyPrimary, long requestedEpoch, long currentEpoch) {}

  public sealed interface Verdict {}

  /** Go ahead with this epoch (persist it first); {@code noop} when already active under it. */
  public record Allow(long epoch, boolean noop) implements Verdict {}

  public record Refuse(Reason reason, String message) implements Verdict {}

  public static Verdict decide(Facts f) {
    if (f.stopFailed()) {
      return new Refuse(Reason.STOP_FAILED, "a stop failed on this node, so it fenced itself; demote it cleanly before promoting");
    }
    if (f.busy()) return new Refuse(Reason.BUSY, "another transition of this resource is in progress; retry when it ends");
    if (f.requestedEpoch() != 0) {
      if (f.alreadyPrimary() && f.requestedEpoch() == f.currentEpoch()) return new Allow(f.currentEpoch(), true);
      if (f.requestedEpoch() <= f.currentEpoch()) {
        return new Refuse(Reason.STALE_EPOCH, "epoch " + f.requestedEpoch() + " is not newer than this node's epoch " + f.currentEpoch());
      }
      return new Allow(f.requestedEpoch(), false);
    }
    if (f.alreadyPrimary()) return new Allow(f.currentEpoch(), true);
    return new Allow(f.currentEpoch() + 1, false);
  }
}
