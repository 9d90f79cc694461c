package io.hanfs.persistence.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.persistence.ledger.LedgerEvent.Demoted;
import io.hanfs.persistence.ledger.LedgerEvent.Discarded;
import io.hanfs.persistence.ledger.LedgerEvent.Forced;
import io.hanfs.persistence.ledger.LedgerEvent.Outdated;
import io.hanfs.persistence.ledger.LedgerEvent.PeerOutdated;
import io.hanfs.persistence.ledger.LedgerEvent.Promoted;
import io.hanfs.persistence.ledger.LedgerEvent.SplitBrainDetected;
import io.hanfs.persistence.ledger.LedgerEvent.SyncCompleted;
import io.hanfs.persistence.ledger.LedgerEvent.SyncStarted;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerStateTest {
  static LedgerState fold(LedgerEvent... events) {
    LedgerState s = LedgerState.EMPTY;
    for (LedgerEvent e : events) s = s.apply(e);
    return s;
  }

  /**
   * A promotion refused before the device was writable (the VM lab's lease refusal) is undone:
   * the copy is again the generation it held, so it does not look like a copy that wrote alone.
   * Aborting a generation that is not the current one changes nothing but the epoch.
   */
  @Test
  void anAbortedPromotionLeavesNoGeneration() {
    Generation g1 = new Generation(1, 0);
    LedgerState s = LedgerState.EMPTY.apply(new Promoted(1, g1, 5)).apply(new Demoted(1));
    LedgerState tried = s.apply(new Promoted(3, new Generation(3, 0), 9));
    LedgerState undone = tried.apply(new LedgerEvent.PromotionAborted(3, "lease not granted"));
    assertEquals(g1, undone.current());
    assertEquals(s.lineage(), undone.lineage());
    assertEquals(3, undone.lastEpoch(), "the epoch stays used");
    LedgerState other = s.apply(new LedgerEvent.PromotionAborted(7, "late"));
    assertEquals(s.current(), other.current());
    assertEquals(s.lineage(), other.lineage());
  }

  @Test
  void promotionsAndPeerOutdatesBuildTheLineage() {
    LedgerState s = fold(new Promoted(3, new Generation(3, 0)), new PeerOutdated("d2", new Generation(3, 1)), new Demoted(3),
        new Promoted(5, new Generation(5, 0)));
    assertEquals(new Generation(5, 0), s.current());
    assertEquals(List.of(Generation.NONE, new Generation(3, 0), new Generation(3, 1), new Generation(5, 0)), s.lineage());
    assertEquals(5, s.lastEpoch());
    assertEquals(4, s.events());
    assertEquals("Promoted", s.lastEvent());
  }

  @Test
  void anOutdatedCopyStaysOutdatedUntilItResyncs() {
    LedgerState s = fold(new Promoted(3, new Generation(3, 0)), new Demoted(3), new Outdated(new Generation(4, 1)));
    assertTrue(s.summary("d1").outdated());
    LedgerState syncing = s.apply(new SyncStarted("d2", new Generation(4, 1), List.of(new Generation(3, 0), new Generation(4, 0), new Generation(4, 1))));
    assertEquals(new Generation(4, 1), syncing.current());
    assertTrue(syncing.summary("d1").outdated(), "a copy in the middle of a resync is not promotable");
    LedgerState synced = syncing.apply(new SyncCompleted(new Generation(4, 1), List.of(new Generation(3, 0), new Generation(4, 0), new Generation(4, 1))));
    LedgerSummary sum = synced.summary("d1");
    assertFalse(sum.outdated());
    assertEquals(new Generation(4, 1), sum.current());
    assertEquals(4, sum.lastEpoch());
  }

  @Test
  void splitBrainFlagUntilDiscardedAndResynced() {
    LedgerState s = fold(new Promoted(3, new Generation(3, 0)), new SplitBrainDetected("d2", new Generation(3, 0), new Generation(4, 0)));
    assertTrue(s.summary("d1").splitBrain());
    LedgerState discarded = s.apply(new Discarded("/var/lib/hanfs/rescue/home-1", new Generation(3, 0)));
    assertFalse(discarded.summary("d1").splitBrain());
    assertTrue(discarded.summary("d1").outdated(), "discarded data resyncs before it may be promoted");
  }

  @Test
  void forcedClearsTheFlagsAndLineageIsBounded() {
    LedgerState s = fold(new Outdated(new Generation(2, 0)), new SplitBrainDetected("d2", Generation.NONE, new Generation(2, 0)),
        new Forced("root@d1", "d2 is lost for good", 9));
    assertFalse(s.outdated());
    assertFalse(s.splitBrain());
    assertEquals(9, s.lastEpoch());
    for (int e = 10; e < 200; e++) s = s.apply(new Promoted(e, new Generation(e, 0)));
    assertEquals(LedgerState.MAX_LINEAGE, s.lineage().size());
    assertEquals(new Generation(199, 0), s.lineage().get(LedgerState.MAX_LINEAGE - 1));
  }

  /** A snapshot from before write ids (a bare LedgerState) loads with no ids remembered. */
  @Test
  void anOldSnapshotLoadsWithoutWriteIds() {
    LedgerState old = fold(new Promoted(4, new Generation(4, 0)));
    LedgerWithWriteIds loaded = LedgerWithWriteIds.fromSnapshot(old);
    assertEquals(old, loaded.ledger());
    assertEquals(List.of(), loaded.recentWriteIds());
    assertEquals(loaded, LedgerWithWriteIds.fromSnapshot(loaded));
  }

  @Test
  void writeIdsAreBoundedAndNoIdIsNeverRemembered() {
    LedgerWithWriteIds s = LedgerWithWriteIds.EMPTY.apply(new Demoted(1));
    assertFalse(s.remembers(""));
    for (int i = 0; i <= ResourceLedger.MAX_WRITE_IDS; i++) s = s.apply(new LedgerEntry.Identified("w" + i, new Demoted(i)));
    assertEquals(ResourceLedger.MAX_WRITE_IDS, s.recentWriteIds().size());
    assertFalse(s.remembers("w0"));
    assertTrue(s.remembers("w1"));
    assertTrue(s.remembers("w" + ResourceLedger.MAX_WRITE_IDS));
    assertEquals(ResourceLedger.MAX_WRITE_IDS + 2, s.ledger().events());
  }
}
