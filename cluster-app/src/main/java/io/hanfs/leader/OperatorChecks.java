package io.hanfs.leader;

import io.hanfs.sbr.Refusal;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.sbr.Placement;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.SplitBrainVerdict;
import java.util.List;
import java.util.Optional;

/** Why an operator's command is refused before the leader acts on it (the names it is given, the state it needs): reads only. */
final class OperatorChecks {
  private final HanfsConfig config;

  OperatorChecks(HanfsConfig config) {
    this.config = config;
  }

  private static Optional<Leader.ControlReply> refuse(Refusal.Reason reason, String message) {
    return Optional.of(Leader.ControlReply.refused(reason, message));
  }

  Optional<Leader.ControlReply> unknownResource(String resource) {
    if (config.resource(resource).isPresent()) return Optional.empty();
    return refuse(Refusal.Reason.UNKNOWN_RESOURCE, "no resource named \"" + resource + "\"; known: " + config.resources().stream().map(Resource::name).toList());
  }

  /** {@code unknown}: the reason for a name that is no node at all (a path names a node; a parameter names a target). */
  Optional<Leader.ControlReply> notDataNode(String node, Refusal.Reason unknown) {
    Optional<HanfsConfig.Node> n = config.node(node);
    if (n.isPresent() && n.get().isData()) return Optional.empty();
    return refuse(n.isEmpty() ? unknown : Refusal.Reason.NOT_A_DATA_NODE, "\"" + node + "\" is not a data node; use one of " + dataNodes());
  }

  Optional<Leader.ControlReply> notAcceptingSagas(String resource, Optional<String> runningKind, boolean maintenance) {
    if (runningKind.isPresent()) return refuse(Refusal.Reason.BUSY, "a " + runningKind.get() + " of " + resource + " is in progress; retry when it ends");
    if (maintenance) return refuse(Refusal.Reason.MAINTENANCE, "the cluster is in maintenance mode; turn it off first");
    return Optional.empty();
  }

  Optional<Leader.ControlReply> sharedDisk(String resource) {
    if (!config.resource(resource).orElseThrow().replication().shared()) return Optional.empty();
    return refuse(Refusal.Reason.NOT_APPLICABLE, resource + " is on a shared disk: one copy, no split brain to resolve");
  }

  /** A command that the node itself must carry out, while the node is not reachable. */
  Optional<Leader.ControlReply> unreachable(String node, boolean reachable, String why) {
    return reachable ? Optional.empty() : refuse(Refusal.Reason.UNREACHABLE, node + " is not reachable; " + why);
  }

  /** A forced promotion needs the target itself and never makes a second active node. */
  Optional<Leader.ControlReply> forcePromote(String resource, String to, List<Placement.NodeView> views, boolean reported) {
    Placement.NodeView target = views.stream().filter(v -> v.name().equals(to)).findFirst().orElseThrow();
    if (!target.reachable() || !reported) return refuse(Refusal.Reason.UNREACHABLE, to + " is not reachable; a forced promotion needs the node itself");
    Optional<Placement.NodeView> active = views.stream().filter(v -> v.reachable() && v.role().holding()).findFirst();
    if (active.isEmpty()) return Optional.empty();
    return refuse(Refusal.Reason.UNSAFE, resource + " is " + active.get().role().display() + " on " + active.get().name()
        + "; --force never makes a second active node: demote it or use switchover");
  }

  /** A split brain resolved by hand: both copies reachable with known ledgers, and the discard allowed (or forced). */
  Optional<Leader.ControlReply> resolve(Optional<String> keep, Optional<LedgerSummary> victim, Optional<LedgerSummary> survivor, boolean force) {
    if (keep.isEmpty() || victim.isEmpty() || survivor.isEmpty()) {
      return refuse(Refusal.Reason.NOT_NOW, "both copies must be reachable with known ledgers to resolve a split brain");
    }
    return SplitBrainVerdict.checkManualDiscard(victim.get(), survivor.get(), force).flatMap(r -> refuse(r.reason(), r.message()));
  }

  /** The target of {@code hanfs clear}: exactly one of a data node and a resource. */
  Optional<Leader.ControlReply> clearTarget(String target, boolean node, boolean resource) {
    if (node != resource) return Optional.empty();
    return refuse(node ? Refusal.Reason.AMBIGUOUS_NAME : Refusal.Reason.UNKNOWN_NODE, node ? "\"" + target + "\" names both a data node and a resource; rename one of them"
        : "\"" + target + "\" is neither a data node nor a resource; use one of " + dataNodes() + " or "
            + config.resources().stream().map(Resource::name).toList());
  }

  private List<String> dataNodes() {
    return config.nodes().stream().filter(HanfsConfig.Node::isData).map(HanfsConfig.Node::name).toList();
  }
}
