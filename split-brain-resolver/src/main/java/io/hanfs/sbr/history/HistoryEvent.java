package io.hanfs.sbr.history;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One thing the cluster did or saw, with why and the facts it used: the unit of {@code hanfs
 * history}, {@code GET /hanfs/events}, the status page's timeline and the alert hooks' payload.
 *
 * @param id unique across the cluster (the origin's incarnation and a counter): a copy that
 *     arrives twice is recorded once
 * @param atMillis wall-clock time at the origin (epoch milliseconds)
 * @param origin the member that saw it (the leader's node for decisions)
 * @param resource the resource it is about, or empty for the cluster (members)
 * @param node the node it is about (the promoted node, the member that went down), or empty
 * @param epoch the resource's epoch it happened under, 0 when none
 * @param reason why, in words
 * @param facts what the reason rests on (bounded, shown as is, never parsed back)
 */
public record HistoryEvent(String id, long atMillis, String origin, String resource, HistoryKind kind, String node, long epoch,
    String reason, Map<String, String> facts) {

  /** At most this many facts, each key and value at most this long: an event stays small in the journal and on the wire. */
  public static final int MAX_FACTS = 16;
  public static final int MAX_TEXT = 512;

  public HistoryEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
    resource = resource == null ? "" : resource;
    node = node == null ? "" : node;
    reason = clip(reason == null ? "" : reason);
    TreeMap<String, String> bounded = new TreeMap<>();
    if (facts != null) {
      for (Map.Entry<String, String> f : new TreeMap<>(facts).entrySet()) {
        if (bounded.size() == MAX_FACTS) break;
        bounded.put(clip(f.getKey()), clip(String.valueOf(f.getValue())));
      }
    }
    facts = java.util.Collections.unmodifiableMap(bounded);
  }

  private static String clip(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
  }

  /** Is it about this resource (an empty filter matches all; cluster-wide events match every resource). */
  public boolean concerns(String resourceFilter) {
    return resourceFilter.isEmpty() || resource.isEmpty() || resource.equals(resourceFilter);
  }
}
