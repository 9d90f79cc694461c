package io.hanfs.app;

import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.history.Episode;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.Timeline;
import io.hanfs.sbr.history.HistoryKind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The management endpoint's status page: one self-contained HTML document (inline CSS, no
 * script, nothing fetched) that reloads itself every 2 s. Pure: the same status gives the same
 * page. Every value from the cluster is escaped, as names and reasons come from the config and
 * the network.
 */
public final class StatusPage {
  static final int MAX_EPISODES = 10;

  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final String CSS = """
      body{font:14px/1.4 sans-serif;margin:1.5em;color:#222;background:#fafafa}
      h1{font-size:1.4em;margin:0}h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:1.5em}h3{font-size:1em;margin:1em 0 .3em}
      table{border-collapse:collapse;margin:.3em 0}th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}
      th{background:#eee}.meta{color:#666}.bad{color:#b00020;font-weight:bold}.ok{color:#1b5e20}
      .active{background:#c8e6c9;font-weight:bold}span.active{padding:0 .4em;border-radius:3px}
      .warn{background:#fff3cd;padding:.4em .8em;border:1px solid #e0c060}dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}
      dt{font-weight:bold}dd{margin:0}.resource{margin-bottom:1em}""";

  private StatusPage() {}

  /** The page from the leader's status, this node's own status (if its agent answered) and the recent history. */
  public static String render(Leader.ClusterStatus status, Optional<NodeAgent.NodeStatus> local, List<HistoryEvent> recent, Instant now) {
    return page(Optional.of(status), "", local, recent, now);
  }

  /** The page when no leader answers ({@code why}: the ask's failure): members and resources unknown. */
  public static String renderWithoutLeader(String why, Optional<NodeAgent.NodeStatus> local, List<HistoryEvent> recent, Instant now) {
    return page(Optional.empty(), why, local, recent, now);
  }

