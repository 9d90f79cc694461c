package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.HistoryKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status page as a pure function: its sections, the active node's mark, escaping, the page without a leader, the timeline. */
class StatusPageTest {
  static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
  static final long T0 = NOW.toEpochMilli() - 600_000;

  static Leader.MemberView member(String node, boolean reachable, long age) {
    return new Leader.MemberView(node, "127.0.0.1", "up", reachable, List.of(node.equals("w") ? "witness" : "data"), false, false, age);
  }

  static Leader.ResourceView resource(String name, Optional<String> active, Role d1, Role d2, String decision, List<String> bans) {
    Map<String, Role> roles = new LinkedHashMap<>();
    roles.put("d1", d1);
    roles.put("d2", d2);
    return new Leader.ResourceView(name, active, 7, roles, Optional.empty(), decision, active, 9500,
        Map.of("d1", "UpToDate generation 7/1; may be promoted"), bans);
  }

  static Leader.ClusterStatus cluster(Leader.ResourceView... resources) {
    return new Leader.ClusterStatus("w", false, true, List.of(member("d1", true, 200), member("d2", false, -1), member("w", true, 300)),
        List.of(resources));
  }

  static Optional<NodeAgent.NodeStatus> local(String message, String layerDetail) {
    return Optional.of(new NodeAgent.NodeStatus("d1", List.of("data"), false, false, List.of(new ResourceStatus("home", Role.PRIMARY, 7, message,
        List.of(new ResourceStatus.LayerStatus("floating-ip", "up", layerDetail), new ResourceStatus.LayerStatus("nfs", "failed", "ganesha down")),
        1, Optional.empty(), "UpToDate", Optional.empty()))));
  }

  static HistoryEvent event(int n, long at, HistoryKind kind, String node, String reason) {
    return new HistoryEvent("i-" + n, at, "w", "home", kind, node, 8, reason, Map.of());
  }

  @Test
  void aHealthyClusterShowsEverySectionAndMarksTheActiveNode() {
    String html = StatusPage.render(cluster(resource("home", Optional.of("d2"), Role.SECONDARY, Role.PRIMARY, "active on d2", List.of())),
        local("serving", "10.0.0.100/24"), List.of(), NOW);
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertTrue(html.contains("<meta http-equiv=\"refresh\" content=\"2\">"));
    for (String id : List.of("cluster", "members", "resources", "layers", "timeline")) assertTrue(html.contains("<section id=\"" + id + "\""), id);
    assertTrue(html.contains("<dt>leader</dt><dd>w</dd>"), html);
    assertTrue(html.contains("<dt>cold start</dt><dd>done</dd>"), html);
    assertTrue(html.contains("<span class=\"active\" data-node=\"d2\">d2</span>, epoch 7"), html);
    assertTrue(html.contains("<tr class=\"active\" data-node=\"d2\"><td>d2 (active)</td><td class=\"role-primary\">primary</td>"), html);
    assertTrue(html.contains("<tr data-node=\"d1\"><td>d1</td><td class=\"role-secondary\">secondary</td><td>UpToDate generation 7/1; may be promoted</td>"), html);
    assertFalse(html.contains("class=\"active\" data-node=\"d1\""), "only the active node is marked");
    for (String m : List.of("d1", "d2", "w")) assertTrue(html.contains("<tr class=\"member\" data-node=\"" + m + "\">"), m);
    assertTrue(html.contains("<span class=\"bad\">no</span>") && html.contains("never reported") && html.contains("0.2 s"), html);
    assertTrue(html.contains("held by d2, 9.5 s left"), html);
    assertTrue(html.contains("<td>floating-ip</td><td class=\"ok\">up</td><td>10.0.0.100/24</td>"), html);
    assertTrue(html.contains("<td>nfs</td><td class=\"bad\">failed</td>"), html);
    assertTrue(html.contains("no failovers"), html);
  }

  @Test
  void theDocumentIsSelfContained() {
    String html = StatusPage.render(cluster(resource("home", Optional.of("d1"), Role.PRIMARY, Role.SECONDARY, "x", List.of("d2 until later: failed"))),
        local("serving", "ip"), List.of(event(1, T0, HistoryKind.FAILOVER_STARTED, "d2", "d1 gone")), NOW);
    for (String forbidden : List.of("<script", "src=", "href=", "<link", "<img", "<iframe", "url(", "@import", "on" + "load=")) {
      assertFalse(html.toLowerCase().contains(forbidden), forbidden);
    }
    assertTrue(html.contains("<li>d2 until later: failed</li>"), html);
    assertTrue(html.endsWith("</body></html>\n"));
  }

