package io.hanfs.leader;

import io.hanfs.sbr.Refusal;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.Placement;
import io.hanfs.sbr.PromotionBans;
import io.hanfs.sbr.Remembered;
import io.hanfs.sbr.SagaKind;
import io.hanfs.sbr.SwitchoverPlan;
import io.hanfs.sbr.data.LedgerSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Where the leader serves operators' commands (switchover, forced promotion, resolve, standby,
 * clear, maintenance): refused with why ({@link OperatorChecks}), or carried out as a saga
 * ({@link Sagas}) or a word to the nodes. Part of the leader (its context, its thread).
 */
final class OperatorDesk {
  private final ActorContext<Leader.Command> ctx;
  private final HanfsConfig config;
  private final ClusterModel model;
  private final Replicas replicas;
  private final DecisionInput inputs;
  private final Sagas sagas;
  private final PromotionBans bans;
  private final Sagas.Recorder recorder;
  private final OperatorChecks checks;

  OperatorDesk(ActorContext<Leader.Command> ctx, HanfsConfig config, ClusterModel model, Replicas replicas, DecisionInput inputs, Sagas sagas,
      PromotionBans bans, Sagas.Recorder recorder) {
    this.ctx = ctx;
    this.config = config;
    this.model = model;
    this.replicas = replicas;
    this.inputs = inputs;
    this.sagas = sagas;
    this.bans = bans;
    this.recorder = recorder;
    this.checks = new OperatorChecks(config);
  }

  private boolean reachable(String node) {
    return model.reachable(node, System.nanoTime());
  }

  private boolean maintenance() {
    return model.maintenance(System.nanoTime());
  }

  private static void answer(Optional<Leader.ControlReply> refused, ActorRef<Leader.ControlReply> replyTo, Runnable act) {
    if (refused.isPresent()) replyTo.tell(refused.get());
    else act.run();
  }

  void switchover(Leader.Switchover s) {
    answer(checks.unknownResource(s.resource())
        .or(() -> s.to().flatMap(to -> checks.notDataNode(to, Refusal.Reason.NOT_A_DATA_NODE)))
        .or(() -> checks.notAcceptingSagas(s.resource(), sagas.kind(s.resource()), maintenance())), s.replyTo(), () -> {
          Resource r = config.resource(s.resource()).orElseThrow();
          SwitchoverPlan.Plan plan = SwitchoverPlan.plan(s.resource(), inputs.views(r, System.nanoTime()), s.to());
          if (plan instanceof SwitchoverPlan.SwitchTo go) sagas.demote(r, go.from(), Optional.of(go.to()), SagaKind.SWITCHOVER, Optional.of(s.replyTo()));
          else if (plan instanceof SwitchoverPlan.Refused no) s.replyTo().tell(Leader.ControlReply.refused(Refusal.Reason.NOT_NOW, no.why()));
        });
  }

  void forcePromote(Leader.ForcePromote f) {
    Optional<Leader.ControlReply> refused = checks.unknownResource(f.resource()).or(() -> checks.notDataNode(f.to(), Refusal.Reason.NOT_A_DATA_NODE))
        .or(() -> checks.notAcceptingSagas(f.resource(), sagas.kind(f.resource()), maintenance()));
    Resource r = config.resource(f.resource()).orElse(null);
    List<Placement.NodeView> views = refused.isPresent() ? List.of() : inputs.views(r, System.nanoTime());
    answer(refused.or(() -> checks.forcePromote(f.resource(), f.to(), views, model.report(f.to()) != null)), f.replyTo(), () -> {
      Placement.NodeView to = views.stream().filter(v -> v.name().equals(f.to())).findFirst().orElseThrow();
      Optional<String> unreachableHolder = views.stream().filter(v -> !v.reachable() && v.role().holding())
          .map(Placement.NodeView::name).findFirst();
      ctx.getLog().warn("resource {}: forced promotion of {} by {} ({}); the data gate said: {}", f.resource(), f.to(), f.by(), f.reason(),
          to.dataRefusal().isEmpty() ? "allowed" : to.dataRefusal());
      sagas.promote(r, f.to(), unreachableHolder, Optional.of(f.replyTo()), Optional.of(new ResourceAgent.Force(f.by(), f.reason())));
    });
  }

