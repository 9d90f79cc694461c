package io.hanfs.sbr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.data.PromotionGate.Allow;
import io.hanfs.sbr.data.PromotionGate.Input;
import io.hanfs.sbr.data.PromotionGate.NodeFacts;
import io.hanfs.sbr.data.PromotionGate.Reason;
import io.hanfs.sbr.data.PromotionGate.Refuse;
import io.hanfs.sbr.data.PromotionGate.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromotionGateTest {
  static final Generation G5 = new Generation(5, 0);
  static final Generation G5B = new Generation(5, 1);
  static final Generation G6 = new Generation(6, 0);
  static final Generation G7 = new Generation(7, 0);

  static LedgerSummary ledger(String node, boolean outdated, boolean splitBrain, Generation... lineage) {
    return new LedgerSummary(node, lineage[lineage.length - 1], List.of(lineage), outdated, splitBrain, lineage[lineage.length - 1].epoch());
  }

  /** The peer's copy relative to d1's copy [5.0, 6.0]. */
  enum Peer { SAME, OLDER, NEWER, DIVERGED, UNKNOWN }

  static Optional<LedgerSummary> peerLedger(Peer p) {
    return switch (p) {
      case SAME -> Optional.of(ledger("d2", false, false, G5, G6));
      case OLDER -> Optional.of(ledger("d2", false, false, G5));
      case NEWER -> Optional.of(ledger("d2", false, false, G5, G6, G7));
      case DIVERGED -> Optional.of(ledger("d2", false, false, G5, G5B));
      case UNKNOWN -> Optional.empty();
    };
  }

  /** Every combination of d1's facts and its peer's: the verdict for d1 always follows the rules. */
  @Test
  void exhaustiveTwoNodes() {
    int cases = 0;
    int allowed = 0;
    for (boolean shared : new boolean[] {false, true})
      for (boolean fencing : new boolean[] {false, true})
        for (boolean reachable : new boolean[] {false, true})
          for (boolean known : new boolean[] {false, true})
            for (DiskState disk : DiskState.values())
              for (boolean outdated : new boolean[] {false, true})
                for (boolean splitBrain : new boolean[] {false, true})
                  for (Optional<Generation> fence : List.of(Optional.<Generation>empty(), Optional.of(G6), Optional.of(G7)))
                    for (Peer peer : Peer.values())
                      for (boolean peerReachable : new boolean[] {false, true}) {
                        Optional<LedgerSummary> mine = known ? Optional.of(ledger("d1", outdated, splitBrain, G5, G6)) : Optional.empty();
                        Input in = new Input(List.of(
                            new NodeFacts("d1", reachable, mine, disk, fence),
                            new NodeFacts("d2", peerReachable, peerLedger(peer), DiskState.UP_TO_DATE, Optional.empty())), shared, fencing);
                        Verdict v = PromotionGate.decide(in, "d1");
                        boolean expectAllow = reachable && (shared || (known && disk == DiskState.UP_TO_DATE && !outdated && !splitBrain
                            && !fence.equals(Optional.of(G7)) && peer != Peer.NEWER && peer != Peer.DIVERGED && (peer != Peer.UNKNOWN || fencing)));
                        assertEquals(expectAllow, v instanceof Allow, () -> "case " + in + " -> " + v);
                        if (v instanceof Refuse r) assertTrue(r.message().contains("d1") || r.message().contains("d2"), r.message());
                        cases++;
                        if (expectAllow) allowed++;
                      }
    assertEquals(2 * 2 * 2 * 2 * 6 * 2 * 2 * 3 * 5 * 2, cases);
    assertTrue(allowed > 0);
  }

  /** Safety over the same space: never two diverged or differently-aged copies both allowed. */
  @Test
  void neverAllowsBothSidesOfADifferenceInData() {
    List<LedgerSummary> d1s = List.of(ledger("d1", false, false, G5, G6), ledger("d1", false, false, G5), ledger("d1", false, false, G5, G5B));
    List<LedgerSummary> d2s = List.of(ledger("d2", false, false, G5, G6), ledger("d2", false, false, G5, G6, G7), ledger("d2", false, false, G5, G5B));
    for (LedgerSummary a : d1s)
      for (LedgerSummary b : d2s)
        for (boolean fencing : new boolean[] {false, true}) {
          Input in = new Input(List.of(new NodeFacts("d1", true, Optional.of(a), DiskState.UP_TO_DATE, Optional.empty()),
              new NodeFacts("d2", true, Optional.of(b), DiskState.UP_TO_DATE, Optional.empty())), false, fencing);
          List<Verdict> all = PromotionGate.decideAll(in);
          long allowedCount = all.stream().filter(v -> v instanceof Allow).count();
          if (a.current().equals(b.current())) {
            assertEquals(2, allowedCount, all.toString());
          } else {
            assertTrue(allowedCount <= 1, "two different copies both promotable: " + all);
            for (Verdict v : all) {
              if (v instanceof Allow ok) {
                LedgerSummary winner = ok.node().equals("d1") ? a : b;
                LedgerSummary other = ok.node().equals("d1") ? b : a;
                assertEquals(LedgerSummary.Relation.NEWER, winner.relationTo(other), all.toString());
              }
            }
          }
        }
  }

  @Test
  void reasonsNameTheCause() {
    Input stale = new Input(List.of(
        new NodeFacts("d1", true, Optional.of(ledger("d1", false, false, G5)), DiskState.UP_TO_DATE, Optional.empty()),
        new NodeFacts("d2", false, Optional.of(ledger("d2", false, false, G5, G6)), DiskState.UP_TO_DATE, Optional.empty())), false, true);
    Refuse r = assertInstanceOf(Refuse.class, PromotionGate.decide(stale, "d1"));
    assertEquals(Reason.OLDER_THAN_PEER, r.reason());
    assertEquals("d1 holds generation 5.0, older than d2's 6.0", r.message());

    Input diverged = new Input(List.of(
        new NodeFacts("d1", true, Optional.of(ledger("d1", false, false, G5, G6)), DiskState.UP_TO_DATE, Optional.empty()),
        new NodeFacts("d2", true, Optional.of(ledger("d2", false, false, G5, G5B)), DiskState.UP_TO_DATE, Optional.empty())), false, true);
    Refuse d = assertInstanceOf(Refuse.class, PromotionGate.decide(diverged, "d2"));
    assertEquals(Reason.DIVERGED, d.reason());
    assertTrue(d.message().contains("after generation 5.0"), d.message());

    Input consistent = new Input(List.of(
        new NodeFacts("d1", true, Optional.of(ledger("d1", false, false, G5)), DiskState.CONSISTENT, Optional.empty())), false, true);
    assertEquals("d1's disk is Consistent; only UpToDate data is promoted",
        assertInstanceOf(Refuse.class, PromotionGate.decide(consistent, "d1")).message());
    assertEquals(Reason.UNKNOWN_NODE, assertInstanceOf(Refuse.class, PromotionGate.decide(consistent, "w")).reason());
  }

  /** A bounded lineage: a copy older than all the other remembers is older, not diverged. */
  @Test
  void veryOldCopyIsOlderNotDiverged() {
    List<Generation> longHistory = new ArrayList<>();
    for (int e = 10; e < 20; e++) longHistory.add(new Generation(e, 0));
    LedgerSummary recent = new LedgerSummary("d2", new Generation(19, 0), longHistory, false, false, 19);
    LedgerSummary ancient = ledger("d1", false, false, new Generation(2, 0));
    assertEquals(LedgerSummary.Relation.OLDER, ancient.relationTo(recent));
    assertEquals(LedgerSummary.Relation.NEWER, recent.relationTo(ancient));
  }
}
