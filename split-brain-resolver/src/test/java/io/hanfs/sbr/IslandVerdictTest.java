package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.IslandVerdict.Incarnation;
import io.hanfs.sbr.IslandVerdict.Leave;
import io.hanfs.sbr.IslandVerdict.PeerView;
import io.hanfs.sbr.IslandVerdict.Stay;
import io.hanfs.sbr.IslandVerdict.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IslandVerdictTest {
  static final Set<String> NODES = Set.of("d1", "d2", "w");
  static final Incarnation D1 = new Incarnation("d1", 11);
  static final Incarnation D1_OLD = new Incarnation("d1", 10);
  static final Incarnation D2 = new Incarnation("d2", 20);
  static final Incarnation W = new Incarnation("w", 30);

  @Test
  void theRestartedFirstSeedAloneLeavesWhenThePeersRunTheCluster() {
    Verdict v = IslandVerdict.decide(NODES, D1, Set.of(D1), List.of(new PeerView("d2", Set.of(D2, W))));
    assertInstanceOf(Leave.class, v);
    assertTrue(((Leave) v).why().contains("d2 answers from a cluster of 2 of 3 nodes [d2, w]"), v.toString());
  }

  @Test
  void anOldIncarnationOfThisNodeInThePeersClusterIsNotThisNode() {
    assertInstanceOf(Leave.class, IslandVerdict.decide(NODES, D1, Set.of(D1), List.of(new PeerView("w", Set.of(D1_OLD, D2, W)))));
  }

  @Test
  void aMemberOfTheMajorityStays() {
    assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D2, Set.of(D2, W), List.of(new PeerView("d1", Set.of(D1)))));
    // In a partition the minority side still lists every member (unreachable ones too): it is no island.
    assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D1, Set.of(D1, D2, W), List.of(new PeerView("d2", Set.of(D1, D2, W)))));
  }

  @Test
  void nobodyAnsweringOrAMinorityAnsweringIsNoReasonToLeave() {
    assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D1, Set.of(D1), List.of()));
    assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D1, Set.of(D1), List.of(new PeerView("d2", Set.of(D2)))));
    // A peer that is in this node's cluster is not another cluster.
    assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D1, Set.of(D1, D2), List.of(new PeerView("d2", Set.of(D1, D2)))));
  }

  @Test
  void unknownNamesCountForNobody() {
    Set<Incarnation> strangers = Set.of(D2, new Incarnation("x", 1), new Incarnation("y", 2));
    assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D1, Set.of(D1), List.of(new PeerView("d2", strangers))));
  }

  /**
   * Every membership of this node's cluster and every peer answer (each a subset of the other
   * two nodes' current incarnations, with or without this node's old or current incarnation):
   * leave exactly when this node's cluster lacks a majority and some answer shows a majority
   * without this node's current incarnation; and two nodes that share a cluster never both leave.
   */
  @Test
  void exhaustiveOverThreeNodes() {
    List<Incarnation> all = List.of(D1, D2, W);
    int cases = 0;
    for (Incarnation self : all) {
      Incarnation old = new Incarnation(self.node(), self.uid() - 1);
      List<Incarnation> others = all.stream().filter(i -> i != self).toList();
      for (Set<Incarnation> mine : subsetsWith(self, others)) {
        for (int answers = 0; answers < 1 << 2; answers++) {
          List<PeerView> views = new ArrayList<>();
          for (int k = 0; k < 2; k++) {
            if ((answers & 1 << k) == 0) continue;
            for (Set<Incarnation> theirs : subsets(List.of(others.get(0), others.get(1), self, old))) {
              if (!theirs.contains(others.get(k))) continue;
              if (theirs.contains(self) && theirs.contains(old)) continue;
              views.clear();
              views.add(new PeerView(others.get(k).node(), theirs));
              Verdict v = IslandVerdict.decide(NODES, self, mine, views);
              boolean majorityElsewhere = !theirs.contains(self) && theirs.stream().map(Incarnation::node).distinct().count() >= 2;
              boolean expectLeave = mine.size() < 2 && majorityElsewhere;
              assertEquals(expectLeave, v instanceof Leave, self + " in " + mine + ", " + views + ": " + v);
              cases++;
            }
          }
        }
      }
    }
    assertTrue(cases > 100, "cases " + cases);
  }

  @Test
  void twoNodesOfOneClusterNeverBothLeave() {
    // Whatever a third node answers, a node in a two-node cluster holds a majority of three.
    for (Set<Incarnation> theirs : subsets(List.of(D1, D2, W, D1_OLD))) {
      assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D1, Set.of(D1, D2), List.of(new PeerView("w", theirs))));
      assertInstanceOf(Stay.class, IslandVerdict.decide(NODES, D2, Set.of(D1, D2), List.of(new PeerView("w", theirs))));
    }
  }

  static List<Set<Incarnation>> subsetsWith(Incarnation self, List<Incarnation> others) {
    List<Set<Incarnation>> out = new ArrayList<>();
    for (Set<Incarnation> s : subsets(others)) {
      Set<Incarnation> t = new HashSet<>(s);
      t.add(self);
      out.add(t);
    }
    return out;
  }

  static List<Set<Incarnation>> subsets(List<Incarnation> xs) {
    List<Set<Incarnation>> out = new ArrayList<>();
    for (int m = 0; m < 1 << xs.size(); m++) {
      Set<Incarnation> s = new HashSet<>();
      for (int i = 0; i < xs.size(); i++) if ((m & 1 << i) != 0) s.add(xs.get(i));
      out.add(s);
    }
    return out;
  }
}
