package io.hanfs.node.resource.replication;

import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.ReplicationFacts;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A FreeBSD HAST resource as {@code hastctl list RES} reports it (called {@code hastctl status} on
 * FreeBSD 8-9; both print "  key: value" lines under "RES:"): the role (init, primary,
 * secondary), the status (complete while the peer is connected, degraded otherwise), the dirty
 * bytes the primary still has to send, the peer's address.
 */
public record HastState(String resource, String role, String status, long dirtyBytes, String remoteAddr) {

  public boolean primary() {
    return role.equals("primary");
  }

  /** The primary sees the secondary connected and nothing left to send: the secondary holds every acknowledged write. */
  public boolean peerInSync() {
    return primary() && status.equals("complete") && dirtyBytes == 0;
  }

  public boolean connected() {
    return status.equals("complete");
  }

  /**
   * What the leader reads of this state: the dirty bytes rounded up to KiB (-1 when hastctl did
   * not say). HAST keeps no disk state: as far as the disk goes a known resource is UpToDate.
   */
  public ReplicationFacts facts() {
    return new ReplicationFacts(ReplicationFacts.Kind.HAST, connected(), peerInSync(), dirtyBytes < 0 ? -1 : (dirtyBytes + 1023) / 1024,
        false, DiskState.UP_TO_DATE);
  }

  /** Empty when the resource is not in the output (unknown to hastd) or the entry is an error ("  error: N"). */
  public static Optional<HastState> fromList(String text, String resource) {
    Map<String, String> kv = section(text, resource);
    if (kv == null || kv.containsKey("error") || !kv.containsKey("role")) return Optional.empty();
    long dirty = leadingNumber(kv.getOrDefault("dirty", "0")).orElse(-1);
    return Optional.of(new HastState(resource, kv.get("role"), kv.getOrDefault("status", "unknown"), dirty,
        kv.getOrDefault("remoteaddr", "")));
  }

  /**
   * {@code hastctl dump RES}: the metadata on the local component. localcnt counts writes this
   * node made as primary that the peer did not acknowledge, remotecnt the peer's; both non-zero
   * on the two sides after each side wrote alone is HAST's split brain.
   */
  public record Metadata(String resource, long localcnt, long remotecnt, String prevrole) {
    public static Optional<Metadata> fromDump(String text, String resource) {
      Map<String, String> kv = null;
      Map<String, String> current = null;
      for (String line : text.split("\n")) {
        String t = line.strip();
        int colon = t.indexOf(':');
        if (colon < 0) continue;
        String key = t.substring(0, colon).strip();
        String value = t.substring(colon + 1).strip();
        if (key.equals("resource")) {
          current = new HashMap<>();
          if (value.equals(resource)) kv = current;
          continue;
        }
        if (current != null) current.put(key, value);
      }
      if (kv == null) return Optional.empty();
      OptionalLong local = leadingNumber(kv.getOrDefault("localcnt", ""));
      OptionalLong remote = leadingNumber(kv.getOrDefault("remotecnt", ""));
      if (local.isEmpty() || remote.isEmpty()) return Optional.empty();
      return Optional.of(new Metadata(resource, local.getAsLong(), remote.getAsLong(), kv.getOrDefault("prevrole", "unknown")));
    }
  }

  /** The "  key: value" lines of one "NAME:" section; nested statistics lines are kept too (harmless). */
  private static Map<String, String> section(String text, String resource) {
    Map<String, String> found = null;
    Map<String, String> current = null;
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      if (!Character.isWhitespace(line.charAt(0))) {
        String head = line.strip();
        current = new HashMap<>();
        if (head.equals(resource + ":")) found = current;
        continue;
      }
      if (current == null) continue;
      String t = line.strip();
      int colon = t.indexOf(':');
      if (colon <= 0) continue;
      current.putIfAbsent(t.substring(0, colon).strip(), t.substring(colon + 1).strip());
    }
    return found;
  }

  private static OptionalLong leadingNumber(String s) {
    String digits = s.strip().split("\\s+")[0];
    if (!digits.matches("\\d{1,19}")) return OptionalLong.empty();
    try {
      return OptionalLong.of(Long.parseLong(digits));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
