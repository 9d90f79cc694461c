package io.hanfs.sbr.stack;

import io.hanfs.sbr.data.Generation;
import java.util.Optional;

/** What the resource agent carries out for the stack machine, in the order given. */
public sealed interface StackEffect {

  record RunLayer(StackLayer layer, LayerOp op) implements StackEffect {}

  /** Monitors of every layer on or off. */
  record SetMonitoring(boolean on) implements StackEffect {}

  record AcquireLease(long epoch) implements StackEffect {}

  record ReleaseLease() implements StackEffect {}

  /** Ask the voters to keep the lease for restart-grace; the requester hears when they did. */
  record ExtendLease() implements StackEffect {}

  /** Make {@code epoch} durable now; the agent answers with EpochPersisted or EpochNotPersisted before anything else. */
  record PersistEpoch(long epoch) implements StackEffect {}

  /** Who waits for a ledger write. */
  enum LedgerPurpose {
    /** Nobody: history only. */
    NOTE,
    /** The promotion in progress: answer with PromotionRecorded. */
    PROMOTION,
    /** The requester of this event: Done once recorded, refused otherwise. */
    REQUESTER
  }

  record RecordLedger(LedgerNote note, LedgerPurpose purpose) implements StackEffect {}

  /** Run a split-brain step: discard saves this copy's changes since {@code sinceMillis}, keep reconnects. */
  record StartSplitBrainStep(boolean discard, String peer, long sinceMillis, Optional<Generation> generation) implements StackEffect {}

  /** Answer the requester of this event now. */
  record Reply(Response response) implements StackEffect {}

  /** Keep the requester of this event; a later Complete answers it. */
  record AwaitOutcome() implements StackEffect {}

  /** Answer the kept requester, if any. */
  record Complete(Response response) implements StackEffect {}

  enum Level { INFO, WARN, ERROR }

  record Log(Level level, String text) implements StackEffect {}
}
