package io.hanfs.node.resource.replication;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the leader reads from a replication layer's one-line detail, for DRBD
 * ("drbd RES CSTATE ROLE/PEERROLE DISK/PEERDISK [oos:KIB] [split-brain]") and HAST
 * ("hast RES STATUS ROLE dirty:BYTES"). The detail travels in node reports as text; this is the
 * single place that reads it back.
 *
 * @param connected the peer is connected
 * @param peerInSync seen on a primary: the peer holds every acknowledged write
 * @param changedKiB what this copy has that the peer lacks (DRBD out-of-sync, HAST dirty), -1 unknown
 * @param splitBrain the replication itself reported a split brain (DRBD's kernel message)
 * @param localDisk this copy's disk state in DRBD's words; HAST keeps none, so a resource hastd
 *     knows is "UpToDate" as far as the disk goes and the ledger alone says whether it is current
 */
public record ReplicationDetail(String kind, boolean connected, boolean peerInSync, long changedKiB, boolean splitBrain, String localDisk) {

  public static Optional<ReplicationDetail> parse(String detail) {
    String[] w = detail.strip().split("\\s+");
    if (w.length >= 5 && w[0].equals("drbd")) {
      boolean connected = w[2].equals("Connected");
      long oos = Arrays.stream(w).filter(x -> x.matches("oos:\\d{1,18}")).mapToLong(x -> Long.parseLong(x.substring(4))).findFirst().orElse(-1);
      boolean sb = List.of(w).contains("split-brain");
      return Optional.of(new ReplicationDetail("drbd", connected, connected && w[4].equals("UpToDate/UpToDate"), oos, sb, w[4].split("/")[0]));
    }
    if (w.length >= 5 && w[0].equals("hast") && w[4].matches("dirty:\\d{1,19}")) {
      boolean connected = w[2].equals("complete");
      long dirty = Long.parseLong(w[4].substring(6));
      return Optional.of(new ReplicationDetail("hast", connected, connected && w[3].equals("primary") && dirty == 0, (dirty + 1023) / 1024, false, "UpToDate"));
    }
    return Optional.empty();
  }
}
