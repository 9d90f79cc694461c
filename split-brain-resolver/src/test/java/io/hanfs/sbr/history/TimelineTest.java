package io.hanfs.sbr.history;

import static io.hanfs.sbr.history.HistoryKind.DECIDED;
import static io.hanfs.sbr.history.HistoryKind.DEMOTED;
import static io.hanfs.sbr.history.HistoryKind.FAILOVER_DONE;
import static io.hanfs.sbr.history.HistoryKind.FAILOVER_STARTED;
import static io.hanfs.sbr.history.HistoryKind.FENCED;
import static io.hanfs.sbr.history.HistoryKind.LEASE_LOST;
import static io.hanfs.sbr.history.HistoryKind.MEMBER_DOWN;
import static io.hanfs.sbr.history.HistoryKind.MEMBER_UP;
import static io.hanfs.sbr.history.HistoryKind.MONITOR_FAILED;
import static io.hanfs.sbr.history.HistoryKind.MOVE_STARTED;
import static io.hanfs.sbr.history.HistoryKind.PROMOTED;
import static io.hanfs.sbr.history.HistoryKind.STEP;
import static io.hanfs.sbr.history.HistoryKind.SWITCHOVER_DONE;
import static io.hanfs.sbr.history.HistoryKind.SWITCHOVER_STARTED;
import static io.hanfs.sbr.history.HistoryKind.TRANSITION_FAILED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.sbr.history.Episode.Kind;
import io.hanfs.sbr.history.Episode.Outcome;
import io.hanfs.sbr.history.Episode.Phase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Timeline's tables: events in, episodes out, each episode written as
 * {@code kind resource from->to outcome start+total: phase(node)@offset ...} (total "?" while running).
 */
class TimelineTest {
  /** One row of events: at, resource ("" = cluster), kind, node, then facts as key, value pairs. */
  static Object[] e(long at, String resource, HistoryKind kind, String node, String... facts) {
    return new Object[] {at, resource, kind, node, facts};
  }

  static List<HistoryEvent> events(Object[]... rows) {
    List<HistoryEvent> out = new ArrayList<>();
    for (Object[] r : rows) {
      String[] f = (String[]) r[4];
      Map<String, String> facts = new HashMap<>();
      for (int i = 0; i + 1 < f.length; i += 2) facts.put(f[i], f[i + 1]);
      // Ids in table order: events of the same millisecond keep it.
      out.add(new HistoryEvent(String.format("e%03d", out.size()), (Long) r[0], "d9", (String) r[1], (HistoryKind) r[2], (String) r[3], 1, "",
          facts));
    }
    return out;
  }

  static String render(Episode ep) {
    String phases = ep.phases().stream().map(p -> p.phaseName() + (p.event().node().isEmpty() ? "" : "(" + p.event().node() + ")") + "@"
        + p.offsetMillis()).collect(Collectors.joining(" "));
    return ep.kind().display() + " " + ep.resource() + " " + ep.from() + "->" + ep.to() + " " + ep.outcome().display() + " " + ep.startMillis()
        + "+" + ep.totalMillis().map(String::valueOf).orElse("?") + ": " + phases;
  }

  static List<String> timeline(List<HistoryEvent> events) {
    return Timeline.episodes(events).stream().map(TimelineTest::render).toList();
  }

  static final List<HistoryEvent> KILL = events(
      e(-5_000, "home", STEP, "d1", "layer", "nfs", "op", "start"),
      e(0, "", MEMBER_DOWN, "d1"),
      e(1_000, "home", DECIDED, ""),
      e(1_500, "home", FAILOVER_STARTED, "d2", "from", "d1"),
      e(2_000, "home", STEP, "d2", "layer", "replication", "op", "start", "millis", "400"),
      e(2_600, "home", STEP, "d2", "layer", "filesystem", "op", "start", "millis", "550"),
      e(3_100, "home", STEP, "d2", "layer", "nfs", "op", "start", "millis", "480"),
      e(3_300, "home", STEP, "d2", "layer", "floating-ip", "op", "start", "millis", "150"),
      e(3_400, "home", PROMOTED, "d2"),
      e(3_500, "home", FAILOVER_DONE, "d2"),
      e(9_000, "", MEMBER_UP, "d1"));
  static final String KILL_EPISODE = "failover home d1->d2 done 0+3500: detected(d1)@0 decided@1000 failover started(d2)@1500"
      + " replication start(d2)@2000 filesystem start(d2)@2600 nfs start(d2)@3100 floating-ip start(d2)@3300 promoted(d2)@3400 failover done(d2)@3500";

  record Case(String name, List<HistoryEvent> events, List<String> episodes) {}

