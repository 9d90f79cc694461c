package io.hanfs.sbr.stack;

import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.ReplicationFacts;
import java.util.Optional;

/** What the stack machine reacts to: requests, the layers' and the lease's reports, the ledger's and the epoch store's answers. */
public sealed interface StackEvent {

  /** Promote under {@code epoch}, or under this node's next epoch when it is 0. */
  record Promote(long epoch, Optional<Force> force) implements StackEvent {}

  /** An operator overrode the data promotion gate: recorded as Forced before anything acts. */
  record Force(String by, String reason) {}

  /** Demote; {@code epoch} 0 is a local operator's command, otherwise it must not be stale. */
  record Demote(long epoch) implements StackEvent {}

  /** The epoch the promotion asked for is durable. */
  record EpochPersisted(long epoch) implements StackEvent {}

  record EpochNotPersisted(long epoch, String error) implements StackEvent {}

  /** The ledger answered the write a promotion waits for. */
  record PromotionRecorded(boolean ok, String error) implements StackEvent {}

  /** The ledger told its current summary (after a read or any write). */
  record LedgerSeen(LedgerSummary summary, long currentSinceMillis) implements StackEvent {}

  /**
   * A layer finished a step. {@code healthy}/{@code active}/{@code detail}/{@code replication}
   * are its probe when {@code ok}; otherwise {@code error} says why. {@code heldElsewhere}: a
   * start failed only because another holder has the data. {@code replication}: a replicated
   * layer's facts (none for other layers and a shared disk).
   */
  record LayerCompleted(StackLayer layer, LayerOp op, boolean ok, boolean healthy, boolean active, String detail,
      Optional<ReplicationFacts> replication, String error, boolean heldElsewhere) implements StackEvent {}

  /** A monitor probe of an up layer succeeded; only its detail and replication facts may have changed. */
  record Monitored(StackLayer layer, String detail, Optional<ReplicationFacts> replication) implements StackEvent {}

  /** A monitor probe failed at {@code nowNanos} (monotonic clock). */
  record MonitorFailed(StackLayer layer, String detail, long nowNanos) implements StackEvent {}

  record LeaseAcquired() implements StackEvent {}

  record LeaseNotAcquired(String reason) implements StackEvent {}

  /** A voter refuses the lease under {@code epoch} while others still may grant it. */
  record LeaseRefusing(long epoch, String voter, String reason) implements StackEvent {}

  /** No majority renewed the lease. */
  record LeaseLost(String reason) implements StackEvent {}

  /** Maintenance: monitor failures are not acted on (a lost lease still is). */
  record SetMaintenance(boolean on) implements StackEvent {}

  /** The operator cleared this resource's failures here. */
  record ClearFailures() implements StackEvent {}

  /** Before a deliberate daemon restart: keep the lease for restart-grace if active. */
  record PrepareRestart() implements StackEvent {}

  /** Data split brain: {@code discard} this copy (peer is the survivor) or keep it (peer is the victim). */
  record ResolveSplitBrain(boolean discard, String peer) implements StackEvent {}

  /** The discard or keep step ended; {@code error} is empty on success. */
  record SplitBrainStepEnded(boolean discard, String peer, Optional<String> rescuePath, String error) implements StackEvent {}
}
