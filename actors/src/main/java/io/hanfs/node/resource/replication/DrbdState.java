package io.hanfs.node.resource.replication;

import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.ReplicationFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A DRBD resource's state as DRBD names it: the local role, the connection state, the local and
 * peer disk states. Parsed from {@code drbdsetup events2 --now}, /proc/drbd (8.4) or drbd-overview.
 */
public record DrbdState(String resource, String role, String peerRole, String connection, String disk, String peerDisk) {

  public boolean primary() {
    return role.equals("Primary");
  }

  public boolean upToDate() {
    return disk.equals("UpToDate");
  }

  public boolean connected() {
    return connection.equals("Connected");
  }

  /** StandAlone after a connect attempt is how DRBD reports a split brain it refused to resolve. */
  public boolean standAlone() {
    return connection.equals("StandAlone");
  }

  /**
   * What the leader reads of this state: the peer holds every acknowledged write while it is
   * Connected with both disks UpToDate.
   *
   * @param outOfSyncKiB DRBD's out-of-sync count (read while disconnected), empty when unknown
   * @param splitBrain DRBD dropped the connection over a split brain it did not resolve
   */
  public ReplicationFacts facts(OptionalLong outOfSyncKiB, boolean splitBrain) {
    return new ReplicationFacts(ReplicationFacts.Kind.DRBD, connected(), connected() && upToDate() && peerDisk.equals("UpToDate"),
        outOfSyncKiB.orElse(-1), splitBrain, DiskState.fromDrbd(disk));
  }

