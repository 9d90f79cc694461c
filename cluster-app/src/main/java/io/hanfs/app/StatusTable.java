package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;

/** Renders /hanfs/status as a crm_mon / drbd-overview style table. */
final class StatusTable {
  private StatusTable() {}

  static String render(JsonNode status) {
    StringBuilder b = new StringBuilder();
    b.append("node ").append(status.path("node").asText()).append(" (").append(join(status.path("roles"))).append(")\n");
    JsonNode resources = status.path("resources");
    if (resources.isEmpty()) {
      b.append("  no resources on this node\n");
      return b.toString();
    }
    for (JsonNode r : resources) {
      b.append(String.format("resource %-12s %-13s epoch %-4d %s%n", r.path("name").asText(), r.path("role").asText(),
          r.path("epoch").asLong(), r.path("message").asText()));
      for (JsonNode l : r.path("layers")) {
        b.append(String.format("  %-12s %-9s %s%n", l.path("name").asText(), l.path("state").asText(), l.path("detail").asText()));
      }
    }
    return b.toString();
  }

  private static String join(JsonNode arr) {
    StringBuilder b = new StringBuilder();
    for (JsonNode n : arr) b.append(b.length() == 0 ? "" : ",").append(n.asText());
    return b.toString();
  }
}
