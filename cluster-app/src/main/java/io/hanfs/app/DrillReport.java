package io.hanfs.app;

import io.hanfs.app.DrillWriter.Attempt;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code hanfs drill} prints, from what it measured (each record's write, each transition's
 * times, what read back) and the cluster's history of those minutes. Pure: the client's side and
 * the cluster's side of each transition side by side.
 */
public final class DrillReport {
  /** Events of a transition may carry a node's clock slightly behind the client's. */
  static final long CLOCK_SLACK_MILLIS = 500;
  private static final Set<String> PHASE_KINDS = Set.of("member-down", "member-up", "lease-lost", "monitor-failed", "decided", "failover-started",
      "switchover-started", "move-started", "demoted", "step", "promoted", "failover-done", "switchover-done", "move-done", "transition-failed",
      "first-reclaim", "grace-ended", "needs-move", "fenced");

  private DrillReport() {}

  /**
   * One transition the drill caused: {@code kind} "switchover" or "kill"; {@code startMillis}
   * when it was asked for, {@code answeredMillis} when the request (or the kill command) returned,
   * {@code endMillis} when the drill moved on; {@code outcome} "done" or why not.
   */
  record Transition(String kind, String from, String to, long startMillis, long answeredMillis, long endMillis, String outcome) {}

  /** One history event, as GET /hanfs/events answers it. */
  record Event(long atMillis, String kind, String node, String reason, Map<String, String> facts) {}

  /**
   * The longest time between two acknowledgements that belongs to a transition: its middle lies
   * in the transition's window (so the outage of the next request, which begins just before this
   * window ends, is the next one's), from the ack before to the ack after ({@code unended}: none
   * came before the drill stopped writing), with the writes started in it that failed.
   */
  record Gap(long millis, long fromMillis, long toMillis, boolean unended, long failedWrites) {}

  /** One step of the cluster's side, {@code offsetMillis} from the transition's request. */
  record Phase(long offsetMillis, String name, String node, String detail) {}

  /** What read back: records acknowledged but not there, and those there with other content. */
  record ReadBack(long checked, List<Long> missing, List<Long> wrong) {
    boolean intact() {
      return missing.isEmpty() && wrong.isEmpty();
    }
  }

  /** The whole run. {@code writingEndMillis}: when the drill stopped starting records. */
  record Run(String resource, String where, String run, int recordsPerSecond, long startMillis, long writingEndMillis, List<Attempt> attempts,
      long skipped, List<Transition> transitions, List<Event> events, List<String> unanswered, ReadBack readBack) {}

  static Gap longestGap(List<Attempt> attempts, long from, long to, long writingEnd) {
    List<Long> acks = new ArrayList<>();
    for (Attempt a : attempts) if (a.acked()) acks.add(a.endMillis());
    acks.sort(Comparator.naturalOrder());
    // Before the first acknowledgement the window's start stands in; after the last, the end of writing.
    if (acks.isEmpty() || acks.get(0) > from) acks.add(0, from);
    boolean noneAfter = acks.get(acks.size() - 1) < to;
    if (noneAfter) acks.add(Math.max(to, writingEnd));
    Gap best = null;
    for (int i = 0; i + 1 < acks.size(); i++) {
      long a = acks.get(i);
      long b = acks.get(i + 1);
      long middle = a + (b - a) / 2;
      boolean last = noneAfter && i + 2 == acks.size();
      if ((middle < from || middle >= to) && !(last && a < to)) continue;
      if (best == null || b - a > best.millis()) best = new Gap(b - a, a, b, last, 0);
    }
    if (best == null) best = new Gap(0, from, from, false, 0);
    long failed = 0;
    for (Attempt a : attempts) if (!a.acked() && a.startMillis() >= best.fromMillis() && a.startMillis() <= best.toMillis()) failed++;
    return new Gap(best.millis(), best.fromMillis(), best.toMillis(), best.unended(), failed);
  }

