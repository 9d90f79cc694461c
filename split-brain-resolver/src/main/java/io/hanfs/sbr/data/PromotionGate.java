package io.hanfs.sbr.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may be promoted, from the data's point of view: a pure function over each data node's
 * ledger summary, replication state and reachability, and the fence marks the voters hold. It
 * never picks a copy that may be older than another reachable or unknown copy; every refusal
 * carries a reason for {@code hanfs status} and the event log. Placement (who should be active)
 * asks it which nodes are allowed; an operator can override it with {@code promote --force}.
 */
public final class PromotionGate {
  private PromotionGate() {}

  /**
   * What the leader knows of one data node's copy.
   *
   * @param reachable a reachable cluster member that reported recently
   * @param ledger its ledger summary; empty when it never reported one (unknown)
   * @param disk the replication's disk state on that node
   * @param fencedAt the generation at which a voter majority recorded this copy as Outdated (fence-peer), if any
   */
  public record NodeFacts(String node, boolean reachable, Optional<LedgerSummary> ledger, DiskState disk, Optional<Generation> fencedAt) {}

  /**
   * @param sharedStorage the nodes share one disk (no replicas, nothing can be stale)
   * @param peerFencing the replication is set up with a fence-peer handler (DRBD fencing
   *     resource-only or resource-and-stonith), so a primary that writes on without its peer has
   *     left a fence mark at the voters first
   */
  public record Input(List<NodeFacts> nodes, boolean sharedStorage, boolean peerFencing) {}

  public enum Reason {
    UNREACHABLE, LEDGER_UNKNOWN, DISK_STATE, SPLIT_BRAIN, OUTDATED, FENCED, OLDER_THAN_PEER, DIVERGED, PEER_UNKNOWN, UNKNOWN_NODE
  }

  public sealed interface Verdict {
    String node();
  }

  public record Allow(String node) implements Verdict {}

  public record Refuse(String node, Reason reason, String message) implements Verdict {}

  /** The verdict for every data node, in input order. */
  public static List<Verdict> decideAll(Input in) {
    List<Verdict> out = new ArrayList<>();
    for (NodeFacts n : in.nodes()) out.add(decide(in, n.node()));
    return out;
  }

  /** May {@code node} be promoted now? */
  public static Verdict decide(Input in, String node) {
    Optional<NodeFacts> self = in.nodes().stream().filter(n -> n.node().equals(node)).findFirst();
    if (self.isEmpty()) return new Refuse(node, Reason.UNKNOWN_NODE, node + " is not a data node of this resource");
    NodeFacts x = self.get();
    if (!x.reachable()) return new Refuse(node, Reason.UNREACHABLE, node + " is not reachable");
    if (in.sharedStorage()) return new Allow(node);
    if (x.ledger().isEmpty()) return new Refuse(node, Reason.LEDGER_UNKNOWN, node + " has not reported its ledger yet");
    LedgerSummary mine = x.ledger().get();
    if (x.disk() != DiskState.UP_TO_DATE) {
      return new Refuse(node, Reason.DISK_STATE, node + "'s disk is " + x.disk().drbdName + "; only UpToDate data is promoted");
    }
    if (mine.splitBrain()) {
      return new Refuse(node, Reason.SPLIT_BRAIN, node + " is in an unresolved data split brain; resolve it first (hanfs resolve)");
    }
    if (mine.outdated()) {
      return new Refuse(node, Reason.OUTDATED, node + "'s copy was marked Outdated and has not resynced since");
    }
    if (x.fencedAt().isPresent() && !mine.contains(x.fencedAt().get())) {
      return new Refuse(node, Reason.FENCED, node + " was fenced off (Outdated) while the primary wrote on at generation "
          + x.fencedAt().get() + "; it holds " + mine.current());
    }
    for (NodeFacts y : in.nodes()) {
      if (y.node().equals(node)) continue;
      if (y.ledger().isPresent()) {
        LedgerSummary theirs = y.ledger().get();
        switch (mine.relationTo(theirs)) {
          case OLDER -> {
            return new Refuse(node, Reason.OLDER_THAN_PEER, node + " holds generation " + mine.current() + ", older than "
                + y.node() + "'s " + theirs.current());
          }
          case DIVERGED -> {
            return new Refuse(node, Reason.DIVERGED, node + " (" + mine.current() + ") and " + y.node() + " (" + theirs.current()
                + ") both wrote after generation " + mine.commonBase(theirs) + ": a data split brain; resolve it first (hanfs resolve)");
          }
          case SAME, NEWER -> { }
        }
      } else if (!in.peerFencing()) {
        return new Refuse(node, Reason.PEER_UNKNOWN, y.node() + " may hold newer data and cannot be asked (no fence-peer "
            + "handler guards this resource); bring it back, or promote with --force if it is lost");
      }
    }
    return new Allow(node);
  }
}
