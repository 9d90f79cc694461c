package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hanfs history}: what the cluster did and why, each failover as a timeline with durations. */
@Command(name = "history", description = {"Show the cluster's history: each failover, switchover and move as a timeline (detected, decided, "
    + "every demote and promote step, done) with durations, then the events with their reasons. Read from every member's journal, "
    + "so it survives the leader moving and a node dying."})
final class HistoryCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "RESOURCE", description = "only this resource (and the members' events)")
  String resource;

  @Option(names = "--since", paramLabel = "WHEN", description = "from a span back from now (90s, 15m, 2h, 7d), an ISO-8601 instant or epoch milliseconds (default: all kept)")
  String since;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "200", description = "the newest N events (default ${DEFAULT-VALUE}, at most 10000)")
  int limit;

  @Option(names = "--events", description = "also list every event, not only the timelines")
  boolean events;

  @CommandLine.Mixin Main.ClientOptions options = new Main.ClientOptions();

  @Override
  public Integer call() {
    StringBuilder path = new StringBuilder("/hanfs/events?limit=").append(limit);
    if (resource != null) path.append("&resource=").append(ManagementClient.encode(resource));
    if (since != null) path.append("&since=").append(ManagementClient.encode(since));
    ManagementClient.Outcome o = options.client().get(path.toString());
    if (o instanceof ManagementClient.NoAnswer n) return ManagementClient.failed(n);
    ManagementClient.Answer a = (ManagementClient.Answer) o;
    if (a.code() != 200) {
      System.err.println("hanfs history: " + a.json().path("error").asText(a.body()));
      return a.code() == 400 ? ExitCodes.USAGE : ExitCodes.REFUSED;
    }
    if (options.json) {
      System.out.println(a.body());
      return ExitCodes.OK;
    }
    System.out.print(render(a.json(), events));
    return ExitCodes.OK;
  }

  static String render(JsonNode view, boolean allEvents) {
    StringBuilder out = new StringBuilder();
    JsonNode episodes = view.path("episodes");
    if (episodes.isEmpty()) out.append("no failover, switchover or move in this history\n");
    for (JsonNode ep : episodes) {
      String total = ep.path("totalMillis").isNumber() ? String.format(Locale.ROOT, "%.2f s", ep.path("totalMillis").asLong() / 1000.0) : "running";
      out.append(String.format(Locale.ROOT, "%s of %s: %s -> %s, %s in %s (started %s)%n", ep.path("kind").asText(), ep.path("resource").asText(),
          dash(ep.path("from").asText()), dash(ep.path("to").asText()), ep.path("outcome").asText(), total, ep.path("start").asText()));
      for (JsonNode p : ep.path("phases")) {
        out.append(String.format(Locale.ROOT, "  %+8.2f s  (+%.2f)  %-20s %-4s %s%n", p.path("offsetMillis").asLong() / 1000.0,
            p.path("sincePreviousMillis").asLong() / 1000.0, p.path("phase").asText(), dash(p.path("node").asText()), p.path("reason").asText()));
      }
    }
    if (allEvents || episodes.isEmpty()) {
      out.append("\nevents:\n");
      for (JsonNode e : view.path("events")) {
        out.append(String.format(Locale.ROOT, "%s  %-20s %-10s %-4s %s%n", e.path("at").asText(), e.path("kind").asText(),
            dash(e.path("resource").asText()), dash(e.path("node").asText()), e.path("reason").asText()));
      }
    }
    if (!view.path("unanswered").isEmpty()) {
      out.append("\nnot answering (their events may be missing): ").append(view.path("unanswered").toString()).append('\n');
    }
    return out.toString();
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
