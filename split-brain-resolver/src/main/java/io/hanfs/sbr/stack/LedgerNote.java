package io.hanfs.sbr.stack;

import io.hanfs.sbr.data.Generation;

/**
 * A ledger event the stack machine asks to record. The persistence module owns the journal
 * format; the resource agent turns a note into its event (adding the wall-clock time).
 */
public sealed interface LedgerNote {
  /** This node starts a new generation under {@code epoch} before it writes a byte in it. */
  record Promoted(long epoch) implements LedgerNote {}

  /** An operator overrode the data promotion gate. */
  record Forced(String by, String reason, long epoch) implements LedgerNote {}

  /** The promotion under {@code epoch} wrote nothing (lease refused, or rolled back before the device was writable). */
  record PromotionAborted(long epoch, String reason) implements LedgerNote {}

  record Demoted(long epoch) implements LedgerNote {}

  /** Stopped because no majority renewed the lease. */
  record LeaseLost(long epoch) implements LedgerNote {}

  /** Data split brain, this copy lost: its changes were saved to {@code rescuePath}. */
  record Discarded(String rescuePath, Generation generation) implements LedgerNote {}

  /** Data split brain, this copy won: {@code victim} resyncs from here. */
  record SplitBrainResolved(String victim) implements LedgerNote {}
}
