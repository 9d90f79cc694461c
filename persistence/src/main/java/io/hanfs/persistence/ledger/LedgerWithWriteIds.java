package io.hanfs.persistence.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A ledger's actor state and snapshot: the folded {@link LedgerState} and the ids of the last
 * {@link ResourceLedger#MAX_WRITE_IDS} identified writes, oldest first, so that a write retried
 * after a lost answer is recognised (on replay and after a snapshot alike). Pure, like LedgerState.
 */
public record LedgerWithWriteIds(LedgerState ledger, List<String> recentWriteIds) implements LedgerSerializable {
  public static final LedgerWithWriteIds EMPTY = new LedgerWithWriteIds(LedgerState.EMPTY, List.of());

  public LedgerWithWriteIds {
    recentWriteIds = List.copyOf(recentWriteIds);
  }

  /** Whether {@code writeId} was recorded among the recent writes ("", no id, never is). */
  public boolean remembers(String writeId) {
    return !writeId.isEmpty() && recentWriteIds.contains(writeId);
  }

  public LedgerWithWriteIds apply(LedgerEntry entry) {
    if (entry instanceof LedgerEvent e) return new LedgerWithWriteIds(ledger.apply(e), recentWriteIds);
    LedgerEntry.Identified i = (LedgerEntry.Identified) entry;
    List<String> ids = new ArrayList<>(recentWriteIds);
    ids.add(i.writeId());
    if (ids.size() > ResourceLedger.MAX_WRITE_IDS) ids = ids.subList(ids.size() - ResourceLedger.MAX_WRITE_IDS, ids.size());
    return new LedgerWithWriteIds(ledger.apply(i.event()), ids);
  }

  /** A stored snapshot: this record, or a bare LedgerState from before write ids (which had none). */
  public static LedgerWithWriteIds fromSnapshot(Object snapshot) {
    if (snapshot instanceof LedgerWithWriteIds s) return s;
    if (snapshot instanceof LedgerState old) return new LedgerWithWriteIds(old, List.of());
    throw new IllegalArgumentException("not a ledger snapshot: " + snapshot);
  }
}
