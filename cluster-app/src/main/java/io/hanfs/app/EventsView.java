package io.hanfs.app;

import io.hanfs.history.EventHub;
import io.hanfs.sbr.history.Episode;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.Timeline;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@code GET /hanfs/events}: the events, oldest first, and each failover,
 * switchover and move among them as a timeline (the {@link Timeline} of those events), with the
 * members whose journals did not answer. Names and times as people read them.
 */
record EventsView(String resource, String since, List<Event> events, List<EpisodeView> episodes, List<String> unanswered) {

  record Event(String id, String at, long atMillis, String origin, String resource, String kind, String node, long epoch, String reason,
      Map<String, String> facts) {}

  record PhaseView(String phase, long offsetMillis, long sincePreviousMillis, String at, String kind, String node, String reason) {}

  record EpisodeView(String resource, String kind, String from, String to, String outcome, String start, Optional<Long> totalMillis,
      List<PhaseView> phases) {}

  static EventsView of(EventsQuery q, EventHub.Events answer) {
    List<HistoryEvent> events = answer.events();
    List<EpisodeView> episodes = Timeline.episodes(events).stream().map(EventsView::episode).toList();
    return new EventsView(q.resource(), iso(q.sinceMillis()), events.stream().map(EventsView::event).toList(), episodes, answer.unanswered());
  }

  static Event event(HistoryEvent e) {
    return new Event(e.id(), iso(e.atMillis()), e.atMillis(), e.origin(), e.resource(), e.kind().display(), e.node(), e.epoch(), e.reason(), e.facts());
  }

  static EpisodeView episode(Episode ep) {
    List<PhaseView> phases = ep.phases().stream().map(p -> new PhaseView(p.phaseName(), p.offsetMillis(), p.sincePreviousMillis(),
        iso(p.event().atMillis()), p.event().kind().display(), p.event().node(), p.event().reason())).toList();
    return new EpisodeView(ep.resource(), ep.kind().display(), ep.from(), ep.to(), ep.outcome().display(), iso(ep.startMillis()), ep.totalMillis(),
        phases);
  }

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
