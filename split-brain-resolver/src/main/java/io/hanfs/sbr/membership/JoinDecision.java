package io.hanfs.sbr.membership;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a starting node may form a new cluster, pure. Pekko's own rule (the first seed node
 * forms a cluster when no other seed answered within seed-node-timeout) made a restarted first
 * node a cluster of its own whenever its peers answered late. Here no node ever forms a cluster
 * by timing: every node keeps asking its peers to let it join (Pekko's join process towards the
 * other nodes, which never forms one), and one node forms a new cluster only when
 * <ul>
 *   <li>no peer answers from a cluster (a running cluster is always joined, never duplicated),
 *   <li>a majority of the configured nodes answered, or asked this node, as not being in one, and
 *   <li>it is the first configured node that any of them heard from: two majorities share a node,
 *       whose answer names both candidates, so two nodes never both form (cold start with the
 *       first listed node down: the next one forms).
 * </ul>
 * The actor also asks for two rounds in a row before it forms, so answers still in flight count.
 * Like Pekko's cluster bootstrap, but over the (mutually authenticated) cluster transport instead
 * of the management HTTP endpoint, which hanfs keeps on loopback.
 */
public final class JoinDecision {
  private JoinDecision() {}

  /** What a peer said about itself this round. */
  public sealed interface PeerAnswer {
    String peer();
  }

  /** The peer is a member of a cluster (joining, up or weakly up). */
  public record InCluster(String peer) implements PeerAnswer {}

  /** The peer is in no cluster; {@code heard} are the nodes it heard from lately (itself included). */
  public record Unjoined(String peer, Set<String> heard) implements PeerAnswer {}

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
   * @param answers this round's answers of peers (unanswered peers are absent)
   * @param probedBy peers that asked this node lately and were in no cluster
   */
  public static Decision decide(List<String> nodes, String self, List<PeerAnswer> answers, Set<String> probedBy) {
    List<String> running = new ArrayList<>();
    Set<String> heard = new LinkedHashSet<>();
    heard.add(self);
    Set<String> known = new LinkedHashSet<>(heard);
    for (PeerAnswer a : answers) {
      if (!nodes.contains(a.peer()) || a.peer().equals(self)) continue;
      if (a instanceof InCluster) running.add(a.peer());
      else if (a instanceof Unjoined u) {
        heard.add(u.peer());
        for (String n : u.heard()) if (nodes.contains(n)) known.add(n);
      }
    }
    if (!running.isEmpty()) {
      List<String> via = nodes.stream().filter(running::contains).toList();
      return new JoinRunning(via, via + " run a cluster: joining it");
    }
    for (String p : probedBy) if (nodes.contains(p)) heard.add(p);
    known.addAll(heard);
    int majority = nodes.size() / 2 + 1;
    if (heard.size() < majority) {
      return new Wait("heard from " + ordered(nodes, heard) + ", " + heard.size() + " of " + nodes.size()
          + " nodes; a new cluster forms once a majority (" + majority + ") is up and in no cluster");
    }
    String first = nodes.stream().filter(known::contains).findFirst().orElse(self);
    if (!first.equals(self)) return new Wait(first + " forms the cluster (first configured node of " + ordered(nodes, known) + ")");
    return new Form("no cluster runs; " + ordered(nodes, heard) + " are up (a majority of " + nodes.size()
        + ") and this node is the first configured of " + ordered(nodes, known));
  }

  private static List<String> ordered(List<String> nodes, Set<String> names) {
    return nodes.stream().filter(names::contains).toList();
  }
}
