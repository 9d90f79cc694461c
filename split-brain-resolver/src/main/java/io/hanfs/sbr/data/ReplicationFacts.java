package io.hanfs.sbr.data;

/**
 * What a replication layer (DRBD or HAST) knows of its link and its copy, as its probe read it.
 * Travels in node reports next to the layer's detail text (which is for people); the leader
 * reads these.
 *
 * @param connected the peer is connected
 * @param peerInSync seen on a primary: the peer holds every acknowledged write
 * @param changedKiB what this copy has that the peer lacks (DRBD out-of-sync, HAST dirty), -1 unknown
 * @param splitBrain the replication itself reported a split brain (DRBD's kernel message)
 * @param localDisk this copy's disk state; HAST keeps none, so a resource hastd knows is
 *     UP_TO_DATE as far as the disk goes and the ledger alone says whether it is current
 */
public record ReplicationFacts(Kind kind, boolean connected, boolean peerInSync, long changedKiB, boolean splitBrain, DiskState localDisk) {

  public enum Kind { DRBD, HAST }
}
