package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.app.DrillReport.Event;
import io.hanfs.app.DrillReport.Gap;
import io.hanfs.app.DrillReport.Phase;
import io.hanfs.app.DrillWriter.Attempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrillReportTest {
  static Attempt ok(long seq, long end) {
    return new Attempt(seq, end - 20, end, true, "");
  }

  static Attempt failed(long seq, long start) {
    return new Attempt(seq, start, start + 2000, false, "nfs-cp: timed out");
  }

  /** Acks every 100 ms from 0 to 2000 and from 3800 to 6000: an outage from 2000 to 3800. */
  static List<Attempt> outage() {
    List<Attempt> a = new ArrayList<>();
    long seq = 1;
    for (long t = 0; t <= 2000; t += 100) a.add(ok(seq++, t));
    a.add(failed(seq++, 2100));
    a.add(failed(seq++, 2200));
    for (long t = 3800; t <= 6000; t += 100) a.add(ok(seq++, t));
    return a;
  }

  @Test
  void theLongestGapIsTheOutageThatTouchesTheTransition() {
    Gap g = DrillReport.longestGap(outage(), 1500, 5000, 6000);
    assertEquals(1800, g.millis());
    assertEquals(2000, g.fromMillis());
    assertEquals(3800, g.toMillis());
    assertEquals(2, g.failedWrites(), "the writes started in the gap that failed");
    assertFalse(g.unended());
  }

  @Test
  void aGapThatStartedJustBeforeTheRequestStillCounts() {
    // The request lands between two acks: the gap begins at the ack before it.
    Gap g = DrillReport.longestGap(outage(), 2050, 5000, 6000);
    assertEquals(1800, g.millis());
    assertEquals(2000, g.fromMillis());
  }

  @Test
  void theNextRequestsOutageIsNotThisOnes() {
    // This window ends as the next request goes out at 2050, just after the ack at 2000.
    assertEquals(100, DrillReport.longestGap(outage(), 500, 2050, 6000).millis());
    assertEquals(1800, DrillReport.longestGap(outage(), 2050, 6000, 6000).millis());
  }

  @Test
  void aWindowWithoutOutageHasTheWritePeriodAsItsGap() {
    assertEquals(100, DrillReport.longestGap(outage(), 4000, 5000, 6000).millis());
  }

  @Test
  void noAcknowledgementAfterTheRequestIsAnUnendedGapToTheEndOfWriting() {
    List<Attempt> a = List.of(ok(1, 100), ok(2, 200), failed(3, 300));
    Gap g = DrillReport.longestGap(a, 250, 1000, 1500);
    assertEquals(1300, g.millis());
    assertEquals(200, g.fromMillis());
    assertTrue(g.unended());
    assertEquals(1, g.failedWrites());
  }

  @Test
  void noAcknowledgementAtAllIsTheWholeWindow() {
    Gap g = DrillReport.longestGap(List.of(failed(1, 10)), 0, 1000, 1000);
    assertEquals(1000, g.millis());
    assertTrue(g.unended());
  }

  static Event event(long at, String kind, String node, Map<String, String> facts) {
    return new Event(at, kind, node, kind + " reason", facts);
  }

  static List<Event> switchoverEvents(long t0) {
    // Deliberately out of order, as the merged journals may answer, with one event of an earlier transition.
    return List.of(
        event(t0 + 2100, "promoted", "n2", Map.of()),
        event(t0 + 1500, "step", "n2", Map.of("layer", "floating-ip", "op", "start", "ok", "true", "millis", "40")),
        event(t0 + 20, "switchover-started", "n2", Map.of("from", "n1")),
        event(t0 + 900, "demoted", "n1", Map.of()),
        event(t0 + 400, "step", "n1", Map.of("layer", "nfs", "op", "stop", "ok", "true", "millis", "350")),
        event(t0 + 1200, "step", "n2", Map.of("layer", "nfs", "op", "start", "ok", "true", "millis", "280")),
        event(t0 + 2150, "switchover-done", "n2", Map.of()),
        event(t0 + 4200, "grace-ended", "n2", Map.of("grace-end", "all-clients-reclaimed", "millis", "3000")),
        event(t0 + 3000, "member-up", "", Map.of()),
        event(t0 + 3500, "first-reclaim", "n2", Map.of("millis", "2300", "clients", "1")),
        event(t0 - 9000, "promoted", "n1", Map.of()),
        event(t0 + 9000, "promoted", "n1", Map.of()));
  }

  @Test
  void aBenchGetsThePhaseLinesFromAnEventsAnswerWithEachNodesClockCorrected() throws Exception {
    String answer = """
        {"events":[
          {"atMillis":10400,"kind":"step","node":"d2","reason":"","facts":{"layer":"floating-ip","op":"start","ok":"true","millis":"90"}},
          {"atMillis":11200,"kind":"first-reclaim","node":"d2","reason":"first client back","facts":{"millis":"1300","clients":"1"}},
          {"atMillis":10050,"kind":"switchover-started","node":"w","reason":"","facts":{}},
          {"atMillis":30000,"kind":"promoted","node":"d1","reason":"","facts":{}}],
         "unanswered":[]}""";
    List<String> lines = DrillReport.phaseLines(new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer), Map.of("d2", 300L), 10_000, 12_000);
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).contains("switchover started") && lines.get(0).startsWith("  +0.050 s"), lines.get(0));
    assertTrue(lines.get(1).contains("floating-ip start (VIP up)") && lines.get(1).startsWith("  +0.100 s"), "d2's clock 0.3 s ahead: " + lines.get(1));
    assertTrue(lines.get(2).contains("first reclaim") && lines.get(2).contains("after 1300 ms") && lines.get(2).startsWith("  +0.900 s"), lines.get(2));
  }

  @Test
  void phasesAreInTimeOrderWithOffsetsFromTheRequestAndOnlyThisWindow() {
    long t0 = 1_000_000;
    List<Phase> p = DrillReport.phases(switchoverEvents(t0), t0, t0 + 5000);
    assertEquals(List.of("switchover started", "nfs stop", "demoted", "nfs start", "floating-ip start (VIP up)", "promoted", "switchover done", "member up",
        "first reclaim", "grace ended"), p.stream().map(Phase::name).toList());
    assertEquals(20, p.get(0).offsetMillis());
    assertEquals("n1", p.get(2).node());
    assertTrue(p.get(1).detail().startsWith("350 ms"), p.get(1).detail());
    assertTrue(p.get(8).detail().startsWith("after 2300 ms"), p.get(8).detail());
    assertTrue(p.get(9).detail().contains("all-clients-reclaimed") && p.get(9).detail().contains("after 3000 ms"), p.get(9).detail());
  }

  @Test
  void aFailedStepSaysSoAndIsNotTheVip() {
    Event e = event(0, "step", "n2", Map.of("layer", "floating-ip", "op", "start", "ok", "false"));
    assertEquals("floating-ip start FAILED", DrillReport.name(e));
    assertEquals("detected: member down", DrillReport.name(event(0, "member-down", "n1", Map.of())));
  }

  static DrillReport.Run run(DrillReport.ReadBack readBack) {
    long t0 = 1_000_000;
    List<Attempt> attempts = new ArrayList<>();
    for (Attempt a : outage()) attempts.add(new Attempt(a.seq(), a.startMillis() + t0, a.endMillis() + t0, a.acked(), a.error()));
    List<DrillReport.Transition> ts = List.of(new DrillReport.Transition("switchover", "n1", "n2", t0 + 1500, t0 + 3700, t0 + 5000, "done"),
        new DrillReport.Transition("switchover", "n2", "n1", t0 + 5000, t0 + 5100, t0 + 6000, "done"));
    return new DrillReport.Run("home", "nfs://10.0.0.100/srv/export", "abc123", 10, t0, t0 + 6000, attempts, 0, ts, switchoverEvents(t0 + 1500), List.of(),
        readBack);
  }

  @Test
  void theReportNamesEachTransitionItsGapAndItsPhases() {
    String out = DrillReport.render(run(new DrillReport.ReadBack(44, List.of(), List.of())));
    assertTrue(out.contains("read back: all 44 acknowledged records are there"), out);
    assertTrue(out.contains("switchover n1 -> n2: requested at"), out);
    assertTrue(out.contains("switchover n2 -> n1: requested at"), out);
    assertTrue(out.contains("client: longest I/O gap 1800 ms, from +0.50 s to +2.30 s; 2 writes failed in it"), out);
    assertTrue(out.contains("client: longest I/O gap 100 ms"), out);
    assertTrue(out.contains("promoted") && out.contains("floating-ip start (VIP up)"), out);
    assertTrue(out.indexOf("demoted") < out.indexOf("promoted"), out);
  }

  @Test
  void lostRecordsAreListedWithTheirNamesAndAckTimes() {
    String out = DrillReport.render(run(new DrillReport.ReadBack(44, List.of(3L), List.of(30L))));
    assertTrue(out.contains("read back: 2 of 44 acknowledged records are LOST (1 with other content)"), out);
    assertTrue(out.contains("missing record 3 (hanfs-drill-abc123-000003), acknowledged at +0.20 s"), out);
    assertTrue(out.contains("other content record 30"), out);
  }

  @Test
  void offsetsHaveASignAndNoNegativeZero() {
    assertEquals("+0.00", DrillReport.offset(-3));
    assertEquals("-0.29", DrillReport.offset(-290));
    assertEquals("+3.02", DrillReport.offset(3020));
    assertEquals("+12.35", DrillReport.offset(12_345));
  }

  @Test
  void recordsSayWhichRunAndRecordTheyAre() {
    byte[] c = DrillRecords.content("abc123", 42);
    assertEquals(DrillRecords.SIZE, c.length);
    assertTrue(new String(c, java.nio.charset.StandardCharsets.US_ASCII).startsWith("hanfs drill abc123 record 00000042 ...."));
    assertEquals('\n', c[c.length - 1]);
    assertEquals("hanfs-drill-abc123-000042", DrillRecords.name("abc123", 42));
  }
}
