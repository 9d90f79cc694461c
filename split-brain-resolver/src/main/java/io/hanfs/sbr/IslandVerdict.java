package io.hanfs.sbr;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether this node sits in a cluster of its own beside the real one. Pekko's first seed node
 * forms a new cluster when no other seed answered its join request within seed-node-timeout; a
 * restarted first node whose peers answered late (a cold JVM on a slow machine, a network that
 * came back a minute later) is then a cluster of one forever: Pekko never merges two clusters.
 * Such a node serves nothing (it has no majority, so no lease), but it is no failover target
 * either, and nobody is told. The node whose cluster lacks a majority of the configured nodes,
 * while a peer answers from a cluster that has one without it, must leave and join again.
 *
 * <p>A pure function over plain data, like Pekko's DowningStrategy.decide; the IslandGuard actor
 * asks the peers and acts.
 */
public final class IslandVerdict {
  private IslandVerdict() {}

  /** One actor system's life on a node: a restarted daemon is the same node with a new uid. */
  public record Incarnation(String node, long uid) {}

  /** What a peer answered about its cluster: the incarnations that are members there (not Down, not Removed). */
  public record PeerView(String peer, Set<Incarnation> members) {}

  public sealed interface Verdict {}

  public record Stay(String why) implements Verdict {}

  public record Leave(String why) implements Verdict {}

  /**
   * @param configured every node of the config
   * @param self this node's incarnation
   * @param myMembers the members of this node's cluster (not Down, not Removed), this node included
   * @param views the answers of the peers that answered
   */
  public static Verdict decide(Set<String> configured, Incarnation self, Set<Incarnation> myMembers, List<PeerView> views) {
    int majority = configured.size() / 2 + 1;
    Set<String> mine = names(configured, myMembers);
    if (mine.size() >= majority) return new Stay("this node's cluster holds " + mine.size() + " of " + configured.size() + " nodes " + mine);
    for (PeerView v : views) {
      if (v.members().contains(self)) continue;
      Set<String> theirs = names(configured, v.members());
      if (theirs.size() >= majority) {
        return new Leave(v.peer() + " answers from a cluster of " + theirs.size() + " of " + configured.size() + " nodes " + theirs
            + " that does not hold this node, whose own cluster holds only " + mine + "; two clusters never merge, so this node leaves and joins again");
      }
    }
    return new Stay("no peer answered from a majority cluster without this node (this node's cluster holds " + mine + ")");
  }

  private static Set<String> names(Set<String> configured, Set<Incarnation> members) {
    Set<String> s = new TreeSet<>();
    for (Incarnation i : members) if (configured.contains(i.node())) s.add(i.node());
    return s;
  }
}
