package io.hanfs.leader;

import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.LeaderDecision;
import io.hanfs.sbr.Placement;
import io.hanfs.sbr.PromotionBans;
import io.hanfs.sbr.Remembered;
import io.hanfs.sbr.ReplicaSync;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.PromotionGate;
import io.hanfs.sbr.data.ReplicationFacts;
import io.hanfs.sbr.data.SplitBrainVerdict;
import io.hanfs.voter.LeaseVoter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plain data the leader's decisions read, taken from its model: each data node's view for
 * {@link Placement} (with the data gate's verdict and the lease's lapse), the split brains the
 * replication reports, and the whole {@link LeaderDecision.Input} of one resource.
 */
final class DecisionInput {
  private final HanfsConfig config;
  private final ClusterModel model;
  private final Replicas replicas;
  private final PromotionBans bans;
  private final String selfNode;
  /** The data gate's verdicts for one resource, kept for status. */
  private final Map<String, List<PromotionGate.Verdict>> gateVerdicts = new HashMap<>();

  DecisionInput(HanfsConfig config, ClusterModel model, Replicas replicas, PromotionBans bans, String selfNode) {
    this.config = config;
    this.model = model;
    this.replicas = replicas;
    this.bans = bans;
    this.selfNode = selfNode;
  }

  LeaderDecision.Input of(Resource r, Optional<LeaderDecision.RunningSaga> saga, boolean retryPending, Optional<String> heldElsewhere,
      int stopRetries, boolean coldStartDone, long nowNanos) {
    Placement.Input placement = new Placement.Input(views(r, nowNanos), r.preferredNode(), r.failback(), model.maintenance(nowNanos), coldStartDone,
        r.replication().shared() && config.watchdog().isEmpty() && r.replication().fencing() != HanfsConfig.Fencing.SCSI_RESERVATION, stopRetries);
    List<PromotionBans.Ban> banned = bans.active(nowNanos).stream().filter(b -> b.resource().equals(r.name())).toList();
    return new LeaderDecision.Input(r.name(), saga, retryPending, layerSplitBrains(r, nowNanos), diverged(r, nowNanos), placement, banned,
        heldElsewhere, copies(r, nowNanos), model.remembered());
  }

  /** Every data node's copy for the replicas' bookkeeping: none on a shared disk, none until a majority of voters told their fence marks. */
  private Optional<List<ReplicaSync.Copy>> copies(Resource r, long now) {
    if (r.replication().shared() || model.grants(r.name()).size() < config.voters().size() / 2 + 1) return Optional.empty();
    List<ReplicaSync.Copy> out = new ArrayList<>();
    for (HanfsConfig.Node n : config.nodes()) {
      if (!n.isData()) continue;
      Optional<ResourceStatus> st = model.statusOf(r.name(), n.name());
      // From the replication layer's monitor (DRBD or HAST); current on a primary.
      Optional<ReplicationFacts> link = st.flatMap(ResourceStatus::replication);
      out.add(new ReplicaSync.Copy(n.name(), model.reachable(n.name(), now), st.map(ResourceStatus::role).orElse(Role.UNKNOWN),
          st.map(ResourceStatus::epoch).orElse(0L), st.flatMap(ResourceStatus::ledger), link.map(ReplicationFacts::connected).orElse(false),
          link.map(ReplicationFacts::peerInSync).orElse(false), model.fencedAt(r.name(), n.name())));
    }
    return Optional.of(out);
  }

  List<PromotionGate.Verdict> gateVerdicts(String resource) {
    return gateVerdicts.getOrDefault(resource, List.of());
  }

  List<Placement.NodeView> views(Resource r, long now) {
    List<Placement.NodeView> out = new ArrayList<>();
    Map<String, String> refusals = new HashMap<>();
    List<PromotionGate.Verdict> verdicts = PromotionGate.decideAll(gateInput(r, now));
    gateVerdicts.put(r.name(), verdicts);
    for (PromotionGate.Verdict v : verdicts) {
      if (v instanceof PromotionGate.Refuse x) refusals.put(x.node(), x.message());
    }
    for (HanfsConfig.Node n : config.nodes()) {
      if (!n.isData()) continue;
      NodeAgent.Report rep = model.report(n.name());
      Optional<ResourceStatus> st = model.statusOf(r.name(), n.name());
      boolean reach = model.reachable(n.name(), now) && !leaseLapsed(r, n.name(), st);
      out.add(new Placement.NodeView(n.name(), reach, rep != null && rep.standby(), bans.banned(r.name(), n.name(), now),
          st.map(ResourceStatus::role).orElse(Role.UNKNOWN), st.map(ResourceStatus::epoch).orElse(0L),
          reach ? refusals.getOrDefault(n.name(), "") : ""));
    }
    return out;
  }

