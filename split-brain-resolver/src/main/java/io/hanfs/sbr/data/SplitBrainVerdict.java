package io.hanfs.sbr.data;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Which copy a data split brain keeps, by the configured policy (DRBD's after-sb names): a pure
 * function of the two sides' ledgers and change counts. The victim's changes are saved to a
 * rescue directory before anything is discarded; {@code disconnect} leaves it to an operator.
 */
public final class SplitBrainVerdict {
  private SplitBrainVerdict() {}

  public enum Policy {
    DISCARD_ZERO_CHANGES("discard-zero-changes"),
    DISCARD_YOUNGER_PRIMARY("discard-younger-primary"),
    DISCARD_OLDER_PRIMARY("discard-older-primary"),
    DISCARD_LEAST_CHANGES("discard-least-changes"),
    DISCONNECT("disconnect");

    public final String configName;

    Policy(String configName) {
      this.configName = configName;
    }

    public static Optional<Policy> fromConfig(String name) {
      return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
    }
  }

  /**
   * One side of the split.
   *
   * @param promotedEpoch the epoch of this side's last promotion (higher = the younger primary)
   * @param changedKiB what this side wrote since the split (DRBD's out-of-sync count), or -1 when unknown
   * @param primaryNow the side is serving the resource now
   * @param fencedOff a majority of voters hold a fence mark for this copy that its own history
   *     lacks and the other side's holds: the other side outdated it and wrote on, so whatever
   *     this copy wrote since came after it had lost the right to serve (a stale primary whose
   *     daemon died, or a copy forced primary by hand)
   */
  public record Side(String node, Generation current, long promotedEpoch, long changedKiB, boolean primaryNow, boolean fencedOff) {}

  public sealed interface Verdict {}

  /** Save the victim's changes, then make it resync from the survivor. */
  public record Discard(String victim, String survivor, String why) implements Verdict {}

  /** Nothing automatic: an operator decides with {@code hanfs resolve RES --discard NODE}. */
  public record Manual(String why) implements Verdict {}

  public static Verdict decide(Policy policy, Side a, Side b) {
    if (a.fencedOff() != b.fencedOff()) {
      Side fenced = a.fencedOff() ? a : b;
      Side other = fenced == a ? b : a;
      String why = fenced.node() + " was fenced off at the voters before " + other.node() + " wrote on; what " + fenced.node()
          + " wrote since came after it lost the right to serve";
      // DRBD's after-sb policies never see this case: an Outdated disk cannot become primary
      // unless forced. Only "disconnect" (an operator decides) is kept as configured.
      return policy == Policy.DISCONNECT ? new Manual("policy disconnect: an operator decides (hanfs resolve RES --discard NODE); " + why)
          : new Discard(fenced.node(), other.node(), why);
    }
    return switch (policy) {
      case DISCONNECT -> new Manual("policy disconnect: an operator decides (hanfs resolve RES --discard NODE)");
      case DISCARD_ZERO_CHANGES -> zeroChanges(a, b);
      case DISCARD_YOUNGER_PRIMARY -> byPromotion(a, b, true);
      case DISCARD_OLDER_PRIMARY -> byPromotion(a, b, false);
      case DISCARD_LEAST_CHANGES -> leastChanges(a, b);
    };
  }

  private static Verdict zeroChanges(Side a, Side b) {
    if (a.changedKiB() < 0 || b.changedKiB() < 0) return new Manual("change counts unknown: discard-zero-changes cannot tell; decide by hand");
    if (a.changedKiB() == 0 && b.changedKiB() == 0) {
      // Nothing to lose either way: keep the side that serves now, else the younger primary's,
      // else the newer generation, else the first name (the verdict must not depend on order).
      Comparator<Side> keepFirst = Comparator.comparing(Side::primaryNow).thenComparingLong(Side::promotedEpoch)
          .thenComparing(Side::current).reversed().thenComparing(Side::node);
      Side keep = keepFirst.compare(a, b) <= 0 ? a : b;
      Side drop = keep == a ? b : a;
      return new Discard(drop.node(), keep.node(), "neither side wrote since the split; " + keep.node() + " keeps serving");
    }
    if (a.changedKiB() == 0) return new Discard(a.node(), b.node(), a.node() + " wrote nothing since the split");
    if (b.changedKiB() == 0) return new Discard(b.node(), a.node(), b.node() + " wrote nothing since the split");
    return new Manual("both sides wrote since the split (" + a.node() + " " + a.changedKiB() + " KiB, " + b.node() + " "
        + b.changedKiB() + " KiB): discard-zero-changes does not choose; decide by hand");
  }

  private static Verdict byPromotion(Side a, Side b, boolean discardYounger) {
    if (a.promotedEpoch() == b.promotedEpoch()) return new Manual("both sides were promoted under the same epoch; decide by hand");
    Side younger = a.promotedEpoch() > b.promotedEpoch() ? a : b;
    Side older = younger == a ? b : a;
    Side victim = discardYounger ? younger : older;
    Side survivor = victim == a ? b : a;
    return new Discard(victim.node(), survivor.node(), victim.node() + " is the " + (discardYounger ? "younger" : "older")
        + " primary (epoch " + victim.promotedEpoch() + " against " + survivor.promotedEpoch() + ")");
  }

  private static Verdict leastChanges(Side a, Side b) {
    if (a.changedKiB() < 0 || b.changedKiB() < 0) return new Manual("change counts unknown: discard-least-changes cannot tell; decide by hand");
    if (a.changedKiB() == b.changedKiB()) {
      Verdict v = byPromotion(a, b, true);
      return v instanceof Discard d ? new Discard(d.victim(), d.survivor(), "both wrote " + a.changedKiB() + " KiB; " + d.why()) : v;
    }
    Side victim = a.changedKiB() < b.changedKiB() ? a : b;
    Side survivor = victim == a ? b : a;
    return new Discard(victim.node(), survivor.node(), victim.node() + " wrote less since the split (" + victim.changedKiB()
        + " KiB against " + survivor.changedKiB() + " KiB)");
  }

  /**
   * An operator's {@code hanfs resolve RES --discard NODE}: refused when the copy to discard is
   * the only current one (the other is simply older, not a split brain), unless forced.
   */
  public static Optional<io.hanfs.sbr.Refusal> checkManualDiscard(LedgerSummary discard, LedgerSummary keep, boolean force) {
    if (force) return Optional.empty();
    return switch (discard.relationTo(keep)) {
      case NEWER -> Optional.of(new io.hanfs.sbr.Refusal(io.hanfs.sbr.Refusal.Reason.UNSAFE, discard.node() + " holds the only current copy (generation " + discard.current() + ", "
          + keep.node() + " has " + keep.current() + "); discarding it loses data: add --force if that is what you want"));
      case SAME -> Optional.of(new io.hanfs.sbr.Refusal(io.hanfs.sbr.Refusal.Reason.NOT_APPLICABLE, discard.node() + " and " + keep.node()
          + " hold the same generation " + discard.current() + ": there is no split brain to resolve"));
      case OLDER, DIVERGED -> Optional.empty();
    };
  }
}