  @Test
  void namesAndReasonsFromTheClusterAreEscaped() {
    String hostile = "<script>alert(1)</script>\"'&";
    String html = StatusPage.render(cluster(resource(hostile, Optional.of(hostile), Role.PRIMARY, Role.SECONDARY, hostile, List.of(hostile))),
        local(hostile, hostile), List.of(event(1, T0, HistoryKind.FAILOVER_STARTED, hostile, hostile)), NOW);
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("alert(1)</script>"), html);
    String escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;";
    assertTrue(html.contains("data-resource=\"" + escaped + "\""), html);
    assertTrue(html.contains("<span class=\"active\" data-node=\"" + escaped + "\">" + escaped + "</span>"), html);
    assertTrue(html.contains("<dt>last decision</dt><dd>" + escaped + "</dd>"), html);
    assertTrue(html.contains("<td>" + escaped + "</td><td>failover started</td><td>" + escaped + "</td>"), "the timeline's reason: " + html);
    String withoutLeader = StatusPage.renderWithoutLeader(hostile, local(hostile, hostile), List.of(), NOW);
    assertFalse(withoutLeader.contains("<script"), withoutLeader);
  }

  @Test
  void withoutALeaderMembersAndResourcesAreUnknown() {
    String html = StatusPage.renderWithoutLeader("ask timed out after 3 s", local("serving", "ip"), List.of(), NOW);
    assertTrue(html.contains("class=\"no-leader\""), html);
    assertTrue(html.contains("No leader answers: ask timed out after 3 s"), html);
    assertTrue(html.contains("<section id=\"members\"><h2>Members</h2><p>unknown (no leader answers)</p>"), html);
    assertFalse(html.contains("class=\"active\""), html);
    assertTrue(html.contains("<td>floating-ip</td>"), "this node's own layers are still shown: " + html);
    String nothing = StatusPage.renderWithoutLeader("no answer", Optional.empty(), List.of(), NOW);
    assertTrue(nothing.contains("this node's agent did not answer"), nothing);
  }

  @Test
  void maintenanceAndAColdStartInProgressAreSaid() {
    Leader.ClusterStatus s = new Leader.ClusterStatus("d1", true, false, List.of(),
        List.of(resource("home", Optional.empty(), Role.SECONDARY, Role.UNKNOWN, "waiting", List.of())));
    String html = StatusPage.render(s, Optional.empty(), List.of(), NOW);
    assertTrue(html.contains("on: the leader moves nothing"), html);
    assertTrue(html.contains("<dt>cold start</dt><dd><span class=\"bad\">waiting"), html);
    assertTrue(html.contains("active nowhere"), html);
    assertTrue(html.contains("held by nobody"), html);
  }

  @Test
  void theTimelineShowsEachEpisodeNewestFirstWithOffsetsAndStepTimes() {
    List<HistoryEvent> recent = List.of(
        new HistoryEvent("i-1", T0, "w", "", HistoryKind.MEMBER_DOWN, "d1", 0, "d1 unreachable", Map.of()),
        new HistoryEvent("i-2", T0 + 1200, "w", "home", HistoryKind.FAILOVER_STARTED, "d2", 8, "d1 gone, d2 up to date", Map.of("from", "d1")),
        new HistoryEvent("i-3", T0 + 1500, "w", "other", HistoryKind.MONITOR_FAILED, "d2", 3, "another resource's monitor", Map.of()),
        event(4, T0 + 4700, HistoryKind.PROMOTED, "d2", "serving"),
        event(5, T0 + 5000, HistoryKind.FAILOVER_DONE, "d2", "done"),
        // An operator's switchover 20 s later: a new episode.
        new HistoryEvent("i-7", T0 + 25_000, "w", "home", HistoryKind.SWITCHOVER_STARTED, "d1", 9, "operator", Map.of("from", "d2")),
        event(8, T0 + 27_000, HistoryKind.TRANSITION_FAILED, "d1", "timed out"));
    String html = StatusPage.render(cluster(), Optional.empty(), recent, NOW);
    assertTrue(html.indexOf("operator") < html.indexOf("d1 unreachable"), "newest episode first");
    assertTrue(html.contains("<tr class=\"promoted\"><td>09:50:04.700</td><td>+4.7</td><td>3.5</td><td>d2</td><td>promoted</td><td>serving</td>"), html);
    assertTrue(html.contains("failover of home: d1 &rarr; d2, done in 5.0 s (2025-03-01 09:50:00Z)"), html);
    assertTrue(html.contains("<td>detected</td><td>d1 unreachable</td>"), html);
    assertTrue(html.contains("switchover of home: d2 &rarr; d1, failed in 2.0 s"), html);
    assertFalse(html.contains("another resource's monitor"), html);
  }

  @Test
  void onlyTheNewestEpisodesAreShown() {
    List<HistoryEvent> recent = new java.util.ArrayList<>();
    for (int i = 0; i < 15; i++) {
      recent.add(new HistoryEvent("s-" + i, T0 + i * 61_000L, "w", "home", HistoryKind.SWITCHOVER_STARTED, "d2", i, "switchover " + i, Map.of("from", "d1")));
      recent.add(new HistoryEvent("d-" + i, T0 + i * 61_000L + 500, "w", "home", HistoryKind.SWITCHOVER_DONE, "d2", i, "done " + i, Map.of()));
    }
    String html = StatusPage.render(cluster(), Optional.empty(), recent, NOW);
    assertTrue(html.contains("switchover 14"), html);
    assertTrue(html.contains("switchover " + (15 - StatusPage.MAX_EPISODES)), html);
    assertFalse(html.contains("switchover " + (14 - StatusPage.MAX_EPISODES) + "<"), html);
  }
}
