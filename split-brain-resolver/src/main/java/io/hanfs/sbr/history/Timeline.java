package io.hanfs.sbr.history;

import io.hanfs.sbr.history.Episode.Kind;
import io.hanfs.sbr.history.Episode.Outcome;
import io.hanfs.sbr.history.Episode.Phase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Groups history events into {@link Episode}s, per resource. Pure. Events may come in any order
 * and more than once (replicas): they are taken once by id, in time order (atMillis, then id).
 *
 * <p>An episode opens at a {@code *_STARTED} of the resource and takes the resource's events
 * (demoted, steps, promoted, ...) up to its {@code *_DONE} or {@code TRANSITION_FAILED}. Before the
 * start it takes its cause, the latest of: the {@code MEMBER_DOWN} of the node it left, or a
 * {@code LEASE_LOST} or {@code MONITOR_FAILED} of the resource on that node, within {@link
 * #CAUSE_WINDOW_MILLIS} before the start; and the resource's latest {@code DECIDED} within {@link
 * #DECIDED_WINDOW_MILLIS} before it. Both only after the resource's previous episode ended: what
 * that one already explained does not explain the next. Events of other resources never mix in.
 */
public final class Timeline {
  public static final long CAUSE_WINDOW_MILLIS = 60_000;
  public static final long DECIDED_WINDOW_MILLIS = 5_000;

  private static final Comparator<HistoryEvent> BY_TIME = Comparator.comparingLong(HistoryEvent::atMillis).thenComparing(HistoryEvent::id);

  private Timeline() {}

  /** The episodes these events tell, ordered by start (then resource). */
  public static List<Episode> episodes(List<HistoryEvent> events) {
    Map<String, HistoryEvent> byId = new LinkedHashMap<>();
    for (HistoryEvent e : events) byId.putIfAbsent(e.id(), e);
    List<HistoryEvent> sorted = new ArrayList<>(byId.values());
    sorted.sort(BY_TIME);
    List<HistoryEvent> membersDown = new ArrayList<>();
    Map<String, List<HistoryEvent>> byResource = new TreeMap<>();
    for (HistoryEvent e : sorted) {
      if (e.resource().isEmpty()) {
        if (e.kind() == HistoryKind.MEMBER_DOWN) membersDown.add(e);
      } else {
        byResource.computeIfAbsent(e.resource(), r -> new ArrayList<>()).add(e);
      }
    }
    List<Episode> out = new ArrayList<>();
    for (List<HistoryEvent> ofResource : byResource.values()) out.addAll(episodesOf(ofResource, membersDown));
    out.sort(Comparator.comparingLong(Episode::startMillis).thenComparing(Episode::resource));
    return out;
  }

  /** One resource's episodes, from its events in time order. */
  private static List<Episode> episodesOf(List<HistoryEvent> events, List<HistoryEvent> membersDown) {
    List<Episode> out = new ArrayList<>();
    long previousEnd = Long.MIN_VALUE;
    Open open = null;
    for (int i = 0; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      Optional<Kind> starts = Kind.startedBy(e.kind());
      if (starts.isPresent()) {
        if (open != null) {
          Episode interrupted = open.end(Outcome.INTERRUPTED, open.body.get(open.body.size() - 1).atMillis());
          out.add(interrupted);
          previousEnd = interrupted.endMillis().orElseThrow();
        }
        List<HistoryEvent> before = events.subList(0, i);
        open = new Open(starts.get(), e, cause(e, before, membersDown, previousEnd), decided(e, before, previousEnd));
        continue;
      }
      if (open == null) continue;
      open.body.add(e);
      Optional<Outcome> outcome = Outcome.toldBy(e.kind());
      if (outcome.isPresent()) {
        out.add(open.end(outcome.get(), e.atMillis()));
        previousEnd = e.atMillis();
        open = null;
      }
    }
    if (open != null) out.add(open.running());
    return out;
  }

  private static String from(HistoryEvent start) {
    return start.facts().getOrDefault("from", "");
  }

  /** The latest event that made the start happen: its from node went down, lost its lease or failed a monitor. */
  private static Optional<HistoryEvent> cause(HistoryEvent start, List<HistoryEvent> before, List<HistoryEvent> membersDown, long previousEnd) {
    String from = from(start);
    if (from.isEmpty()) return Optional.empty();
    HistoryEvent latest = null;
    for (HistoryEvent e : before) {
      boolean lost = e.kind() == HistoryKind.LEASE_LOST || e.kind() == HistoryKind.MONITOR_FAILED;
      if (lost && e.node().equals(from) && within(e, start, CAUSE_WINDOW_MILLIS, previousEnd)) latest = later(latest, e);
    }
    for (HistoryEvent e : membersDown) {
      if (e.node().equals(from) && within(e, start, CAUSE_WINDOW_MILLIS, previousEnd)) latest = later(latest, e);
    }
    return Optional.ofNullable(latest);
  }

  private static Optional<HistoryEvent> decided(HistoryEvent start, List<HistoryEvent> before, long previousEnd) {
    HistoryEvent latest = null;
    for (HistoryEvent e : before) {
      if (e.kind() == HistoryKind.DECIDED && within(e, start, DECIDED_WINDOW_MILLIS, previousEnd)) latest = later(latest, e);
    }
    return Optional.ofNullable(latest);
  }

  private static boolean within(HistoryEvent e, HistoryEvent start, long window, long previousEnd) {
    return e.atMillis() <= start.atMillis() && e.atMillis() >= start.atMillis() - window && e.atMillis() > previousEnd;
  }

  private static HistoryEvent later(HistoryEvent a, HistoryEvent b) {
    return a == null || BY_TIME.compare(b, a) > 0 ? b : a;
  }

  /** An episode being read: its prelude (cause, decision), its start and what came after. */
  private static final class Open {
    final Kind kind;
    final HistoryEvent start;
    final Optional<HistoryEvent> cause;
    final List<HistoryEvent> prelude = new ArrayList<>();
    final List<HistoryEvent> body = new ArrayList<>();

    Open(Kind kind, HistoryEvent start, Optional<HistoryEvent> cause, Optional<HistoryEvent> decided) {
      this.kind = kind;
      this.start = start;
      this.cause = cause;
      cause.ifPresent(prelude::add);
      decided.ifPresent(prelude::add);
      prelude.sort(BY_TIME);
      body.add(start);
    }

    Episode end(Outcome outcome, long endMillis) {
      return episode(outcome, Optional.of(endMillis));
    }

    Episode running() {
      return episode(Outcome.RUNNING, Optional.empty());
    }

    private Episode episode(Outcome outcome, Optional<Long> endMillis) {
      List<HistoryEvent> all = new ArrayList<>(prelude);
      all.addAll(body);
      long startMillis = all.get(0).atMillis();
      List<Phase> phases = new ArrayList<>(all.size());
      long previous = startMillis;
      for (HistoryEvent e : all) {
        phases.add(new Phase(e, e.atMillis() - startMillis, e.atMillis() - previous, cause.isPresent() && cause.get() == e));
        previous = e.atMillis();
      }
      return new Episode(start.resource(), kind, from(start), start.node(), outcome, startMillis, endMillis, phases);
    }
  }
}