  /** What the data promotion gate needs, from the nodes' latest reports. */
  private PromotionGate.Input gateInput(Resource r, long now) {
    List<PromotionGate.NodeFacts> facts = new ArrayList<>();
    for (HanfsConfig.Node n : config.nodes()) {
      if (!n.isData()) continue;
      Optional<ResourceStatus> st = model.statusOf(r.name(), n.name());
      boolean reach = model.reachable(n.name(), now) && st.isPresent();
      facts.add(new PromotionGate.NodeFacts(n.name(), reach, st.flatMap(ResourceStatus::ledger),
          st.map(x -> DiskState.fromDrbd(x.disk())).orElse(DiskState.UNKNOWN), model.fencedAt(r.name(), n.name())));
    }
    return new PromotionGate.Input(facts, r.replication().shared(), r.replication().fencing() == HanfsConfig.Fencing.RESOURCE_ONLY);
  }

  /**
   * The fastest sign that an active node is gone: this leader's own voter (on this node) held the
   * node's grant for its current epoch and holds it no more, i.e. the node did not renew for a
   * whole lease. Absence of a grant it never saw proves nothing (the voter may not have been
   * asked yet). A node that still has a majority elsewhere keeps its lease; promoting another
   * node then simply fails.
   */
  /** The voters no longer hold {@code node}'s lease on {@code r} although it reports primary: it stopped renewing. */
  boolean leaseLapsed(Resource r, String node) {
    return leaseLapsed(r, node, model.statusOf(r.name(), node));
  }

  private boolean leaseLapsed(Resource r, String node, Optional<ResourceStatus> st) {
    if (st.isEmpty() || st.get().role() != Role.PRIMARY) return false;
    Map<String, LeaseVoter.GrantInfo> grants = model.grants(r.name());
    LeaseVoter.GrantInfo mine = grants.get(selfNode);
    if (mine == null) return false;
    boolean holdsNow = holdsNow(node, st.get().epoch(), mine, grants.values(), config.voters().size());
    Remembered seen = new Remembered.GrantSeen(r.name(), node, st.get().epoch());
    if (holdsNow) {
      model.remember(seen);
      return false;
    }
    return model.remembers(seen);
  }

  /**
   * Whether the voters still hold {@code node}'s grant for {@code epoch}: this leader's own voter
   * does, or a majority of all voters' latest answers do. The second clause is for a flap: the
   * node's renewals missed this voter for a lease (it then granted another node's attempt) but
   * kept a majority with the others; read as lapsed, the node counted as gone and the leader
   * tried promotions that its lease refused, every 8 s, for as long as it served (ClusterLabTest's
   * flap in a CI-like run under load).
   */
  static boolean holdsNow(String node, long epoch, LeaseVoter.GrantInfo mine, java.util.Collection<LeaseVoter.GrantInfo> all, int voters) {
    java.util.function.Predicate<LeaseVoter.GrantInfo> holds = g -> g.holder().map(node::equals).orElse(false) && g.epoch() == epoch;
    return holds.test(mine) || all.stream().filter(holds).count() >= voters / 2 + 1;
  }

  /**
   * A replication layer that saw the split brain itself (DRBD's "Split-Brain detected" in the
   * kernel log with the connection StandAlone) says so in its detail; treated as the handler call.
   */
  private List<LeaderDecision.LayerSplitBrain> layerSplitBrains(Resource r, long now) {
    List<LeaderDecision.LayerSplitBrain> out = new ArrayList<>();
    if (r.replication().shared()) return out;
    for (HanfsConfig.Node n : config.nodes()) {
      if (!n.isData() || !model.reachable(n.name(), now)) continue;
      Optional<ResourceStatus> st = model.statusOf(r.name(), n.name());
      if (st.isEmpty() || st.get().ledger().isEmpty() || st.get().ledger().get().splitBrain()) continue;
      if (!st.get().replication().map(ReplicationFacts::splitBrain).orElse(false)) continue;
      Optional<String> peer = replicas.peerOf(n.name(), Optional.empty());
      if (peer.isEmpty()) continue;
      out.add(new LeaderDecision.LayerSplitBrain(n.name(), peer.get(), st.get().ledger().get().current(), current(r.name(), peer.get())));
    }
    return out;
  }

  /** The node's ledger generation of the resource, {@link Generation#NONE} when it is not known. */
  Generation current(String resource, String node) {
    return model.statusOf(resource, node).flatMap(ResourceStatus::ledger).map(LedgerSummary::current).orElse(Generation.NONE);
  }

  Optional<LeaderDecision.DivergedPair> diverged(Resource r, long now) {
    return replicas.divergedPair(r, now).map(pair -> {
      String a = pair.get(0);
      String b = pair.get(1);
      SplitBrainVerdict.Policy policy = SplitBrainVerdict.Policy.fromConfig(r.replication().splitBrainPolicy()).orElse(SplitBrainVerdict.Policy.DISCONNECT);
      return new LeaderDecision.DivergedPair(ledger(r.name(), a), ledger(r.name(), b), replicas.side(r, a, b), replicas.side(r, b, a), policy);
    });
  }

  private LedgerSummary ledger(String resource, String node) {
    return model.statusOf(resource, node).flatMap(ResourceStatus::ledger).orElseThrow();
  }
}