  static List<HistoryEvent> shuffledWithCopies(List<HistoryEvent> events) {
    List<HistoryEvent> out = new ArrayList<>(events);
    out.addAll(events.subList(2, 6));
    Collections.shuffle(out, new Random(7));
    return out;
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("a kill: member down, decided, failover, steps, promoted, done", KILL, List.of(KILL_EPISODE)),
        new Case("out of order and replicated twice: the same episode", shuffledWithCopies(KILL), List.of(KILL_EPISODE)),
        new Case("a switchover: demote steps on the old node, promote steps on the new", events(
            e(9_000, "home", DECIDED, ""),
            e(10_000, "home", SWITCHOVER_STARTED, "d2", "from", "d1"),
            e(10_100, "home", STEP, "d1", "layer", "floating-ip", "op", "stop"),
            e(10_300, "home", STEP, "d1", "layer", "nfs", "op", "stop"),
            e(10_800, "home", STEP, "d1", "layer", "filesystem", "op", "stop"),
            e(11_000, "home", STEP, "d1", "layer", "replication", "op", "stop"),
            e(11_050, "home", DEMOTED, "d1"),
            e(11_400, "home", STEP, "d2", "layer", "replication", "op", "start"),
            e(12_000, "home", STEP, "d2", "layer", "filesystem", "op", "start"),
            e(12_200, "home", PROMOTED, "d2"),
            e(12_300, "home", SWITCHOVER_DONE, "d2")),
            List.of("switchover home d1->d2 done 9000+3300: decided@0 switchover started(d2)@1000 floating-ip stop(d1)@1100 nfs stop(d1)@1300"
                + " filesystem stop(d1)@1800 replication stop(d1)@2000 demoted(d1)@2050 replication start(d2)@2400 filesystem start(d2)@3000"
                + " promoted(d2)@3200 switchover done(d2)@3300")),
        new Case("a failed move: its outcome and end are the failure", events(
            e(0, "data", MOVE_STARTED, "d3", "from", "d2"),
            e(400, "data", DEMOTED, "d2"),
            e(900, "data", STEP, "d3", "layer", "replication", "op", "start"),
            e(30_900, "data", TRANSITION_FAILED, "d3"),
            e(31_000, "data", STEP, "d2", "layer", "nfs", "op", "start")),
            List.of("move data d2->d3 failed 0+30900: move started(d3)@0 demoted(d2)@400 replication start(d3)@900 transition failed(d3)@30900")),
        new Case("a running failover: no end, no total", events(
            e(100, "home", LEASE_LOST, "d1"),
            e(5_000, "home", FAILOVER_STARTED, "d2", "from", "d1"),
            e(5_500, "home", STEP, "d2", "layer", "replication", "op", "start")),
            List.of("failover home d1->d2 running 100+?: detected(d1)@0 failover started(d2)@4900 replication start(d2)@5400")),
        new Case("back to back: a cause the previous episode had is not the next one's", events(
            e(0, "", MEMBER_DOWN, "d1"),
            e(1_000, "home", FAILOVER_STARTED, "d2", "from", "d1"),
            e(2_000, "home", LEASE_LOST, "d1"),
            e(3_000, "home", FAILOVER_DONE, "d2"),
            e(10_000, "home", SWITCHOVER_STARTED, "d1", "from", "d2"),
            e(11_000, "home", SWITCHOVER_DONE, "d1"),
            e(20_000, "home", DECIDED, ""),
            e(20_500, "home", FAILOVER_STARTED, "d2", "from", "d1"),
            e(22_000, "home", FAILOVER_DONE, "d2")),
            List.of("failover home d1->d2 done 0+3000: detected(d1)@0 failover started(d2)@1000 lease lost(d1)@2000 failover done(d2)@3000",
                "switchover home d2->d1 done 10000+1000: switchover started(d1)@0 switchover done(d1)@1000",
                "failover home d1->d2 done 20000+2000: decided@0 failover started(d2)@500 failover done(d2)@2000")),
        new Case("two resources interleaved: one member down causes both, steps never mix", events(
            e(0, "", MEMBER_DOWN, "d1"),
            e(800, "home", FAILOVER_STARTED, "d2", "from", "d1"),
            e(900, "data", FAILOVER_STARTED, "d3", "from", "d1"),
            e(1_000, "data", STEP, "d3", "layer", "replication", "op", "start"),
            e(1_100, "home", STEP, "d2", "layer", "replication", "op", "start"),
            e(1_200, "data", FAILOVER_DONE, "d3"),
            e(1_300, "home", PROMOTED, "d2"),
            e(1_400, "home", FAILOVER_DONE, "d2")),
            // Same start: by resource.
            List.of("failover data d1->d3 done 0+1200: detected(d1)@0 failover started(d3)@900 replication start(d3)@1000 failover done(d3)@1200",
                "failover home d1->d2 done 0+1400: detected(d1)@0 failover started(d2)@800 replication start(d2)@1100 promoted(d2)@1300"
                + " failover done(d2)@1400")),
        new Case("causes too old, of another node or resource, and a decision too early do not count", events(
            e(0, "", MEMBER_DOWN, "d1"),
            e(999, "home", LEASE_LOST, "d1"),
            e(55_999, "home", DECIDED, ""),
            e(60_000, "home", MONITOR_FAILED, "d3"),
            e(60_500, "data", MONITOR_FAILED, "d1"),
            e(60_600, "", MEMBER_DOWN, "d3"),
            e(61_000, "home", FAILOVER_STARTED, "d2", "from", "d1"),
            e(62_000, "home", FAILOVER_DONE, "d2")),
            List.of("failover home d1->d2 done 61000+1000: failover started(d2)@0 failover done(d2)@1000")),
        new Case("a cause 60 s and a decision 5 s before the start count", events(
            e(1_000, "home", LEASE_LOST, "d1"),
            e(56_000, "home", DECIDED, ""),
            e(61_000, "home", FAILOVER_STARTED, "d2", "from", "d1")),
            List.of("failover home d1->d2 running 1000+?: detected(d1)@0 decided@55000 failover started(d2)@60000")),
        new Case("the latest cause counts: a monitor failure after the member down", events(
            e(0, "", MEMBER_DOWN, "d1"),
            e(2_000, "home", MONITOR_FAILED, "d1"),
            e(3_000, "home", DECIDED, ""),
            e(3_500, "home", DECIDED, ""),
            e(4_000, "home", FAILOVER_STARTED, "d2", "from", "d1"),
            e(5_000, "home", FAILOVER_DONE, "d2")),
            List.of("failover home d1->d2 done 2000+3000: detected(d1)@0 decided@1500 failover started(d2)@2000 failover done(d2)@3000")),
        new Case("a start without its outcome is interrupted by the next one", events(
            e(0, "home", FAILOVER_STARTED, "d2", "from", "d1"),
            e(500, "home", STEP, "d2", "layer", "replication", "op", "start"),
            e(9_000, "home", FAILOVER_STARTED, "d3", "from", "d1"),
            e(9_800, "home", FAILOVER_DONE, "d3")),
            List.of("failover home d1->d2 interrupted 0+500: failover started(d2)@0 replication start(d2)@500",
                "failover home d1->d3 done 9000+800: failover started(d3)@0 failover done(d3)@800")),
        new Case("no start, no episode", events(
            e(0, "", MEMBER_DOWN, "d1"),
            e(100, "home", DEMOTED, "d1"),
            e(200, "home", FAILOVER_DONE, "d2")),
            List.of()));
  }

  @TestFactory
  Stream<DynamicTest> tables() {
    return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> assertEquals(c.episodes(), timeline(c.events()), c.name())));
  }

  @Test
  void anEpisodeTellsItsPartiesTimesAndTheTimeBetweenPhases() {
    Episode ep = Timeline.episodes(KILL).get(0);
    assertEquals(new Episode("home", Kind.FAILOVER, "d1", "d2", Outcome.DONE, 0, Optional.of(3_500L), ep.phases()), ep);
    assertEquals(Optional.of(3_500L), ep.totalMillis());
    assertEquals(List.of(0L, 1_000L, 500L, 500L, 600L, 500L, 200L, 100L, 100L), ep.phases().stream().map(Phase::sincePreviousMillis).toList());
    assertEquals(List.of(true, false, false, false, false, false, false, false, false), ep.phases().stream().map(Phase::cause).toList());
    assertEquals("550", ep.phases().get(4).event().facts().get("millis"));
    assertEquals(Optional.empty(), Timeline.episodes(events(e(0, "home", MOVE_STARTED, "d2"))).get(0).totalMillis());
    assertEquals("", Timeline.episodes(events(e(0, "home", MOVE_STARTED, "d2"))).get(0).from());
  }

  @Test
  void phaseNames() {
    List<HistoryEvent> es = events(e(0, "home", STEP, "d1", "layer", "nfs"), e(0, "home", STEP, "d1"), e(0, "home", FENCED, "d1"));
    assertEquals(List.of("nfs", "step", "fenced"), es.stream().map(x -> new Phase(x, 0, 0, false).phaseName()).toList());
    assertEquals("detected", new Phase(es.get(2), 0, 0, true).phaseName());
    assertEquals(Optional.of(Kind.MOVE), Kind.startedBy(MOVE_STARTED));
    assertEquals(Optional.empty(), Kind.startedBy(PROMOTED));
  }
}
