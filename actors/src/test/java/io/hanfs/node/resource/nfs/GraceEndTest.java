package io.hanfs.node.resource.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.node.resource.nfs.GraceEnd.Ended;
import io.hanfs.node.resource.nfs.GraceEnd.GaveUp;
import io.hanfs.node.resource.nfs.GraceEnd.Reading;
import io.hanfs.node.resource.nfs.GraceEnd.Reason;
import io.hanfs.node.resource.nfs.GraceEnd.Waiting;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GraceEndTest {
  static final Duration GRACE = Duration.ofSeconds(10);
  static final Duration LEASE = Duration.ofSeconds(10);

  static GraceEnd.Verdict at(Reading r, long millis) {
    return GraceEnd.decide(r, Duration.ofMillis(millis), GRACE, LEASE);
  }

  @Test
  void inGraceIsWaitingUntilWellPastThePeriodAndItsExtensions() {
    assertEquals(new Waiting(), at(Reading.inGrace(), 0));
    assertEquals(new Waiting(), at(Reading.inGrace(), 29_000));
    assertEquals(new Waiting(), at(Reading.inGrace(), 36_000));
    assertEquals(new GaveUp(Duration.ofMillis(36_001)), at(Reading.inGrace(), 36_001));
  }

  @Test
  void theServersOwnReasonWins() {
    Reading r = new Reading(true, Optional.of(Reason.ALL_CLIENTS_RECLAIMED), 2);
    assertEquals(new Ended(Reason.ALL_CLIENTS_RECLAIMED, Duration.ofMillis(900), 2), at(r, 900));
    Reading none = new Reading(true, Optional.of(Reason.NO_CLIENTS_TO_RECLAIM), 0);
    assertEquals(Reason.NO_CLIENTS_TO_RECLAIM, ((Ended) at(none, 100)).reason());
  }

  @Test
  void withoutAReasonTheTimeTellsEarlyFromThePeriod() {
    Reading r = new Reading(true, Optional.empty(), -1);
    assertEquals(Reason.ENDED_ON_RECLAIM, ((Ended) at(r, 8_499)).reason());
    assertEquals(Reason.PERIOD_ELAPSED, ((Ended) at(r, 8_500)).reason());
    assertEquals(Reason.PERIOD_ELAPSED, ((Ended) at(r, 12_000)).reason());
  }

  @Test
  void theFirstClientBackInGraceIsTheFirstReclaimReportedOnce() {
    Duration at = Duration.ofMillis(800);
    assertEquals(Optional.empty(), GraceEnd.firstReclaim(Reading.inGrace(), at, GRACE, false), "clients unknown");
    assertEquals(Optional.empty(), GraceEnd.firstReclaim(Reading.inGrace(0), at, GRACE, false), "no client yet");
    assertEquals(Optional.of(new GraceEnd.FirstReclaim(at, 2)), GraceEnd.firstReclaim(Reading.inGrace(2), at, GRACE, false));
    assertEquals(Optional.empty(), GraceEnd.firstReclaim(Reading.inGrace(2), at, GRACE, true), "once per start");
    assertEquals(Optional.of(new GraceEnd.FirstReclaim(at, 1)), GraceEnd.firstReclaim(new Reading(true, Optional.empty(), 1), at, GRACE, false),
        "grace ended in the same tick the client came back");
    assertEquals(Optional.empty(), GraceEnd.firstReclaim(Reading.inGrace(3), at, Duration.ZERO, false), "no grace, nothing to reclaim in");
    assertEquals(new Waiting(), at(Reading.inGrace(2), 800), "a client back is still grace");
    assertEquals("first client back in grace 0.8 s after start, reclaiming (2 clients)", new GraceEnd.FirstReclaim(at, 2).describe());
  }

  @Test
  void graceOffIsEndedAtOnce() {
    assertEquals(new Ended(Reason.GRACELESS, Duration.ZERO, -1), GraceEnd.decide(Reading.inGrace(), Duration.ZERO, Duration.ZERO, LEASE));
  }

  @Test
  void theStatusLineSaysWhenAndWhy() {
    assertEquals("grace ended 1.2 s after start: every known client reclaimed (3 clients)",
        new Ended(Reason.ALL_CLIENTS_RECLAIMED, Duration.ofMillis(1234), 3).describe());
    assertEquals("grace ended 10.0 s after start: the grace period elapsed", new Ended(Reason.PERIOD_ELAPSED, Duration.ofMillis(10_040), -1).describe());
  }

  /** Ganesha 4.3's own lines, as captured in the lab (a stale libnfs client in its recovery records, then one that reclaimed). */
  @Test
  void ganeshasLogTellsItsKnownAndReclaimedClients() {
    String start = "nfs_start_grace :STATE :EVENT :NFS Server Now IN GRACE, duration 10\n";
    String check = "nfs_try_lift_grace :STATE :EVENT :check grace:reclaim complete(%d) clid count(%d)\n";
    String lift = "nfs_lift_grace_locked :STATE :EVENT :NFS Server Now NOT IN GRACE\n";
    assertEquals(Reading.inGrace(), GaneshaLayer.graceInLog(start + String.format(check, 0, 1)));
    assertEquals(new Reading(true, Optional.of(Reason.ALL_CLIENTS_RECLAIMED), 1),
        GaneshaLayer.graceInLog(start + String.format(check, 0, 1) + String.format(check, 1, 1) + lift));
    assertEquals(new Reading(true, Optional.of(Reason.NO_CLIENTS_TO_RECLAIM), 0), GaneshaLayer.graceInLog(start + String.format(check, 0, 0) + lift));
    assertEquals(new Reading(true, Optional.empty(), 2), GaneshaLayer.graceInLog(start + String.format(check, 1, 2) + lift), "the period decides");
    assertEquals(new Reading(true, Optional.empty(), -1), GaneshaLayer.graceInLog(start + lift));
  }
}
