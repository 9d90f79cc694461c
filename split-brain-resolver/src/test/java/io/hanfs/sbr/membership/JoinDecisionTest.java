package io.hanfs.sbr.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.membership.JoinDecision.Decision;
import io.hanfs.sbr.membership.JoinDecision.Form;
import io.hanfs.sbr.membership.JoinDecision.InCluster;
import io.hanfs.sbr.membership.JoinDecision.JoinRunning;
import io.hanfs.sbr.membership.JoinDecision.PeerAnswer;
import io.hanfs.sbr.membership.JoinDecision.Unjoined;
import io.hanfs.sbr.membership.JoinDecision.Wait;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JoinDecisionTest {
  static final List<String> THREE = List.of("d1", "d2", "w");

  static Unjoined backing(String peer, String candidate) {
    return new Unjoined(peer, new HashSet<>(List.of(peer, candidate)), Optional.of(candidate));
  }

  @Test
  void aRestartedFirstNodeJoinsTheRunningClusterAndNeverFormsOne() {
    Decision d = JoinDecision.decide(THREE, "d1", List.of(new InCluster("d2"), new InCluster("w")), Set.of("d1"), Optional.of("d1"));
    assertEquals(new JoinRunning(List.of("d2", "w"), "[d2, w] run a cluster: joining it"), d);
    // One running peer is enough, whatever the others say and back.
    assertInstanceOf(JoinRunning.class, JoinDecision.decide(THREE, "d1", List.of(backing("w", "d1"), new InCluster("d2")), Set.of("d1", "w"), Optional.of("d1")));
  }

  @Test
  void aNodeThatHearsNobodyWaitsHoweverLong() {
    Decision d = JoinDecision.decide(THREE, "d1", List.of(), Set.of("d1"), Optional.of("d1"));
    assertInstanceOf(Wait.class, d);
    assertTrue(d.why().contains("1 of 3"), d.why());
  }

  @Test
  void aMajorityOfBallotsFormsAndNothingLessDoes() {
    assertEquals(new Form("no cluster runs and [d2, w] back this node (a majority of 3)"),
        JoinDecision.decide(THREE, "d2", List.of(backing("w", "d2")), Set.of("d2", "w"), Optional.of("d2")));
    // Heard, in no cluster, but w's ballot is for d1 (or has run out): d2 waits and says who backs whom.
    Decision d = JoinDecision.decide(THREE, "d2", List.of(backing("w", "d1")), Set.of("d2", "w"), Optional.of("d2"));
    assertEquals(new Wait("no cluster runs; d1 backed by [w], d2 backed by [d2]; the node a majority (2) backs forms it"), d);
    assertInstanceOf(Wait.class, JoinDecision.decide(THREE, "d2", List.of(new Unjoined("w", Set.of("w", "d2"), Optional.empty())), Set.of("d2", "w"), Optional.of("d2")));
    // Its own ballot for another node: two peers' ballots would be needed.
    assertInstanceOf(Wait.class, JoinDecision.decide(THREE, "d2", List.of(backing("w", "d2")), Set.of("d2", "w"), Optional.of("d1")));
  }

  @Test
  void namesOutsideTheConfigAndItsOwnNameCountNothing() {
    assertInstanceOf(Wait.class, JoinDecision.decide(THREE, "d1", List.of(backing("intruder", "d1")), Set.of("d1", "x"), Optional.of("d1")));
    // A peer that claims this node's own name counts nothing.
    assertInstanceOf(Wait.class, JoinDecision.decide(THREE, "d1", List.of(backing("d1", "d1")), Set.of("d1"), Optional.of("d1")));
    // A ballot for a name outside the config backs nobody.
    assertEquals(new Wait("no cluster runs; d1 backed by [d1]; the node a majority (2) backs forms it"),
        JoinDecision.decide(THREE, "d1", List.of(backing("w", "x")), Set.of("d1", "w"), Optional.of("d1")));
  }

  @Test
  void aBallotGoesToTheFirstConfiguredNodeHeard() {
    assertEquals("d1", JoinDecision.candidate(THREE, "w", Set.of("w", "d2", "d1")));
    assertEquals("d2", JoinDecision.candidate(THREE, "w", Set.of("w", "d2")));
    assertEquals("w", JoinDecision.candidate(THREE, "w", Set.of("w")));
    assertEquals("d1", JoinDecision.candidate(THREE, "d1", Set.of("d2")));
  }

  /**
   * Every set of running nodes and every symmetric connectivity among them, for 3, 4 and 5 nodes,
   * with each node's ballot cast from what it hears: at most one node forms, and when all running
   * nodes see each other and are a majority, exactly the first of them forms.
   */
  @Test
  void neverTwoFormersOverEveryConnectivity() {
    for (int size = 3; size <= 5; size++) {
      List<String> nodes = new ArrayList<>();
      for (int i = 0; i < size; i++) nodes.add("n" + i);
      List<int[]> pairs = new ArrayList<>();
      for (int i = 0; i < size; i++) for (int j = i + 1; j < size; j++) pairs.add(new int[] {i, j});
      for (int up = 1; up < (1 << size); up++) {
        for (int edges = 0; edges < (1 << pairs.size()); edges++) {
          boolean[][] link = new boolean[size][size];
          for (int p = 0; p < pairs.size(); p++) {
            int a = pairs.get(p)[0], b = pairs.get(p)[1];
            if ((edges >> p & 1) == 1 && (up >> a & 1) == 1 && (up >> b & 1) == 1) link[a][b] = link[b][a] = true;
          }
          List<String> formers = new ArrayList<>();
          for (int x = 0; x < size; x++) {
            if ((up >> x & 1) == 0) continue;
            List<PeerAnswer> answers = new ArrayList<>();
            for (int y = 0; y < size; y++) {
              if (!link[x][y]) continue;
              Set<String> h = heard(nodes, link, y);
              answers.add(new Unjoined(nodes.get(y), h, Optional.of(JoinDecision.candidate(nodes, nodes.get(y), h))));
            }
            Set<String> own = heard(nodes, link, x);
            if (JoinDecision.decide(nodes, nodes.get(x), answers, own, Optional.of(JoinDecision.candidate(nodes, nodes.get(x), own))) instanceof Form) formers.add(nodes.get(x));
          }
          assertTrue(formers.size() <= 1, "two formers " + formers + " for up=" + up + " edges=" + edges + " of " + size);
          boolean full = (edges == (1 << pairs.size()) - 1);
          if (full && Integer.bitCount(up) >= size / 2 + 1) {
            assertEquals(List.of(nodes.get(Integer.numberOfTrailingZeros(up))), formers, "up=" + up + " of " + size);
          }
          if (Integer.bitCount(up) < size / 2 + 1) assertEquals(List.of(), formers);
        }
      }
    }
  }

  private static Set<String> heard(List<String> nodes, boolean[][] link, int y) {
    Set<String> s = new HashSet<>();
    s.add(nodes.get(y));
    for (int z = 0; z < nodes.size(); z++) if (link[y][z]) s.add(nodes.get(z));
    return s;
  }
}
