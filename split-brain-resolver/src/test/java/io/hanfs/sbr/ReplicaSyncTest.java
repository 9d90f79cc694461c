package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.sbr.LeaderEffect.Forget;
import io.hanfs.sbr.LeaderEffect.RecordPeerConnected;
import io.hanfs.sbr.LeaderEffect.RecordSyncCompleted;
import io.hanfs.sbr.LeaderEffect.Remember;
import io.hanfs.sbr.ReplicaSync.Copy;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replicas' bookkeeping case by case: the copies, what was remembered, and every effect in order. */
class ReplicaSyncTest {
  static final Generation OLD = new Generation(3, 1);
  static final Generation MARK = new Generation(3, 2);
  static final Generation NOW_AT = new Generation(3, 3);

  static LedgerSummary ledger(String node, Generation... lineage) {
    List<Generation> l = List.of(lineage);
    return new LedgerSummary(node, l.get(l.size() - 1), l, false, false, 3);
  }

  static final LedgerSummary PRIMARY = ledger("n1", Generation.NONE, OLD, MARK, NOW_AT);
  static final LedgerSummary BEHIND = ledger("n2", Generation.NONE, OLD);

  static Copy primary(boolean connected, boolean inSync) {
    return new Copy("n1", true, Role.PRIMARY, 3, Optional.of(PRIMARY), connected, inSync, Optional.empty());
  }

  static Copy secondary(LedgerSummary l, Optional<Generation> mark) {
    return new Copy("n2", true, Role.SECONDARY, 2, Optional.of(l), false, false, mark);
  }

  static final Remembered LINK = new Remembered.LinkSeen("web", "n1", 3);
  static final Remembered SYNCED = new Remembered.SyncRecorded("web", "n2", NOW_AT);
  static final Remembered OUT_OF_SYNC = new Remembered.OutOfSyncAfterMark("web", "n1", 3, "n2", MARK);
  static final RecordSyncCompleted SYNC = new RecordSyncCompleted("n2", NOW_AT, PRIMARY.lineage(), "n2 is in sync with primary n1 at generation " + NOW_AT);

  record Case(String name, List<Copy> copies, Set<Remembered> remembered, List<LeaderEffect> effects) {}

  static final List<Case> CASES = List.of(
      new Case("a link up is written once to the primary, a secondary in sync once to itself",
          List.of(primary(true, true), secondary(BEHIND, Optional.empty())), Set.of(),
          List.of(new Remember(LINK), new RecordPeerConnected("n1", "n2"), new Remember(SYNCED), SYNC)),
      new Case("... and neither again", List.of(primary(true, true), secondary(BEHIND, Optional.empty())), Set.of(LINK, SYNCED), List.of()),
      new Case("a link that went down is forgotten: the next connection is written again",
          List.of(primary(false, false), secondary(BEHIND, Optional.empty())), Set.of(LINK), List.of(new Forget(LINK))),
      new Case("a secondary while the peer is not in sync: nothing", List.of(primary(true, false), secondary(BEHIND, Optional.empty())), Set.of(LINK),
          List.of()),
      new Case("a secondary at the primary's generation: nothing",
          List.of(primary(true, true), secondary(ledger("n2", Generation.NONE, OLD, MARK, NOW_AT), Optional.empty())), Set.of(LINK), List.of()),
      new Case("an unreachable secondary: nothing",
          List.of(primary(true, true), new Copy("n2", false, Role.SECONDARY, 2, Optional.of(BEHIND), false, false, Optional.empty())), Set.of(LINK),
          List.of()),
      new Case("an unreachable primary writes nothing",
          List.of(new Copy("n1", false, Role.PRIMARY, 3, Optional.of(PRIMARY), true, true, Optional.empty()), secondary(BEHIND, Optional.empty())),
          Set.of(), List.of()),
      new Case("a copy flagged split brain is not made current",
          List.of(primary(true, true), secondary(new LedgerSummary("n2", OLD, List.of(Generation.NONE, OLD), false, true, 3), Optional.empty())),
          Set.of(LINK), List.of()),
      new Case("a fenced copy is not made current by a link that may predate the fence",
          List.of(primary(true, true), secondary(BEHIND, Optional.of(MARK))), Set.of(LINK), List.of()),
      new Case("the primary reporting the fenced copy out of sync after the mark is remembered",
          List.of(primary(true, false), secondary(BEHIND, Optional.of(MARK))), Set.of(LINK), List.of(new Remember(OUT_OF_SYNC))),
      new Case("... then in sync again: the copy resynced after the fence",
          List.of(primary(true, true), secondary(BEHIND, Optional.of(MARK))), Set.of(LINK, OUT_OF_SYNC),
          List.of(new Remember(SYNCED), new RecordSyncCompleted("n2", NOW_AT, PRIMARY.lineage(), "n2 is in sync with primary n1 at generation " + NOW_AT
              + " (resynced after the fence mark at " + MARK + "; its own after-resync-target did not reach the leader)"))),
      new Case("a fenced copy that already holds the mark is in sync like any other",
          List.of(primary(true, true), secondary(ledger("n2", Generation.NONE, OLD, MARK), Optional.of(MARK))), Set.of(LINK),
          List.of(new Remember(SYNCED), SYNC)),
      new Case("three copies: no single peer to name for the link, each secondary written",
          List.of(primary(true, true), secondary(BEHIND, Optional.empty()),
              new Copy("n3", true, Role.SECONDARY, 2, Optional.of(ledger("n3", Generation.NONE, OLD)), false, false, Optional.empty())), Set.of(),
          List.of(new Remember(LINK), new Remember(SYNCED), SYNC, new Remember(new Remembered.SyncRecorded("web", "n3", NOW_AT)),
              new RecordSyncCompleted("n3", NOW_AT, PRIMARY.lineage(), "n3 is in sync with primary n1 at generation " + NOW_AT))));

  @Test
  void everyCase() {
    for (Case c : CASES) assertEquals(c.effects(), ReplicaSync.writes("web", c.copies(), c.remembered()), c.name());
  }
}
