package io.hanfs.persistence.ledger;

/**
 * What a ledger journals: a bare {@link LedgerEvent} (written without a write id, as every event
 * was before write ids existed, so old journals replay unchanged), or an event {@link Identified}
 * by the id of the write that recorded it.
 *
 * <p>Not forward compatible: a journal holding {@link Identified} entries (and the snapshots of
 * {@link LedgerWithWriteIds}) cannot be read by a hanfs older than write ids.
 */
public sealed interface LedgerEntry extends LedgerSerializable permits LedgerEvent, LedgerEntry.Identified {
  /** {@code event}, recorded by the write {@code writeId}: a retry of that write is answered, not journaled again. */
  record Identified(String writeId, LedgerEvent event) implements LedgerEntry {}

  /** A bare event without an id (""), else the event identified by it. */
  static LedgerEntry of(String writeId, LedgerEvent event) {
    return writeId.isEmpty() ? event : new Identified(writeId, event);
  }
}
