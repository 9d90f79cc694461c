package io.hanfs.sbr;

import io.hanfs.sbr.data.Generation;
import java.util.List;
import java.util.Optional;

/**
 * What the leader's decision for one resource asks its shell to do, in order. Plain data: the
 * shell turns each into a message, a ledger write, a child actor or a line in its memory.
 */
public sealed interface LeaderEffect {
  /** The running saga waits on a node that became unreachable: it ends as failed and the next tick decides again. */
  record AbortSaga(String why) implements LeaderEffect {}

  /** The resource's decision, for status; logged at {@code loudness} when its text changed. */
  record Decided(String text, Loudness loudness) implements LeaderEffect {}

  enum Loudness { QUIET, INFO, WARN }

  /** Something an operator must see in the log (a data split brain). */
  record Alarm(String message) implements LeaderEffect {}

  /** Act on this fact once: the shell keeps it for as long as it leads. */
  record Remember(Remembered fact) implements LeaderEffect {}

  /** Write "split brain with {@code peer}" into {@code node}'s ledger (SplitBrainDetected). */
  record RecordSplitBrain(String node, String peer, Generation mine, Generation theirs) implements LeaderEffect {}

  /** The fact no longer holds (a replication link went down): the next one is acted on again. */
  record Forget(Remembered fact) implements LeaderEffect {}

  /** Write "the replication link to {@code peer} is up" into {@code node}'s ledger (PeerConnected). */
  record RecordPeerConnected(String node, String peer) implements LeaderEffect {}

  /** Write "in sync with the primary at {@code at}" into {@code node}'s ledger (SyncCompleted); {@code why} is logged. */
  record RecordSyncCompleted(String node, Generation at, List<Generation> lineage, String why) implements LeaderEffect {
    public RecordSyncCompleted {
      lineage = List.copyOf(lineage);
    }
  }

  /** The resource is where it should be: the last failed promotion's "held elsewhere" note no longer applies. */
  record ForgetHeldElsewhere() implements LeaderEffect {}

  /** Promote {@code node} under a new epoch; {@code from} is an unreachable holder whose lease keeps the step safe. */
  record StartPromote(String node, Optional<String> from) implements LeaderEffect {}

  /** Demote {@code node}, then promote {@code thenPromote} when one is given. */
  record StartDemote(String node, Optional<String> thenPromote, SagaKind kind) implements LeaderEffect {}

  /** Resolve a split brain by the policy: {@code victim} saves and discards its changes, {@code survivor} keeps its data. */
  record StartResolve(String victim, String survivor, Remembered.SplitBrain split) implements LeaderEffect {}
}
