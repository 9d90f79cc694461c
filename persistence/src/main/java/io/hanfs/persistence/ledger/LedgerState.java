package io.hanfs.persistence.ledger;

import io.hanfs.persistence.ledger.LedgerEvent.Demoted;
import io.hanfs.persistence.ledger.LedgerEvent.Discarded;
import io.hanfs.persistence.ledger.LedgerEvent.Forced;
import io.hanfs.persistence.ledger.LedgerEvent.LeaseLost;
import io.hanfs.persistence.ledger.LedgerEvent.Outdated;
import io.hanfs.persistence.ledger.LedgerEvent.PeerConnected;
import io.hanfs.persistence.ledger.LedgerEvent.PeerOutdated;
import io.hanfs.persistence.ledger.LedgerEvent.Promoted;
import io.hanfs.persistence.ledger.LedgerEvent.SplitBrainDetected;
import io.hanfs.persistence.ledger.LedgerEvent.SplitBrainResolved;
import io.hanfs.persistence.ledger.LedgerEvent.SyncCompleted;
import io.hanfs.persistence.ledger.LedgerEvent.SyncStarted;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * A ledger folded over its events (snapshotted inside {@link LedgerWithWriteIds}; alone in snapshots
 * from before write ids). Pure: {@link #apply} is the only way
 * events change it, the same on recovery as when they were written.
 *
 * @param lineage generations of this copy, oldest first, at most {@link #MAX_LINEAGE}
 * @param events how many events were applied (for status and tests)
 */
public record LedgerState(Generation current, List<Generation> lineage, boolean outdated, boolean splitBrain, boolean syncing,
    long lastEpoch, long events, String lastEvent, long currentSinceMillis) implements LedgerSerializable {
  public static final int MAX_LINEAGE = 64;
  public static final LedgerState EMPTY = new LedgerState(Generation.NONE, List.of(Generation.NONE), false, false, false, 0, 0, "none", 0);

  public LedgerState(Generation current, List<Generation> lineage, boolean outdated, boolean splitBrain, boolean syncing,
      long lastEpoch, long events, String lastEvent) {
    this(current, lineage, outdated, splitBrain, syncing, lastEpoch, events, lastEvent, 0);
  }

  public LedgerState {
    lineage = List.copyOf(lineage);
  }

  public LedgerState apply(LedgerEvent e) {
    LedgerState s;
    // (Java 17: no pattern matching in switch yet.)
    if (e instanceof Promoted p) {
      s = withGeneration(p.generation(), epoch(p.epoch()), false, splitBrain, false);
    } else if (e instanceof LedgerEvent.PromotionAborted a) {
      boolean undo = current.equals(new Generation(a.epoch(), 0)) && lineage.size() > 1;
      List<Generation> back = undo ? lineage.subList(0, lineage.size() - 1) : lineage;
      s = new LedgerState(undo ? back.get(back.size() - 1) : current, back, outdated, splitBrain, syncing, epoch(a.epoch()), events, lastEvent);
    } else if (e instanceof Demoted d) {
      s = new LedgerState(current, lineage, outdated, splitBrain, syncing, epoch(d.epoch()), events, lastEvent);
    } else if (e instanceof LeaseLost l) {
      s = new LedgerState(current, lineage, outdated, splitBrain, syncing, epoch(l.epoch()), events, lastEvent);
    } else if (e instanceof PeerConnected) {
      s = this;
    } else if (e instanceof SyncStarted ss) {
      s = new LedgerState(ss.generation(), bound(withLast(ss.lineage(), ss.generation())), outdated, splitBrain, true,
          Math.max(lastEpoch, ss.generation().epoch()), events, lastEvent);
    } else if (e instanceof SyncCompleted sc) {
      s = new LedgerState(sc.generation(), bound(withLast(sc.lineage(), sc.generation())), false, false, false,
          Math.max(lastEpoch, sc.generation().epoch()), events, lastEvent);
    } else if (e instanceof Outdated) {
      s = new LedgerState(current, lineage, true, splitBrain, syncing, lastEpoch, events, lastEvent);
    } else if (e instanceof PeerOutdated po) {
      s = withGeneration(po.generation(), Math.max(lastEpoch, po.generation().epoch()), outdated, splitBrain, syncing);
    } else if (e instanceof SplitBrainDetected) {
      s = new LedgerState(current, lineage, outdated, true, syncing, lastEpoch, events, lastEvent);
    } else if (e instanceof Discarded) {
      s = new LedgerState(current, lineage, outdated, false, true, lastEpoch, events, lastEvent);
    } else if (e instanceof SplitBrainResolved) {
      s = new LedgerState(current, lineage, outdated, false, syncing, lastEpoch, events, lastEvent);
    } else if (e instanceof Forced f) {
      s = new LedgerState(current, lineage, false, false, syncing, epoch(f.epoch()), events, lastEvent);
    } else {
      throw new IllegalArgumentException("unknown ledger event " + e);
    }
    // When the current generation began here (0 when it came by a resync or is unknown).
    long since = e instanceof Promoted p ? p.atMillis() : e instanceof PeerOutdated po ? po.atMillis()
        : s.current.equals(current) ? currentSinceMillis : 0;
    return new LedgerState(s.current, s.lineage, s.outdated, s.splitBrain, s.syncing, s.lastEpoch, events + 1, e.getClass().getSimpleName(), since);
  }

  private long epoch(long e) {
    return Math.max(lastEpoch, e);
  }

  private LedgerState withGeneration(Generation g, long epoch, boolean outdated, boolean splitBrain, boolean syncing) {
    return new LedgerState(g, bound(withLast(lineage, g)), outdated, splitBrain, syncing, epoch, events, lastEvent);
  }

  private static List<Generation> withLast(List<Generation> lineage, Generation g) {
    List<Generation> l = new ArrayList<>(lineage);
    if (l.isEmpty() || !l.get(l.size() - 1).equals(g)) l.add(g);
    return l;
  }

  private static List<Generation> bound(List<Generation> l) {
    return l.size() <= MAX_LINEAGE ? l : l.subList(l.size() - MAX_LINEAGE, l.size());
  }

  /** What the promotion gate needs from this copy. A copy in the middle of a resync counts as outdated. */
  public LedgerSummary summary(String node) {
    return new LedgerSummary(node, current, lineage, outdated || syncing, splitBrain, lastEpoch);
  }
}
