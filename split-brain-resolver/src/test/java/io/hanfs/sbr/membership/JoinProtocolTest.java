package io.hanfs.sbr.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.membership.JoinDecision.Decision;
import io.hanfs.sbr.membership.JoinDecision.Form;
import io.hanfs.sbr.membership.JoinDecision.JoinRunning;
import io.hanfs.sbr.membership.JoinDecision.Wait;
import io.hanfs.sbr.membership.JoinProtocol.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JoinProtocolTest {
  static final List<String> THREE = List.of("d1", "d2", "w");
  static final long S = 1_000_000_000L;
  static final Duration ROUND = Duration.ofSeconds(1);

  /** A node's first hold after start casts no ballot; then it backs the first node it heard and keeps that ballot for the hold. */
  @Test
  void aBallotIsCastAfterTheStartHoldAndKeptForItsHold() {
    JoinProtocol w = new JoinProtocol(THREE, "w", ROUND, 0);
    Answer early = w.onProbe("d2", true, false, 2 * S);
    assertEquals(Optional.empty(), early.backs(), "no ballot in the first hold after start");
    Answer first = w.onProbe("d2", true, false, 7 * S);
    assertEquals(Optional.of("d2"), first.backs());
    assertEquals(6 * S, first.heldNanos());
    // d1 shows up: w still backs d2 until its hold is over, then the first node it heard.
    assertEquals(Optional.of("d2"), w.onProbe("d1", true, false, 8 * S).backs());
    assertEquals(2 * S, w.onProbe("d1", true, false, 11 * S).heldNanos());
    assertEquals(Optional.of("d1"), w.onProbe("d1", true, false, 13 * S).backs());
    // A member answers as one and backs nobody.
    Answer member = w.onProbe("d2", true, true, 14 * S);
    assertTrue(member.inCluster());
    assertEquals(Optional.empty(), member.backs());
  }

  @Test
  void aProbeFromAnotherAddressOrNameCountsNothing() {
    JoinProtocol w = new JoinProtocol(THREE, "w", ROUND, 0);
    w.onProbe("d1", false, false, 7 * S);
    w.onProbe("intruder", true, false, 7 * S);
    w.onProbe("w", true, false, 7 * S);
    assertEquals(Set.of("w"), w.heard(7 * S));
    assertEquals(Optional.of("w"), w.onProbe("d2", false, false, 7 * S).backs(), "only itself heard: it backs itself");
  }

  /** A node that heard lately that a cluster runs backs nobody, and its held ballot is not moved. */
  @Test
  void aNodeThatSawARunningClusterAbstains() {
    JoinProtocol d2 = new JoinProtocol(THREE, "d2", ROUND, 0);
    d2.onAnswer("w", new Answer("w", false, Set.of("w"), Optional.empty(), 0), 6 * S, 6 * S);
    assertEquals(Optional.of("d2"), d2.onProbe("w", true, false, 7 * S).backs());
    d2.onAnswer("d1", new Answer("d1", true, Set.of("d1"), Optional.empty(), 0), 7 * S, Math.round(7.5 * S));
    assertEquals(Optional.empty(), d2.onProbe("w", true, false, 9 * S).backs());
    assertInstanceOf(JoinRunning.class, d2.onRound(9 * S));
    // The running cluster's answer goes stale: the node backs again whom it backed.
    assertEquals(Optional.of("d2"), d2.onProbe("w", true, false, Math.round(12.6 * S)).backs());
  }

  /** A peer's ballot counts until its send time plus what is left of the hold, less a round; a hostile hold is cut to the protocol's. */
  @Test
  void aPeersBallotCountsOnlyWhileItSurelyHolds() {
    JoinProtocol d2 = new JoinProtocol(THREE, "d2", ROUND, 0);
    d2.onProbe("w", true, false, 6 * S);
    d2.onAnswer("w", new Answer("w", false, Set.of("w", "d2"), Optional.of("d2"), 3 * S), 7 * S, 8 * S);
    assertInstanceOf(Wait.class, d2.onRound(8 * S)); // the first round of two
    assertInstanceOf(Form.class, d2.onRound(Math.round(8.5 * S)));
    JoinProtocol d2b = new JoinProtocol(THREE, "d2", ROUND, 0);
    d2b.onAnswer("w", new Answer("w", false, Set.of("w", "d2"), Optional.of("d2"), 3 * S), 7 * S, 8 * S);
    d2b.onRound(8 * S);
    Decision late = d2b.onRound(9 * S); // 7 s + 3 s - 1 round: no longer counted
    assertInstanceOf(Wait.class, late, late.why());
    JoinProtocol d2c = new JoinProtocol(THREE, "d2", ROUND, 0);
    d2c.onAnswer("w", new Answer("w", false, Set.of("w", "d2"), Optional.of("d2"), Long.MAX_VALUE), 7 * S, 8 * S);
    d2c.onRound(11 * S);
    assertInstanceOf(Form.class, d2c.onRound(Math.round(11.5 * S)));
    JoinProtocol d2d = new JoinProtocol(THREE, "d2", ROUND, 0);
    d2d.onAnswer("w", new Answer("w", false, Set.of("w", "d2"), Optional.of("d2"), Long.MAX_VALUE), 7 * S, 8 * S);
    d2d.onRound(Math.round(11.5 * S));
    assertInstanceOf(Wait.class, d2d.onRound(12 * S), "7 s + the 6 s hold - 1 round: a longer claimed hold is not believed");
  }

  /**
   * The interleaving a VM cold start showed (d2 formed a second cluster 22 s after d1 formed with
   * w): w told d2 it was in no cluster and had heard only d2, then heard d1; d1 formed with w, and
   * d2 formed on w's stale answer. With ballots w's answer to d2 and to d1 back the same node.
   */
  @Test
  void theStaleAnswerThatLetASecondNodeFormBacksNobody() {
    JoinProtocol d1 = new JoinProtocol(THREE, "d1", ROUND, 0);
    JoinProtocol d2 = new JoinProtocol(THREE, "d2", ROUND, 0);
    JoinProtocol w = new JoinProtocol(THREE, "w", ROUND, 0);
    List<String> formers = new ArrayList<>();
    // 7 s: w hears d2 first, and its answer to d2 backs d2.
    Answer toD2 = w.onProbe("d2", true, false, 7 * S);
    d2.onAnswer("w", toD2, 7 * S, 7 * S);
    // d1's probe reaches w; d1 learns whom w backs.
    Answer toD1 = w.onProbe("d1", true, false, 7 * S + 1);
    d1.onAnswer("w", toD1, 7 * S, 7 * S + 2);
    for (long t = 8 * S; t <= 12 * S; t += S) {
      if (!formers.contains("d1") && d1.onRound(t) instanceof Form) formers.add("d1");
      if (!formers.contains("d2") && d2.onRound(t) instanceof Form) formers.add("d2");
    }
    assertEquals(List.of("d2"), formers, "w backs d2 in both answers, so only d2 forms");
  }

  // ---- a simulation of whole clusters over arbitrary interleavings ----

  record Event(long at, int seq, Runnable action) {}

  static final class Sim {
    final List<String> nodes;
    final Random rnd;
    final double drop;
    final long maxDelay;
    final long maxRound;
    final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Integer.compare(a.seq, b.seq));
    final Map<String, JoinProtocol> protocol = new HashMap<>();
    final Map<String, String> clusterOf = new HashMap<>();
    final Map<String, Integer> incarnation = new HashMap<>();
    final List<String> formations = new ArrayList<>();
    int seq;
    long now;
    int clusters;

    Sim(List<String> nodes, long seed, double drop, long maxDelay, long maxRound) {
      this.nodes = nodes;
      this.rnd = new Random(seed);
      this.drop = drop;
      this.maxDelay = maxDelay;
      this.maxRound = maxRound;
    }

    void at(long t, Runnable r) {
      queue.add(new Event(t, seq++, r));
    }

    long delay() {
      return (long) (rnd.nextDouble() * maxDelay);
    }

    void start(String n) {
      int inc = incarnation.merge(n, 1, Integer::sum);
      protocol.put(n, new JoinProtocol(nodes, n, ROUND, now));
      clusterOf.remove(n);
      at(now + S, () -> round(n, inc));
    }

    void crash(String n) {
      incarnation.merge(n, 1, Integer::sum);
      protocol.remove(n);
      clusterOf.remove(n);
    }

    boolean alive(String n, int inc) {
      return protocol.containsKey(n) && incarnation.get(n) == inc;
    }

    void round(String n, int inc) {
      if (!alive(n, inc) || clusterOf.containsKey(n)) return;
      Decision d = protocol.get(n).onRound(now);
      if (d instanceof Form) {
        clusterOf.put(n, n + "#" + (++clusters));
        formations.add(n + "@" + now / 1_000_000 + "ms");
        return;
      }
      if (d instanceof JoinRunning j) {
        String via = j.via().get(rnd.nextInt(j.via().size()));
        at(now + delay(), () -> {
          if (alive(n, inc) && !clusterOf.containsKey(n) && clusterOf.containsKey(via)) clusterOf.put(n, clusterOf.get(via));
        });
      }
      for (String peer : nodes) {
        if (peer.equals(n) || rnd.nextDouble() < drop) continue;
        long sentAt = now;
        at(now + delay(), () -> {
          JoinProtocol p = protocol.get(peer);
          if (p == null || rnd.nextDouble() < drop) return;
          Answer a = p.onProbe(n, true, clusterOf.containsKey(peer), now);
          at(now + delay(), () -> {
            // The ask's timeout: FRESH rounds after sending.
            if (alive(n, inc) && now - sentAt <= JoinProtocol.FRESH_ROUNDS * S) protocol.get(n).onAnswer(peer, a, sentAt, now);
          });
        });
      }
      at(now + S + (long) (rnd.nextDouble() * (maxRound - S)), () -> round(n, inc));
    }

    /** At most one cluster has a majority of the configured nodes as members. */
    void checkOneMajority() {
      Map<String, Integer> size = new HashMap<>();
      for (String c : clusterOf.values()) size.merge(c, 1, Integer::sum);
      long majorities = size.values().stream().filter(s -> s >= nodes.size() / 2 + 1).count();
      assertTrue(majorities <= 1, "two clusters with a majority: " + clusterOf + " formations " + formations);
    }

    void runUntil(long end) {
      while (!queue.isEmpty() && queue.peek().at <= end) {
        Event e = queue.poll();
        now = e.at;
        e.action.run();
        checkOneMajority();
      }
      now = end;
    }
  }

  static List<String> names(int size) {
    List<String> n = new ArrayList<>();
    for (int i = 0; i < size; i++) n.add("n" + i);
    return n;
  }

  /**
   * Cold starts at random times, messages late (up to the ask's timeout and beyond) and lost,
   * rounds stretched by a slow CPU, and nodes crashing and restarting during the start: never two
   * clusters with a majority (a second formation can only be a minority's, which the island guard
   * ends).
   */
  @Test
  void chaosNeverGivesTwoMajorityClusters() {
    for (int size = 3; size <= 5; size += 2) {
      for (long seed = 0; seed < 1500; seed++) {
        Sim sim = new Sim(names(size), seed, 0.25, 7 * S, 3 * S);
        for (String n : sim.nodes) {
          long t = (long) (sim.rnd.nextDouble() * 20 * S);
          sim.at(t, () -> sim.start(n));
          if (sim.rnd.nextDouble() < 0.3) {
            long crashAt = t + (long) (sim.rnd.nextDouble() * 30 * S);
            sim.at(crashAt, () -> sim.crash(n));
            sim.at(crashAt + (long) (sim.rnd.nextDouble() * 10 * S), () -> sim.start(n));
          }
        }
        sim.runUntil(180 * S);
      }
    }
  }

  /**
   * With every message delivered within a few seconds, nodes that start at random times and run
   * rounds at uneven speed form exactly one cluster and every node joins it.
   */
  @Test
  void aSlowButWorkingNetworkFormsExactlyOneCluster() {
    for (int size = 2; size <= 5; size++) {
      for (long seed = 0; seed < 500; seed++) {
        Sim sim = new Sim(names(size), seed, 0, 3 * S, 2 * S);
        for (String n : sim.nodes) {
          long t = (long) (sim.rnd.nextDouble() * 15 * S);
          sim.at(t, () -> sim.start(n));
        }
        sim.runUntil(240 * S);
        assertEquals(1, sim.formations.size(), "formations " + sim.formations + " seed " + seed + " of " + size);
        assertEquals(size, sim.clusterOf.size(), "all joined: " + sim.clusterOf + " seed " + seed);
        assertEquals(1, Set.copyOf(sim.clusterOf.values()).size(), "one cluster: " + sim.clusterOf);
      }
    }
  }
}