  private static String page(Optional<Leader.ClusterStatus> status, String why, Optional<NodeAgent.NodeStatus> local,
      List<HistoryEvent> recent, Instant now) {
    StringBuilder b = new StringBuilder(8192);
    String self = local.map(NodeAgent.NodeStatus::node).orElse("?");
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">")
        .append("<title>hanfs on ").append(esc(self)).append("</title><style>").append(CSS).append("</style></head><body>\n")
        .append("<h1>hanfs cluster</h1><p class=\"meta\">seen from node ").append(esc(self)).append(" at ").append(DAY_TIME.format(now))
        .append("; reloads every 2 s</p>\n");
    if (status.isPresent()) cluster(b, status.get());
    else noLeader(b, why);
    local(b, local);
    timeline(b, recent);
    return b.append("</body></html>\n").toString();
  }

  private static void cluster(StringBuilder b, Leader.ClusterStatus s) {
    b.append("<section id=\"cluster\"><h2>Cluster</h2><dl><dt>leader</dt><dd>").append(esc(s.leaderNode()))
        .append("</dd><dt>maintenance</dt><dd>").append(s.maintenance() ? "<span class=\"bad\">on: the leader moves nothing</span>" : "off")
        .append("</dd><dt>cold start</dt><dd>").append(s.coldStartDone() ? "done"
            : "<span class=\"bad\">waiting: for a majority of voters and every data node's report</span>")
        .append("</dd></dl></section>\n<section id=\"members\"><h2>Members</h2><table><tr><th>node</th><th>address</th><th>status</th>")
        .append("<th>reachable</th><th>roles</th><th>standby</th><th>maintenance</th><th>report age</th></tr>\n");
    for (Leader.MemberView m : s.members()) {
      b.append("<tr class=\"member\" data-node=\"").append(esc(m.node())).append("\"><td>").append(esc(m.node())).append("</td><td>")
          .append(esc(m.address())).append("</td><td>").append(esc(m.status())).append("</td><td>")
          .append(m.reachable() ? "<span class=\"ok\">yes</span>" : "<span class=\"bad\">no</span>").append("</td><td>")
          .append(esc(String.join(", ", m.roles()))).append("</td><td>").append(m.standby() ? "standby" : "").append("</td><td>")
          .append(m.maintenance() ? "maintenance" : "").append("</td><td>")
          .append(m.reportAgeMillis() < 0 ? "never reported" : seconds(m.reportAgeMillis()) + " s").append("</td></tr>\n");
    }
    b.append("</table></section>\n<section id=\"resources\"><h2>Resources</h2>\n");
    if (s.resources().isEmpty()) b.append("<p>none configured</p>\n");
    for (Leader.ResourceView r : s.resources()) resource(b, r);
    b.append("</section>\n");
  }

  private static void resource(StringBuilder b, Leader.ResourceView r) {
    b.append("<div class=\"resource\" data-resource=\"").append(esc(r.name())).append("\"><h3>").append(esc(r.name())).append("</h3><p>");
    if (r.activeNode().isPresent()) {
      b.append("active on <span class=\"active\" data-node=\"").append(esc(r.activeNode().get())).append("\">")
          .append(esc(r.activeNode().get())).append("</span>, epoch ").append(r.epoch());
    } else {
      b.append("<span class=\"bad\">active nowhere</span>");
    }
    b.append("</p><table><tr><th>node</th><th>role</th><th>data</th></tr>\n");
    for (Map.Entry<String, Role> e : r.roleByNode().entrySet()) {
      boolean active = r.activeNode().equals(Optional.of(e.getKey()));
      b.append("<tr").append(active ? " class=\"active\"" : "").append(" data-node=\"").append(esc(e.getKey())).append("\"><td>")
          .append(esc(e.getKey())).append(active ? " (active)" : "").append("</td><td class=\"role-").append(e.getValue().display())
          .append("\">").append(e.getValue().display()).append("</td><td>").append(esc(r.dataByNode().getOrDefault(e.getKey(), "")))
          .append("</td></tr>\n");
    }
    b.append("</table><dl><dt>transition</dt><dd>").append(esc(r.transition().orElse("none")))
        .append("</dd><dt>last decision</dt><dd>").append(esc(r.lastDecision()))
        .append("</dd><dt>lease</dt><dd>").append(r.leaseHolder().map(h -> "held by " + esc(h) + ", " + seconds(r.leaseRemainingMillis()) + " s left")
            .orElse("held by nobody (as this leader's voter sees it)"))
        .append("</dd><dt>bans</dt><dd>").append(r.bans().isEmpty() ? "none" : "<ul>" + String.join("", r.bans().stream()
            .map(x -> "<li>" + esc(x) + "</li>").toList()) + "</ul>")
        .append("</dd></dl></div>\n");
  }

  private static void noLeader(StringBuilder b, String why) {
    b.append("<section id=\"cluster\" class=\"no-leader\"><h2>Cluster</h2><p class=\"warn\">No leader answers: ").append(esc(why))
        .append(". Members and resources are unknown from here; is a majority of nodes up?</p></section>\n")
        .append("<section id=\"members\"><h2>Members</h2><p>unknown (no leader answers)</p></section>\n")
        .append("<section id=\"resources\"><h2>Resources</h2><p>unknown (no leader answers)</p></section>\n");
  }

  /** This node's own report: the leader's status carries no layers, so the layers shown are this node's. */
  private static void local(StringBuilder b, Optional<NodeAgent.NodeStatus> local) {
    b.append("<section id=\"layers\"><h2>This node's layers</h2>\n");
    if (local.isEmpty()) {
      b.append("<p class=\"warn\">this node's agent did not answer</p></section>\n");
      return;
    }
    NodeAgent.NodeStatus n = local.get();
    b.append("<p>node ").append(esc(n.node())).append(" (").append(esc(String.join(", ", n.roles()))).append(")")
        .append(n.standby() ? ", standby" : "").append(n.maintenance() ? ", maintenance" : "")
        .append("; other nodes' layers are on their own pages</p>\n");
    for (ResourceStatus r : n.resources()) {
      b.append("<div class=\"resource\" data-resource=\"").append(esc(r.name())).append("\"><h3>").append(esc(r.name())).append(": ")
          .append(r.role().display()).append(", epoch ").append(r.epoch()).append(", disk ").append(esc(r.disk()))
          .append(r.recentFailures() > 0 ? ", <span class=\"bad\">" + r.recentFailures() + " recent failures</span>" : "")
          .append("</h3><p>").append(esc(r.message())).append("</p><table><tr><th>layer</th><th>state</th><th>detail</th></tr>\n");
      for (ResourceStatus.LayerStatus l : r.layers()) {
        b.append("<tr><td>").append(esc(l.name())).append("</td><td class=\"").append(l.state().equals("up") ? "ok" : "bad").append("\">")
            .append(esc(l.state())).append("</td><td>").append(esc(l.detail())).append("</td></tr>\n");
      }
      b.append("</table></div>\n");
    }
    b.append("</section>\n");
  }

  /** The newest failovers, switchovers and moves as {@link Timeline} groups them, each phase with its offset and step time. */
  private static void timeline(StringBuilder b, List<HistoryEvent> recent) {
    b.append("<section id=\"timeline\"><h2>Last failovers</h2>\n");
    List<Episode> episodes = new ArrayList<>(Timeline.episodes(recent));
    Collections.reverse(episodes);
    if (episodes.isEmpty()) b.append("<p>no failovers, switchovers or moves in the recent history</p>\n");
    for (Episode ep : episodes.subList(0, Math.min(MAX_EPISODES, episodes.size()))) {
      b.append("<h3 class=\"episode-").append(ep.outcome().display()).append("\">").append(ep.kind().display()).append(" of ").append(esc(ep.resource()))
          .append(": ").append(esc(ep.from())).append(" &rarr; ").append(esc(ep.to())).append(", ").append(ep.outcome().display())
          .append(ep.totalMillis().map(t -> " in " + seconds(t) + " s").orElse("")).append(" (")
          .append(DAY_TIME.format(Instant.ofEpochMilli(ep.startMillis()))).append(")</h3>")
          .append("<table class=\"episode\"><tr><th>time</th><th>+s</th><th>step s</th><th>node</th><th>phase</th><th>reason</th></tr>\n");
      for (Episode.Phase ph : ep.phases()) {
        HistoryEvent e = ph.event();
        b.append("<tr class=\"").append(e.kind().display()).append("\"><td>").append(TIME.format(Instant.ofEpochMilli(e.atMillis())))
            .append("</td><td>+").append(seconds(ph.offsetMillis())).append("</td><td>").append(seconds(ph.sincePreviousMillis()))
            .append("</td><td>").append(esc(e.node())).append("</td><td>").append(esc(ph.phaseName())).append("</td><td>").append(esc(e.reason()))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    b.append("</section>\n");
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }

  /** Text for an element or a quoted attribute. */
  static String esc(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