  void resolve(Leader.Resolve c) {
    Optional<String> keep = replicas.peerOf(c.discard(), Optional.empty());
    Optional<LedgerSummary> victim = model.statusOf(c.resource(), c.discard()).flatMap(ResourceStatus::ledger).filter(x -> reachable(c.discard()));
    Optional<LedgerSummary> survivor = keep.flatMap(k -> model.statusOf(c.resource(), k).flatMap(ResourceStatus::ledger).filter(x -> reachable(k)));
    answer(checks.unknownResource(c.resource())
        .or(() -> checks.sharedDisk(c.resource()))
        .or(() -> checks.notDataNode(c.discard(), Refusal.Reason.NOT_A_DATA_NODE))
        .or(() -> checks.notAcceptingSagas(c.resource(), sagas.kind(c.resource()), false))
        .or(() -> checks.resolve(keep, victim, survivor, c.force())), c.replyTo(), () -> {
          Resource r = config.resource(c.resource()).orElseThrow();
          if (c.force()) {
            recorder.record(model.report(c.discard()), c.resource(), new LedgerEvent.Forced("resolve", "discard " + c.discard() + " by hand", victim.get().lastEpoch()));
          }
          Optional<Remembered.SplitBrain> split = inputs.diverged(r, System.nanoTime()).map(p -> p.split(r.name()));
          sagas.resolve(r, c.discard(), keep.get(), split, Optional.of(c.replyTo()));
        });
  }

  void standby(Leader.Standby s) {
    NodeAgent.Report rep = model.report(s.node());
    answer(checks.notDataNode(s.node(), Refusal.Reason.UNKNOWN_NODE).or(() -> checks.unreachable(s.node(), rep != null && reachable(s.node()),
        "its standby flag is kept on the node itself")), s.replyTo(), () -> {
          if (rep.standby() == s.on()) {
            s.replyTo().tell(Leader.ControlReply.done(s.node() + " is already " + (s.on() ? "in standby" : "out of standby")));
            return;
          }
          rep.agent().tell(new NodeAgent.SetStandby(s.on(), ctx.getSystem().ignoreRef()));
          s.replyTo().tell(Leader.ControlReply.done(s.node() + (s.on() ? " goes into standby; its resources move away" : " is out of standby")));
        });
  }

  void clear(Leader.Clear c) {
    boolean node = config.node(c.target()).map(HanfsConfig.Node::isData).orElse(false);
    boolean resource = config.resource(c.target()).isPresent();
    answer(checks.clearTarget(c.target(), node, resource), c.replyTo(), () -> {
      List<PromotionBans.Ban> cleared = bans.clear(c.target(), System.nanoTime());
      List<String> told = new ArrayList<>();
      for (HanfsConfig.Node n : config.nodes()) {
        NodeAgent.Report rep = model.report(n.name());
        if (!n.isData() || rep == null || !reachable(n.name()) || node && !n.name().equals(c.target())) continue;
        rep.agent().tell(new NodeAgent.ClearFailures(resource ? Optional.of(c.target()) : Optional.empty()));
        told.add(n.name());
      }
      sagas.clearRetries();
      ctx.getLog().warn("operator cleared {}: bans {}, failure counts reset on {}", c.target(), cleared, told);
      c.replyTo().tell(Leader.ControlReply.done((cleared.isEmpty() ? "no ban on " + c.target() + " to lift"
          : "lifted " + cleared.stream().map(b -> b.resource() + " on " + b.node()).toList())
          + "; failure counts reset on " + (told.isEmpty() ? "no reachable node" : told)));
    });
  }

  /**
   * The operator's maintenance mode for every node. A node that was not reached (its report late,
   * or cut off) is told again by {@link #reconcileMaintenance} at its next report that differs.
   */
  void maintenance(Leader.Maintenance m) {
    wantedMaintenance = Optional.of(m.on());
    List<String> unreached = new ArrayList<>();
    for (HanfsConfig.Node n : config.nodes()) {
      NodeAgent.Report rep = model.report(n.name());
      if (rep != null) rep.agent().tell(new NodeAgent.SetMaintenance(m.on(), ctx.getSystem().ignoreRef()));
      if (rep == null || !reachable(n.name())) unreached.add(n.name());
    }
    m.replyTo().tell(Leader.ControlReply.done("maintenance " + (m.on() ? "on" : "off")
        + (unreached.isEmpty() ? "" : "; not reached yet, told when they report: " + unreached)));
  }

  /** What the operator last asked this leader for; empty until then (a node's own flag stands). */
  private Optional<Boolean> wantedMaintenance = Optional.empty();

  void reconcileMaintenance(NodeAgent.Report r) {
    if (wantedMaintenance.isPresent() && r.maintenance() != wantedMaintenance.get()) {
      r.agent().tell(new NodeAgent.SetMaintenance(wantedMaintenance.get(), ctx.getSystem().ignoreRef()));
    }
  }
}
