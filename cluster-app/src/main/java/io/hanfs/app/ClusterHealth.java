package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.hanfs.sbr.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a monitor wants from {@code hanfs status --check}: one level and the reasons for it, from
 * the leader's cluster view (GET /hanfs/cluster). The codes are ExitCodes.monitorHelp's.
 */
record ClusterHealth(Level level, List<String> reasons) {
  enum Level {
    OK(0), DEGRADED(1), DOWN(2);

    final int exitCode;

    Level(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  /** {@code cluster} empty: the leader did not answer ({@code why}). */
  static ClusterHealth of(Optional<JsonNode> cluster, String why) {
    if (cluster.isEmpty()) return new ClusterHealth(Level.DOWN, List.of("no cluster view: " + why));
    JsonNode c = cluster.get();
    List<String> down = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    if (c.path("maintenance").asBoolean()) degraded.add("maintenance on (hanfs does not act)");
    if (!c.path("coldStartDone").asBoolean(true)) degraded.add("cold start: waiting for a majority and every data node");
    for (JsonNode m : c.path("members")) {
      String node = m.path("node").asText();
      if (!m.path("reachable").asBoolean()) degraded.add("member " + node + " unreachable");
      else if (!m.path("status").asText().equals("up")) degraded.add("member " + node + " " + m.path("status").asText());
    }
    for (JsonNode r : c.path("resources")) {
      String name = r.path("name").asText();
      JsonNode active = r.path("activeNode");
      if (active.isNull() || active.isMissingNode() || active.asText().isEmpty()) down.add(name + " active nowhere");
      JsonNode transition = r.path("transition");
      if (!transition.isNull() && !transition.isMissingNode()) degraded.add(name + ": " + transition.asText());
      r.path("roleByNode").fields().forEachRemaining(e -> {
        Optional<Role> role = Role.fromDisplay(e.getValue().asText());
        if (role.isEmpty() || (role.get() != Role.PRIMARY && role.get() != Role.SECONDARY)) {
          degraded.add(name + " on " + e.getKey() + ": " + e.getValue().asText());
        }
      });
      if (!r.path("bans").isEmpty()) degraded.add(name + ": " + r.path("bans").size() + " ban(s) (hanfs clear)");
    }
    List<String> reasons = new ArrayList<>(down);
    reasons.addAll(degraded);
    Level level = !down.isEmpty() ? Level.DOWN : !degraded.isEmpty() ? Level.DEGRADED : Level.OK;
    if (level == Level.OK) reasons.add(c.path("resources").size() + " resource(s) active, " + c.path("members").size() + " member(s) up");
    return new ClusterHealth(level, reasons);
  }

  /** One line, as monitoring plugins print: {@code HANFS DEGRADED: member nfs02 unreachable; ...}. */
  String line() {
    return "HANFS " + level + ": " + String.join("; ", reasons);
  }
}
