package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a long operation (switchover, promote, demote) prints while the CLI waits for its answer:
 * each change of the resource's role on a node, and of the leader's transition, read from the
 * status polled meanwhile.
 */
final class OperationProgress {
  /** Where the resource's roles are read: the leader's cluster view, or this node's status. */
  enum Source {
    CLUSTER("/hanfs/cluster"), NODE("/hanfs/status");

    final String path;

    Source(String path) {
      this.path = path;
    }
  }

  private OperationProgress() {}

  /** The resource's state in one answer of {@code source}: node (or "transition") to its value. */
  static Map<String, String> snapshot(Source source, String resource, JsonNode answer) {
    Map<String, String> s = new LinkedHashMap<>();
    JsonNode list = answer.path("resources");
    for (JsonNode r : list) {
      if (!r.path("name").asText().equals(resource)) continue;
      if (source == Source.NODE) {
        s.put(answer.path("node").asText(), r.path("role").asText());
      } else {
        r.path("roleByNode").fields().forEachRemaining(e -> s.put(e.getKey(), e.getValue().asText()));
        JsonNode t = r.path("transition");
        s.put("transition", t.isNull() || t.isMissingNode() ? "none" : t.asText());
      }
    }
    return s;
  }

  /** The lines for what changed from {@code before} to {@code after}; a node that left is not a change. */
  static List<String> changes(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : after.entrySet()) {
      String was = before.get(e.getKey());
      if (Objects.equals(was, e.getValue())) continue;
      out.add(e.getKey() + ": " + (was == null ? "" : was + " -> ") + e.getValue());
    }
    return out;
  }
}
