package io.hanfs.node.resource;

import io.hanfs.CborSerializable;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.ReplicationFacts;
import java.util.List;
import java.util.Optional;

/**
 * What one resource looks like on this node: its role, the epoch it acts under, the last
 * message for operators, and each layer's state.
 *
 * @param ledger this node's ledger summary of the resource (empty until the ledger answered)
 * @param disk this copy's disk state in DRBD's words (UpToDate for a shared disk)
 * @param replication the replication layer's facts from its last probe (DRBD, HAST; none for a
 *     shared disk or while unknown): what the leader reads, the layer's detail being for people
 */
public record ResourceStatus(String name, Role role, long epoch, String message, List<LayerStatus> layers, int recentFailures,
    Optional<LedgerSummary> ledger, String disk, Optional<ReplicationFacts> replication) implements CborSerializable {

  /** state is one of up, down, failed, starting, stopping, unknown. */
  public record LayerStatus(String name, String state, String detail) {}
}