  /**
   * Parses {@code drbdsetup events2 --now [RES]}: lines of "exists KIND key:value..." ending with
   * "exists -". The first connection and peer-device stand for the peer (two-node setups).
   */
  public static Optional<DrbdState> fromEvents2(String text, String resource) {
    String role = null, peerRole = "Unknown", connection = "StandAlone", disk = null, peerDisk = "DUnknown";
    boolean seenConnection = false, seenPeerDevice = false;
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 3) continue;
      Map<String, String> kv = keyValues(f, 2);
      if (!resource.equals(kv.get("name"))) continue;
      switch (f[1]) {
        case "resource" -> role = kv.getOrDefault("role", role);
        case "connection" -> {
          if (!seenConnection) {
            connection = kv.getOrDefault("connection", connection);
            peerRole = kv.getOrDefault("role", peerRole);
            seenConnection = true;
          }
        }
        case "device" -> {
          if (disk == null) disk = kv.get("disk");
        }
        case "peer-device" -> {
          if (!seenPeerDevice) {
            peerDisk = kv.getOrDefault("peer-disk", peerDisk);
            seenPeerDevice = true;
          }
        }
        default -> { }
      }
    }
    if (role == null || disk == null) return Optional.empty();
    return Optional.of(new DrbdState(resource, role, peerRole, connection, disk, peerDisk));
  }

  /** Parses /proc/drbd of DRBD 8.4: " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----". */
  public static Map<Integer, DrbdState> fromProcDrbd(String text) {
    Map<Integer, DrbdState> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String t = line.trim();
      int colon = t.indexOf(':');
      if (colon <= 0 || !t.substring(0, colon).matches("\\d+") || !t.contains("cs:")) continue;
      String[] f = t.substring(colon + 1).trim().split("\\s+");
      Map<String, String> kv = keyValues(f, 0);
      String[] ro = kv.getOrDefault("ro", "Unknown/Unknown").split("/");
      String[] ds = kv.getOrDefault("ds", "DUnknown/DUnknown").split("/");
      out.put(Integer.parseInt(t.substring(0, colon)), new DrbdState("minor-" + t.substring(0, colon),
          ro[0], ro.length > 1 ? ro[1] : "Unknown", kv.getOrDefault("cs", "Unconfigured"), ds[0], ds.length > 1 ? ds[1] : "DUnknown"));
    }
    return out;
  }

  /**
   * What DRBD 8.4 counts as out of sync on {@code minor}, in KiB: the "oos:" field of the line
   * after the minor's state line in /proc/drbd. In a split brain (StandAlone) it is what this
   * node wrote since the split: DRBD's own measure for discard-least-changes.
   */
  public static OptionalLong outOfSyncFromProcDrbd(String text, int minor) {
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String t = lines[i].trim();
      if (!t.startsWith(minor + ":") || !t.contains("cs:")) continue;
      for (int j = i + 1; j < lines.length && j <= i + 2; j++) {
        for (String f : lines[j].trim().split("\\s+")) {
          if (f.startsWith("oos:") && f.substring(4).matches("\\d{1,18}")) return OptionalLong.of(Long.parseLong(f.substring(4)));
        }
      }
    }
    return OptionalLong.empty();
  }

  /** DRBD 9: the largest "out-of-sync:" (KiB) of the resource's peer devices in {@code drbdsetup events2 --now --statistics}. */
  public static OptionalLong outOfSyncFromEvents2(String text, String resource) {
    long max = -1;
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 3 || !f[1].equals("peer-device")) continue;
      Map<String, String> kv = keyValues(f, 2);
      if (!resource.equals(kv.get("name"))) continue;
      String oos = kv.get("out-of-sync");
      if (oos != null && oos.matches("\\d{1,18}")) max = Math.max(max, Long.parseLong(oos));
    }
    return max < 0 ? OptionalLong.empty() : OptionalLong.of(max);
  }

  /** Parses drbd-overview / "drbd status" lines: "  0:home  Connected Primary/Secondary UpToDate/UpToDate C r--- /home xfs ...". */
  public static List<DrbdState> fromOverview(String text) {
    List<DrbdState> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].matches("\\d+:\\S+") || !f[2].contains("/") || !f[3].contains("/")) continue;
      String[] ro = f[2].split("/");
      String[] ds = f[3].split("/");
      out.add(new DrbdState(f[0].substring(f[0].indexOf(':') + 1), ro[0], ro[1], f[1], ds[0], ds[1]));
    }
    return out;
  }

  /**
   * Builds the state from the answers of {@code drbdadm role}, {@code cstate} and {@code dstate}
   * (DRBD 8.4 prints "Primary/Secondary" and "UpToDate/UpToDate"; DRBD 9 prints the local part
   * only, one line per peer for cstate).
   */
  public static DrbdState fromDrbdadm(String resource, String role, String cstate, String dstate) {
    String[] ro = firstLine(role).split("/");
    String[] ds = firstLine(dstate).split("/");
    return new DrbdState(resource, ro[0], ro.length > 1 ? ro[1] : "Unknown", firstLine(cstate),
        ds[0], ds.length > 1 ? ds[1] : "DUnknown");
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }

  private static Map<String, String> keyValues(String[] fields, int from) {
    Map<String, String> kv = new HashMap<>();
    for (int i = from; i < fields.length; i++) {
      int c = fields[i].indexOf(':');
      if (c > 0) kv.put(fields[i].substring(0, c), fields[i].substring(c + 1));
    }
    return kv;
  }

  /**
   * Kernel log lines (dmesg) about {@code resource} / {@code drbdMINOR}: true when the last
   * "Split-Brain detected but unresolved" comes after the last "-> Connected" state change.
   * DRBD 8.4 prefixes device lines "block drbd0:" and connection lines "drbd r0:"; DRBD 9
   * "drbd r0/0 drbd0 PEER:" and "drbd r0 PEER:".
   */
  public static boolean splitBrainInKernelLog(String dmesg, String resource, int minor) {
    String device = "drbd" + minor;
    int lastSplit = -1, lastConnected = -1, i = 0;
    for (String line : dmesg.split("\n")) {
      i++;
      boolean ours = java.util.Arrays.stream(line.split("[\\s:]+")).anyMatch(w -> w.equals(device) || w.equals(resource) || w.startsWith(resource + "/"));
      if (!ours) continue;
      if (line.contains("Split-Brain detected but unresolved")) lastSplit = i;
      else if (line.contains("-> Connected )")) lastConnected = i;
    }
    return lastSplit > lastConnected;
  }
}
