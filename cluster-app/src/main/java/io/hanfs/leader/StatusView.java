package io.hanfs.leader;

import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Placement;
import io.hanfs.sbr.PromotionBans;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.PromotionGate;
import io.hanfs.voter.LeaseVoter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The leader's answer to {@code hanfs status} and {@code GET /hanfs/cluster}, built from its model: reads only. */
final class StatusView {
  private StatusView() {}

  static List<Leader.MemberView> members(HanfsConfig config, ClusterModel model, long nowNanos) {
    List<Leader.MemberView> mv = new ArrayList<>();
    for (HanfsConfig.Node n : config.nodes()) {
      NodeAgent.Report rep = model.report(n.name());
      mv.add(new Leader.MemberView(n.name(), n.address(), model.memberStatus(n.name()),
          model.memberReachable(n.name()), n.roles().stream().map(x -> x.name().toLowerCase()).sorted().toList(),
          rep != null && rep.standby(), rep != null && rep.maintenance(), model.reportAgeMillis(n.name(), nowNanos)));
    }
    return mv;
  }

  /** The leader's view as metrics: each member's reachability, the resources active on a reachable node. */
  static void export(io.hanfs.metrics.Metrics metrics, HanfsConfig config, ClusterModel model, DecisionInput inputs, long nowNanos) {
    Map<String, Boolean> reachable = new LinkedHashMap<>();
    for (HanfsConfig.Node n : config.nodes()) reachable.put(n.name(), model.reachable(n.name(), nowNanos));
    int active = 0;
    for (Resource r : config.resources()) {
      if (inputs.views(r, nowNanos).stream().anyMatch(v -> v.role() == Role.PRIMARY && v.reachable())) active++;
    }
    metrics.leaderView(reachable, active);
  }

  /**
   * One resource: the roles the leader sees, the transition in progress, its last decision, the
   * lease as this node's voter sees it, each copy's data and the gate's verdict, the active bans.
   */
  static Leader.ResourceView resource(Resource r, ClusterModel model, List<Placement.NodeView> views, Optional<String> transition, String lastDecision,
      String selfNode, List<PromotionGate.Verdict> verdicts, PromotionBans bans, long nowNanos) {
    Map<String, Role> roles = new LinkedHashMap<>();
    Optional<String> active = Optional.empty();
    long epoch = 0;
    for (Placement.NodeView v : views) {
      roles.put(v.name(), v.role());
      if (v.role() == Role.PRIMARY && v.reachable()) {
        active = Optional.of(v.name());
        epoch = v.epoch();
      }
    }
    LeaseVoter.GrantInfo mine = model.grants(r.name()).get(selfNode);
    Map<String, String> data = new LinkedHashMap<>();
    for (PromotionGate.Verdict v : verdicts) {
      Optional<ResourceStatus> st = model.statusOf(r.name(), v.node());
      String copy = st.map(x -> x.disk() + x.ledger().map(l -> " generation " + l.current() + (l.outdated() ? " outdated" : "")
          + (l.splitBrain() ? " split-brain" : "")).orElse(" (ledger not read yet)")).orElse("unknown");
      data.put(v.node(), copy + "; " + (v instanceof PromotionGate.Refuse x ? "refused: " + x.message() : "may be promoted"));
    }
    return new Leader.ResourceView(r.name(), active, epoch, roles, transition, lastDecision,
        mine == null ? Optional.empty() : mine.holder(), mine == null ? 0 : mine.remainingMillis(), data,
        bans.active(nowNanos).stream().filter(b -> b.resource().equals(r.name()))
            .map(b -> b.node() + " until " + java.time.Instant.ofEpochMilli(b.untilEpochMillis()) + ": " + b.reason()).toList());
  }
}
