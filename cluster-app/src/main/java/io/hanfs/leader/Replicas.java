package io.hanfs.leader;

import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.node.resource.replication.ReplicationDetail;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.Remembered;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.SplitBrainVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the leader reads from the replicated copies' reports and what it writes into their
 * ledgers because of it: a primary's link coming up, a secondary in sync with its primary (so it
 * may take over), two copies whose histories diverged, and each side of a split brain for the
 * policy. Returns the ledger writes to make ({@link Write}); the leader carries them out. What it
 * has already asked for is remembered in the model, so each fact is written once per leader.
 */
final class Replicas {
  /** A ledger event for one node's copy, and what to log about it ("" for nothing). */
  record Write(String node, LedgerEvent event, String why) {}

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
   * DRBD protocol C (HAST fullsync likewise): while the primary reports its peer Connected and
   * UpToDate (HAST: complete, nothing dirty), the secondary holds every acknowledged write, i.e.
   * the primary's generation. The leader records that in the secondary's ledger so that it may
   * take over. Never past an outstanding fence mark: once a copy was outdated, only DRBD's word
   * that it resynced since (its unfence-peer, or the primary reporting the peer out of sync and
   * then in sync after the mark) makes it current again.
   */
  List<Write> syncWrites(Resource r, long nowNanos) {
    List<Write> out = new ArrayList<>();
    if (r.replication().shared()) return out;
    // A new leader first hears every fence mark a majority of voters hold.
    if (model.grants(r.name()).size() < config.voters().size() / 2 + 1) return out;
    for (HanfsConfig.Node pn : config.nodes()) {
      Optional<ResourceStatus> p = model.statusOf(r.name(), pn.name()).filter(st -> st.role() == Role.PRIMARY && model.reachable(pn.name(), nowNanos));
      if (p.isEmpty() || p.get().ledger().isEmpty()) continue;
      // From the replication layer's monitor on the primary (DRBD or HAST).
      Optional<ReplicationDetail> link = replicationDetail(p.get().layers());
      boolean peerInSync = link.map(ReplicationDetail::peerInSync).orElse(false);
      boolean connected = link.map(ReplicationDetail::connected).orElse(false);
      Remembered linkKey = new Remembered.LinkSeen(r.name(), pn.name(), p.get().epoch());
      if (connected && model.remember(linkKey)) {
        peerOf(pn.name(), Optional.empty()).ifPresent(peer -> out.add(new Write(pn.name(), new LedgerEvent.PeerConnected(peer), "")));
      } else if (!connected) {
        model.forget(linkKey);
      }
      LedgerSummary primary = p.get().ledger().get();
      for (HanfsConfig.Node sn : config.nodes()) {
        if (!sn.isData() || sn.name().equals(pn.name())) continue;
        Optional<Generation> mark = model.fencedAt(r.name(), sn.name());
        // Seen whether or not the fenced node's daemon is up: a rebooted node resyncs first.
        boolean resynced = mark.isPresent() && resyncedSinceMark(r, pn.name(), p.get().epoch(), sn.name(), mark.get(), primary, peerInSync);
        if (!model.reachable(sn.name(), nowNanos)) continue;
        Optional<ResourceStatus> s = model.statusOf(r.name(), sn.name()).filter(st -> st.role() == Role.SECONDARY);
        Optional<LedgerSummary> copy = s.flatMap(ResourceStatus::ledger);
        if (copy.isEmpty() || copy.get().current().equals(primary.current()) || copy.get().splitBrain()) continue;
        if (mark.isPresent() && !copy.get().contains(mark.get()) && !resynced) continue;
        if (!peerInSync) continue;
        if (!model.remember(new Remembered.SyncRecorded(r.name(), sn.name(), primary.current()))) continue;
        String why = sn.name() + " is in sync with primary " + pn.name() + " at generation " + primary.current()
            + (mark.isPresent() && !copy.get().contains(mark.get()) ? " (resynced after the fence mark at " + mark.get() + "; its own after-resync-target did not reach the leader)" : "");
        out.add(new Write(sn.name(), new LedgerEvent.SyncCompleted(primary.current(), primary.lineage()), why));
      }
    }
    return out;
  }

  /**
   * DRBD's own word that a fenced copy resynced, when its after-resync-target handler could not
   * reach a daemon (it runs on the resynced copy as soon as the resync ends, which after a reboot
   * can be before that node's hanfs is up). The primary's ledger records the fence (it writes on
   * at the mark's generation) only after its DRBD lost the peer; a report from it showing the
   * peer out of sync after that, then one showing it Connected and UpToDate again, can only come
   * from a resync that ended after the fence. A monitor sample from before the link broke can
   * travel with the new ledger in one report, which is why the out-of-sync report must come first.
   */
  private boolean resyncedSinceMark(Resource r, String primaryNode, long epoch, String copy, Generation mark, LedgerSummary primary, boolean peerInSync) {
    if (!primary.contains(mark)) return false;
    Remembered key = new Remembered.OutOfSyncAfterMark(r.name(), primaryNode, epoch, copy, mark);
    if (!peerInSync) {
      model.remember(key);
      return false;
    }
    return model.remembers(key);
  }

  /**
   * Whether one of the two is primary and its replication (monitored, so current) reports the
   * peer connected. DRBD compares its generation identifiers when it connects and refuses a
   * diverged peer, so a connected pair holds the same data whatever the ledgers say; their
   * disagreement is bookkeeping, which {@link #syncWrites} then corrects.
   */
  private boolean primaryLinkUp(Resource r, String a, String b) {
    for (String n : List.of(a, b)) {
      Optional<ResourceStatus> st = model.statusOf(r.name(), n);
      if (st.isEmpty()) continue;
      Optional<ReplicationDetail> d = replicationDetail(st.get().layers());
      // A primary's detail is monitored (current); a secondary's is from its last operation, so
      // it counts only when it shows both disks UpToDate as well.
      if (st.get().role() == Role.PRIMARY && d.map(ReplicationDetail::connected).orElse(false)) return true;
      if (st.get().role() == Role.SECONDARY && d.map(ReplicationDetail::peerInSync).orElse(false)) return true;
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
    // DRBD's out-of-sync count while disconnected ("... oos:KIB" in the replication layer's
    // detail); unknown (-1) leaves the change-count policies to an operator.
    return new SplitBrainVerdict.Side(node, l.current(), l.current().epoch(), changedKiB(st.layers()), st.role() == Role.PRIMARY, fencedOff);
  }

  /** What the replication layer counts as changed here and not at the peer (DRBD oos, HAST dirty), or -1. */
  static long changedKiB(List<ResourceStatus.LayerStatus> layers) {
    return replicationDetail(layers).map(ReplicationDetail::changedKiB).orElse(-1L);
  }

  static Optional<ReplicationDetail> replicationDetail(List<ResourceStatus.LayerStatus> layers) {
    return layers.stream().filter(x -> x.name().equals("replication")).findFirst().flatMap(x -> ReplicationDetail.parse(x.detail()));
  }
}
