package io.hanfs.sbr.data;

/**
 * A data generation: one stretch of writes in a resource's history, like DRBD's current UUID.
 * A promotion under epoch {@code e} starts generation {@code (e, 0)}; a primary that goes on
 * writing after its peer was outdated starts {@code (e, n+1)}, so the peer's copy is visibly
 * older. Epochs come from the leader and only grow, so generations order the history.
 */
public record Generation(long epoch, int seq) implements Comparable<Generation> {
  public static final Generation NONE = new Generation(0, 0);

  public Generation {
    if (epoch < 0 || seq < 0) throw new IllegalArgumentException("generation parts must not be negative: " + epoch + "." + seq);
  }

  public Generation next() {
    return new Generation(epoch, seq + 1);
  }

  @Override
  public int compareTo(Generation o) {
    int c = Long.compare(epoch, o.epoch);
    return c != 0 ? c : Integer.compare(seq, o.seq);
  }

  @Override
  public String toString() {
    return epoch + "." + seq;
  }

  /** Parses {@code "epoch.seq"} as {@link #toString()} writes it. */
  public static Generation parse(String s) {
    int dot = s.indexOf('.');
    if (dot < 1) throw new IllegalArgumentException("a generation is written EPOCH.SEQ, e.g. 7.0; got '" + s + "'");
    return new Generation(Long.parseLong(s.substring(0, dot)), Integer.parseInt(s.substring(dot + 1)));
  }
}