  /** The events of one GET /hanfs/events answer. */
  static List<Event> events(JsonNode answer) {
    List<Event> out = new ArrayList<>();
    for (JsonNode e : answer.path("events")) {
      Map<String, String> facts = new LinkedHashMap<>();
      e.path("facts").fields().forEachRemaining(f -> facts.put(f.getKey(), f.getValue().asText()));
      out.add(new Event(e.path("atMillis").asLong(), e.path("kind").asText(), e.path("node").asText(), e.path("reason").asText(), facts));
    }
    return out;
  }

  /**
   * A transition's phases as the drill prints them, for a bench that drives the transition itself
   * (the VM lab's, whose emulated guests' clocks run apart from the host's): from one events
   * answer, each node's times corrected by how far its clock is ahead ({@code clockAheadMillis},
   * 0 for a node not named).
   */
  public static List<String> phaseLines(JsonNode answer, Map<String, Long> clockAheadMillis, long fromMillis, long toMillis) {
    List<Event> corrected = new ArrayList<>();
    for (Event e : events(answer)) {
      corrected.add(new Event(e.atMillis() - clockAheadMillis.getOrDefault(e.node(), 0L), e.kind(), e.node(), e.reason(), e.facts()));
    }
    List<String> out = new ArrayList<>();
    for (Phase p : phases(corrected, fromMillis, toMillis)) out.add(phaseLine(p));
    return out;
  }

  private static String phaseLine(Phase p) {
    return String.format(Locale.ROOT, "%+8.3f s  %-30s %-6s %s", p.offsetMillis() / 1000.0, p.name(), dash(p.node()), p.detail());
  }

  /** The cluster's events from the request (less the clock slack) to when the drill moved on, in time order. */
  static List<Phase> phases(List<Event> events, long from, long to) {
    List<Event> in = new ArrayList<>();
    for (Event e : events) {
      if (PHASE_KINDS.contains(e.kind()) && e.atMillis() >= from - CLOCK_SLACK_MILLIS && e.atMillis() <= to) in.add(e);
    }
    in.sort(Comparator.comparingLong(Event::atMillis));
    List<Phase> out = new ArrayList<>();
    for (Event e : in) out.add(new Phase(e.atMillis() - from, name(e), e.node(), detail(e)));
    return out;
  }

  static String name(Event e) {
    Map<String, String> f = e.facts();
    return switch (e.kind()) {
      case "member-down" -> "detected: member down";
      case "lease-lost" -> "detected: lease lost";
      case "monitor-failed" -> "detected: " + f.getOrDefault("layer", "a layer") + " failed";
      case "step" -> {
        String step = (f.getOrDefault("layer", "") + " " + f.getOrDefault("op", "")).trim();
        boolean vip = step.equals("floating-ip start") && !"false".equals(f.get("ok"));
        yield (step.isEmpty() ? "step" : step) + (vip ? " (VIP up)" : "") + ("false".equals(f.get("ok")) ? " FAILED" : "");
      }
      case "first-reclaim" -> "first reclaim";
      case "grace-ended" -> "grace ended";
      default -> e.kind().replace('-', ' ');
    };
  }

  private static String detail(Event e) {
    Map<String, String> f = e.facts();
    String millis = f.containsKey("millis") ? f.get("millis") + " ms" : "";
    return switch (e.kind()) {
      case "step" -> join(millis, e.reason());
      case "grace-ended" -> join(f.getOrDefault("grace-end", ""), "after " + f.getOrDefault("millis", "?") + " ms", e.reason());
      case "first-reclaim" -> join("after " + f.getOrDefault("millis", "?") + " ms", e.reason());
      default -> e.reason();
    };
  }

  private static String join(String... parts) {
    List<String> p = new ArrayList<>();
    for (String s : parts) if (s != null && !s.isBlank()) p.add(s);
    return String.join("; ", p);
  }

