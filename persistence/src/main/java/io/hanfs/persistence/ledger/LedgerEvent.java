package io.hanfs.persistence.ledger;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.hanfs.sbr.data.Generation;
import java.util.List;

/**
 * What a data node's ledger records about its copy of one resource. Each event is on disk before
 * it is acknowledged; together they say which data generation this copy holds and whether it may
 * be promoted.
 */
// Stored and sent with a type name, so that a Record command (which holds any event) round-trips
// and a renamed Java class does not orphan the journal.
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = LedgerEvent.Promoted.class, name = "Promoted"),
  @JsonSubTypes.Type(value = LedgerEvent.Demoted.class, name = "Demoted"),
  @JsonSubTypes.Type(value = LedgerEvent.LeaseLost.class, name = "LeaseLost"),
  @JsonSubTypes.Type(value = LedgerEvent.PeerConnected.class, name = "PeerConnected"),
  @JsonSubTypes.Type(value = LedgerEvent.SyncStarted.class, name = "SyncStarted"),
  @JsonSubTypes.Type(value = LedgerEvent.SyncCompleted.class, name = "SyncCompleted"),
  @JsonSubTypes.Type(value = LedgerEvent.Outdated.class, name = "Outdated"),
  @JsonSubTypes.Type(value = LedgerEvent.PeerOutdated.class, name = "PeerOutdated"),
  @JsonSubTypes.Type(value = LedgerEvent.SplitBrainDetected.class, name = "SplitBrainDetected"),
  @JsonSubTypes.Type(value = LedgerEvent.Discarded.class, name = "Discarded"),
  @JsonSubTypes.Type(value = LedgerEvent.SplitBrainResolved.class, name = "SplitBrainResolved"),
  @JsonSubTypes.Type(value = LedgerEvent.Forced.class, name = "Forced"),
  @JsonSubTypes.Type(value = LedgerEvent.PromotionAborted.class, name = "PromotionAborted")
})
public sealed interface LedgerEvent extends LedgerEntry {
  /**
   * This node became primary under {@code epoch}; its data starts generation {@code generation}
   * at {@code atMillis} (wall clock, this node's: only used to bound a rescue copy).
   */
  record Promoted(long epoch, Generation generation, long atMillis) implements LedgerEvent {
    public Promoted(long epoch, Generation generation) {
      this(epoch, generation, 0);
    }
  }

  record Demoted(long epoch) implements LedgerEvent {}

  /**
   * The promotion under {@code epoch} ended before the device became writable here (the lease
   * was refused, or the replication layer would not become primary): its generation never held
   * a write, so the copy is again the generation it was before. Without it a refused promotion
   * would look like a copy that wrote alone (a false data split brain, seen in the VM lab).
   */
  record PromotionAborted(long epoch, String reason) implements LedgerEvent {}

  /** The majority lease was not renewed in time; the node stopped serving. */
  record LeaseLost(long epoch) implements LedgerEvent {}

  /** The replication link to {@code peer} came up. */
  record PeerConnected(String peer) implements LedgerEvent {}

  /**
   * This copy started to resync from {@code peer}, whose data is at {@code generation}: it takes
   * the peer's history now and may not be promoted until SyncCompleted.
   */
  record SyncStarted(String peer, Generation generation, List<Generation> lineage) implements LedgerEvent {}

  /** This copy is now equal to the primary's at {@code generation}; it takes the primary's lineage. */
  record SyncCompleted(Generation generation, List<Generation> lineage) implements LedgerEvent {}

  /** fence-peer marked this copy Outdated while the primary wrote on at {@code primaryAt}. */
  record Outdated(Generation primaryAt) implements LedgerEvent {}

  /** As primary, this node outdated {@code peer} and writes on in a new generation. */
  record PeerOutdated(String peer, Generation generation, long atMillis) implements LedgerEvent {
    public PeerOutdated(String peer, Generation generation) {
      this(peer, generation, 0);
    }
  }

  record SplitBrainDetected(String peer, Generation mine, Generation theirs) implements LedgerEvent {}

  /** This copy lost a split brain: its changes were saved to {@code rescuePath}, then discarded. */
  record Discarded(String rescuePath, Generation discarded) implements LedgerEvent {}

  /** This copy won a split brain against {@code victim}. */
  record SplitBrainResolved(String victim) implements LedgerEvent {}

  /** An operator overrode the promotion gate. */
  record Forced(String by, String reason, long epoch) implements LedgerEvent {}
}
