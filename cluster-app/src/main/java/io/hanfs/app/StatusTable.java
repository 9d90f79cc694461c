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
      JsonNode ledger = r.path("ledger");
      if (ledger.isObject()) {
        StringBuilder flags = new StringBuilder();
        if (ledger.path("outdated").asBoolean()) flags.append(", OUTDATED");
        if (ledger.path("splitBrain").asBoolean()) flags.append(", SPLIT BRAIN");
        JsonNode current = ledger.path("current");
        b.append(String.format("  %-12s %-9s generation %d.%d, disk %s, last epoch %d%s%n", "ledger", "recorded", current.path("epoch").asLong(),
            current.path("seq").asInt(), r.path("disk").asText("unknown"), ledger.path("lastEpoch").asLong(), flags));
      }
    }
    return b.toString();
  }

  static String renderCluster(JsonNode c) {
    StringBuilder b = new StringBuilder();
    b.append("cluster: leader on ").append(c.path("leaderNode").asText())
        .append(c.path("maintenance").asBoolean() ? ", MAINTENANCE (not acting)" : "")
        .append(c.path("coldStartDone").asBoolean() ? "" : ", cold start (waiting for a majority and every data node)").append('\n');
    for (JsonNode m : c.path("members")) {
      b.append(String.format("  member %-10s %-15s %-8s %-11s %-13s%s%s%n", m.path("node").asText(), m.path("address").asText(),
          m.path("status").asText(), m.path("reachable").asBoolean() ? "reachable" : "UNREACHABLE", join(m.path("roles")),
          m.path("standby").asBoolean() ? " standby" : "", m.path("maintenance").asBoolean() ? " maintenance" : ""));
    }
    for (JsonNode r : c.path("resources")) {
      b.append(String.format("  resource %-10s active on %-8s epoch %-4d lease %s%s%n", r.path("name").asText(),
          r.path("activeNode").isNull() || r.path("activeNode").isMissingNode() ? "-" : r.path("activeNode").asText(),
          r.path("epoch").asLong(),
          r.path("leaseHolder").isNull() || r.path("leaseHolder").isMissingNode() ? "none" : r.path("leaseHolder").asText() + " " + r.path("leaseRemainingMillis").asLong() + " ms",
          r.path("transition").isNull() || r.path("transition").isMissingNode() ? "" : ", " + r.path("transition").asText()));
      r.path("dataByNode").fields().forEachRemaining(e ->
          b.append(String.format("    data %-10s %s%n", e.getKey(), e.getValue().asText())));
      for (JsonNode ban : r.path("bans")) {
        String text = ban.asText();
        b.append("    banned ").append(text).append(" (hanfs clear ").append(text, 0, Math.max(0, text.indexOf(' '))).append(" lifts it)\n");
      }
      String decision = r.path("lastDecision").asText();
      if (decision.startsWith("Wait[")) b.append("    waiting: ").append(decision, 9, decision.length() - 1).append('\n');
    }
    return b.toString();
  }

  private static String join(JsonNode arr) {
    StringBuilder b = new StringBuilder();
    for (JsonNode n : arr) b.append(b.length() == 0 ? "" : ",").append(n.asText());
    return b.toString();
  }
}
