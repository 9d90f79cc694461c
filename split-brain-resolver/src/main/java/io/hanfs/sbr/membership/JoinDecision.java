package io.hanfs.sbr.membership;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a starting node may form a new cluster, pure: one round's judgement over the answers
 * {@link JoinProtocol} holds. Pekko's own rule (the first seed node forms a cluster when no
 * other seed answered within seed-node-timeout) made a restarted first node a cluster of its own
 * whenever its peers answered late. Here no node ever forms a cluster by timing: every node keeps
 * asking its peers to let it join (Pekko's join process, which never forms one), and one node
 * forms a new cluster only when
 * <ul>
 *   <li>no peer answers from a cluster (a running cluster is always joined, never duplicated), and
 *   <li>a majority of the configured nodes, itself included, back it now: each node in no cluster
 *       backs one candidate at a time and holds that ballot for a while (see
 *       {@link JoinProtocol}), so two majorities, which share a node, never back two candidates
 *       at once, however late or stale the answers are.
 * </ul>
 * The protocol also asks for two rounds in a row before it forms. Like Pekko's cluster
 * bootstrap, but over the (mutually authenticated) cluster transport instead of the management
 * HTTP endpoint, which hanfs keeps on loopback.
 */
public final class JoinDecision {
  private JoinDecision() {}

  /** What a peer said about itself, as far as it still counts this round. */
  public sealed interface PeerAnswer {
    String peer();
  }

  /** The peer is a member of a cluster (joining, up or weakly up). */
  public record InCluster(String peer) implements PeerAnswer {}

  /**
   * The peer is in no cluster; {@code heard} are the nodes it heard from lately (itself
   * included); {@code backs} the candidate whose ballot it still holds for certain, if any.
   */
  public record Unjoined(String peer, Set<String> heard, Optional<String> backs) implements PeerAnswer {}

  public sealed interface Decision {
    String why();
  }

  /** A peer runs a cluster: keep joining it (the join process already asks every peer). */
  public record JoinRunning(List<String> via, String why) implements Decision {}

  /** This node forms the cluster. */
  public record Form(String why) implements Decision {}

  public record Wait(String why) implements Decision {}

  /**
   * @param nodes the configured nodes in config order
   * @param self this node's name
   * @param answers the peers' answers that still count (unanswered peers are absent)
   * @param heard the nodes this node heard from lately as being in no cluster, itself included
   * @param ownBallot the candidate this node itself backs, if it holds a ballot
   */
  public static Decision decide(List<String> nodes, String self, List<PeerAnswer> answers, Set<String> heard, Optional<String> ownBallot) {
    List<String> running = new ArrayList<>();
    Map<String, Set<String>> backers = new LinkedHashMap<>();
    ownBallot.filter(nodes::contains).ifPresent(c -> backers.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(self));
    Set<String> up = new LinkedHashSet<>();
    for (String h : heard) if (nodes.contains(h)) up.add(h);
    up.add(self);
    for (PeerAnswer a : answers) {
      if (!nodes.contains(a.peer()) || a.peer().equals(self)) continue;
      if (a instanceof InCluster) running.add(a.peer());
      else if (a instanceof Unjoined u) {
        up.add(u.peer());
        u.backs().filter(nodes::contains).ifPresent(c -> backers.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(u.peer()));
      }
    }
    if (!running.isEmpty()) {
      List<String> via = nodes.stream().filter(running::contains).toList();
      return new JoinRunning(via, via + " run a cluster: joining it");
    }
    int majority = nodes.size() / 2 + 1;
    Set<String> mine = backers.getOrDefault(self, Set.of());
    if (mine.size() >= majority) {
      return new Form("no cluster runs and " + ordered(nodes, mine) + " back this node (a majority of " + nodes.size() + ")");
    }
    if (up.size() < majority) {
      return new Wait("heard from " + ordered(nodes, up) + ", " + up.size() + " of " + nodes.size()
          + " nodes; a new cluster forms once a majority (" + majority + ") is up and in no cluster");
    }
    List<String> tally = new ArrayList<>();
    for (String c : nodes) if (backers.containsKey(c)) tally.add(c + " backed by " + ordered(nodes, backers.get(c)));
    return new Wait("no cluster runs; " + (tally.isEmpty() ? "no ballots yet" : String.join(", ", tally))
        + "; the node a majority (" + majority + ") backs forms it");
  }

  /** The candidate a node backs when it casts a ballot: the first configured node it heard from. */
  public static String candidate(List<String> nodes, String self, Set<String> heard) {
    return nodes.stream().filter(n -> n.equals(self) || heard.contains(n)).findFirst().orElse(self);
  }

  private static List<String> ordered(List<String> nodes, Set<String> names) {
    return nodes.stream().filter(names::contains).toList();
  }
}
