package io.hanfs.sbr.data;

import java.util.List;

/**
 * What one data node's ledger says about its copy of a resource, as the leader and the gate see
 * it: the generation the data is at, the generations before it (newest last, bounded), and the
 * flags that forbid a promotion until they are cleared by a resync.
 *
 * @param lineage this copy's generations, oldest first, ending with {@code current}
 * @param outdated the copy was marked Outdated (fence-peer) and has not resynced since
 * @param splitBrain a data split brain was detected and is not resolved yet
 * @param lastEpoch the highest epoch this node ever recorded (promoted, demoted or synced)
 */
public record LedgerSummary(String node, Generation current, List<Generation> lineage, boolean outdated, boolean splitBrain, long lastEpoch) {
  public LedgerSummary {
    lineage = List.copyOf(lineage);
    if (lineage.isEmpty() || !lineage.get(lineage.size() - 1).equals(current)) {
      throw new IllegalArgumentException("a lineage ends with the current generation " + current + ": " + lineage);
    }
  }

  /** A node that never held data for the resource (a fresh install). */
  public static LedgerSummary empty(String node) {
    return new LedgerSummary(node, Generation.NONE, List.of(Generation.NONE), false, false, 0);
  }

  public boolean contains(Generation g) {
    return lineage.contains(g);
  }

  /** How two copies relate, from their lineages. */
  public enum Relation { SAME, OLDER, NEWER, DIVERGED }

  /** How this copy relates to {@code other}: OLDER means the other holds everything this one has and more. */
  public Relation relationTo(LedgerSummary other) {
    if (current.equals(other.current)) return Relation.SAME;
    if (other.contains(current)) return Relation.OLDER;
    if (contains(other.current)) return Relation.NEWER;
    // Lineages are bounded: a generation older than everything the other copy still remembers
    // is simply old, not a different history.
    if (current.compareTo(other.lineage.get(0)) < 0) return Relation.OLDER;
    if (other.current.compareTo(lineage.get(0)) < 0) return Relation.NEWER;
    return Relation.DIVERGED;
  }

  /** The newest generation both copies share, if their remembered lineages meet. */
  public Generation commonBase(LedgerSummary other) {
    Generation base = Generation.NONE;
    for (Generation g : lineage) if (other.contains(g) && g.compareTo(base) > 0) base = g;
    return base;
  }
}
