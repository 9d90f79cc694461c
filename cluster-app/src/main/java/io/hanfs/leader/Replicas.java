package io.hanfs.leader;

import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.ReplicationFacts;
import io.hanfs.sbr.data.SplitBrainVerdict;
import java.util.List;
import java.util.Optional;

/**
 * What the leader reads from the replicated copies' reports: a copy's peer, two copies whose
 * histories diverged, each side of a split brain for the policy, and the replication layer's
 * detail. Reads only; the bookkeeping that follows is {@link io.hanfs.sbr.ReplicaSync}'s.
 */
final class Replicas {
  private final HanfsConfig config;
  private final ClusterModel model;

  Replicas(HanfsConfig config, ClusterModel model) {
    this.config = config;
    this.model = model;
  }

  /** The other data node of a two-copy resource, or the named one when it is one. */
  Optional<String> peerOf(String requester, Optional<String> named) {
    List<String> others = config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name).filter(n -> !n.equals(requester)).toList();
    if (named.isPresent()) return others.contains(named.get()) ? named : Optional.empty();
    return others.size() == 1 ? Optional.of(others.get(0)) : Optional.empty();
  }

  /**
   * Whether one of the two is primary and its replication (monitored, so current) reports the
   * peer connected. DRBD compares its generation identifiers when it connects and refuses a
   * diverged peer, so a connected pair holds the same data whatever the ledgers say; their
   * disagreement is bookkeeping, which {@link io.hanfs.sbr.ReplicaSync} then corrects.
   */
  private boolean primaryLinkUp(Resource r, String a, String b) {
    for (String n : List.of(a, b)) {
      Optional<ResourceStatus> st = model.statusOf(r.name(), n);
      if (st.isEmpty()) continue;
      Optional<ReplicationFacts> d = st.get().replication();
      // A primary's facts are monitored (current); a secondary's are from its last operation, so
      // they count only when they show both disks UpToDate as well.
      if (st.get().role() == Role.PRIMARY && d.map(ReplicationFacts::connected).orElse(false)) return true;
      if (st.get().role() == Role.SECONDARY && d.map(ReplicationFacts::peerInSync).orElse(false)) return true;
    }
    return false;
  }

  /** Two reachable copies whose histories diverged, if any (the first such pair in config order). */
  Optional<List<String>> divergedPair(Resource r, long nowNanos) {
    if (r.replication().shared()) return Optional.empty();
    List<String> data = config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name)
        .filter(n -> model.reachable(n, nowNanos) && model.statusOf(r.name(), n).flatMap(ResourceStatus::ledger).isPresent()).toList();
    for (int i = 0; i < data.size(); i++) {
      for (int j = i + 1; j < data.size(); j++) {
        LedgerSummary a = model.statusOf(r.name(), data.get(i)).flatMap(ResourceStatus::ledger).orElseThrow();
        LedgerSummary b = model.statusOf(r.name(), data.get(j)).flatMap(ResourceStatus::ledger).orElseThrow();
        boolean diverged = a.relationTo(b) == LedgerSummary.Relation.DIVERGED && !primaryLinkUp(r, data.get(i), data.get(j));
        if (diverged || a.splitBrain() && b.splitBrain()) return Optional.of(List.of(data.get(i), data.get(j)));
      }
    }
    return Optional.empty();
  }

  /** One copy of a split brain as the policy sees it. */
  SplitBrainVerdict.Side side(Resource r, String node, String other) {
    ResourceStatus st = model.statusOf(r.name(), node).orElseThrow();
    LedgerSummary l = st.ledger().orElseThrow();
    Optional<LedgerSummary> o = model.statusOf(r.name(), other).flatMap(ResourceStatus::ledger);
    Optional<Generation> mark = model.fencedAt(r.name(), node);
    boolean fencedOff = mark.isPresent() && !l.contains(mark.get()) && o.map(x -> x.contains(mark.get())).orElse(false);
    // Unknown (-1) leaves the change-count policies to an operator.
    return new SplitBrainVerdict.Side(node, l.current(), l.current().epoch(), changedKiB(st), st.role() == Role.PRIMARY, fencedOff);
  }

  /** What the replication layer counts as changed here and not at the peer (DRBD out-of-sync while disconnected, HAST dirty), or -1. */
  static long changedKiB(ResourceStatus st) {
    return st.replication().map(ReplicationFacts::changedKiB).orElse(-1L);
  }
}