  static String render(Run r) {
    StringBuilder out = new StringBuilder();
    long acked = r.attempts().stream().filter(Attempt::acked).count();
    out.append(String.format(Locale.ROOT, "hanfs drill of %s through %s (run %s, %d records/s, %.1f s)%n", r.resource(), r.where(), r.run(),
        r.recordsPerSecond(), (r.writingEndMillis() - r.startMillis()) / 1000.0));
    out.append(String.format(Locale.ROOT, "records: %d written, %d acknowledged, %d failed or timed out%s%n", r.attempts().size(), acked,
        r.attempts().size() - acked, r.skipped() > 0 ? ", " + r.skipped() + " not started (" + DrillWriter.MAX_IN_FLIGHT + " writes hung)" : ""));
    ReadBack rb = r.readBack();
    if (rb.intact()) {
      out.append("read back: all ").append(rb.checked()).append(" acknowledged records are there with their content\n");
    } else {
      out.append(String.format(Locale.ROOT, "read back: %d of %d acknowledged records are LOST%s%n", rb.missing().size() + rb.wrong().size(), rb.checked(),
          rb.wrong().isEmpty() ? "" : " (" + rb.wrong().size() + " with other content)"));
      for (long seq : first(rb.missing(), 20)) out.append("  missing ").append(describe(seq, r)).append('\n');
      for (long seq : first(rb.wrong(), 20)) out.append("  other content ").append(describe(seq, r)).append('\n');
    }
    for (Transition t : r.transitions()) {
      out.append('\n');
      String what = t.kind().equals("kill") ? "kill of the active daemon on " + t.from() + ": active again on " + dash(t.to())
          : "switchover " + t.from() + " -> " + t.to();
      out.append(String.format(Locale.ROOT, "%s: requested at %s (+%.1f s into the drill), %s after %.2f s: %s%n", what, Instant.ofEpochMilli(t.startMillis()),
          (t.startMillis() - r.startMillis()) / 1000.0, t.kind().equals("kill") ? "killed" : "answered", (t.answeredMillis() - t.startMillis()) / 1000.0,
          t.outcome()));
      Gap g = longestGap(r.attempts(), t.startMillis(), t.endMillis(), r.writingEndMillis());
      out.append(String.format(Locale.ROOT, "  client: longest I/O gap %d ms, from %s s to %s s%s%s%n", g.millis(), offset(g.fromMillis() - t.startMillis()),
          offset(g.toMillis() - t.startMillis()), g.unended() ? " (no acknowledgement after it before the drill stopped writing)" : "",
          g.failedWrites() > 0 ? "; " + g.failedWrites() + " writes failed in it" : ""));
      List<Phase> phases = phases(r.events(), t.startMillis(), t.endMillis());
      if (phases.isEmpty()) {
        out.append("  cluster: no history event in this window\n");
        continue;
      }
      out.append("  cluster (offsets from the request; each event carries its node's clock):\n");
      for (Phase p : phases) out.append("    ").append(phaseLine(p)).append('\n');
    }
    if (!r.unanswered().isEmpty()) out.append("\nnot answering (their events may be missing): ").append(r.unanswered()).append('\n');
    return out.toString();
  }

  /** Seconds with a sign, to the hundredth; -0.00 is +0.00. */
  static String offset(long millis) {
    long hundredths = Math.round(millis / 10.0);
    return (hundredths < 0 ? "-" : "+") + String.format(Locale.ROOT, "%d.%02d", Math.abs(hundredths) / 100, Math.abs(hundredths) % 100);
  }

  private static String describe(long seq, Run r) {
    for (Attempt a : r.attempts()) {
      if (a.seq() == seq) return String.format(Locale.ROOT, "record %d (%s), acknowledged at +%.2f s", seq, DrillRecords.name(r.run(), seq),
          (a.endMillis() - r.startMillis()) / 1000.0);
    }
    return "record " + seq;
  }

  private static List<Long> first(List<Long> l, int n) {
    return l.subList(0, Math.min(n, l.size()));
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
