package io.hanfs.sbr;

import io.hanfs.sbr.Placement.NodeView;
import java.util.List;
import java.util.Optional;

/**
 * Where an operator's switchover of one resource goes, or why it does not, pure: the target must
 * be {@link NodeView#eligible()}, the same rule the leader's own placement uses (a switchover
 * once skipped the ban of a node where the resource failed recently). The data gate's refusal is
 * part of eligibility: demoting the only current copy for a target that may not be promoted
 * would leave the resource served nowhere.
 */
public final class SwitchoverPlan {
  private SwitchoverPlan() {}

  public sealed interface Plan {}

  /** Demote {@code from}, then promote {@code to}. */
  public record SwitchTo(String from, String to) implements Plan {}

  /** Nothing is done: the operator is told why (HTTP 409, CLI exit 1). */
  public record Refused(String why) implements Plan {}

  public static Plan plan(String resource, List<NodeView> views, Optional<String> to) {
    List<NodeView> holders = views.stream().filter(v -> v.role() == Role.PRIMARY).toList();
    if (holders.size() != 1) return new Refused(resource + " is not active on exactly one node (" + holders.size() + "); nothing to switch over");
    String from = holders.get(0).name();
    if (to.isPresent() && to.get().equals(from)) return new Refused(resource + " is already active on " + from);
    Optional<NodeView> target = views.stream().filter(v -> !v.name().equals(from)).filter(v -> to.isEmpty() || v.name().equals(to.get()))
        .filter(NodeView::eligible).findFirst();
    if (target.isPresent()) return new SwitchTo(from, target.get().name());
    String which = to.orElse("any other data node");
    String reason = views.stream().filter(v -> v.name().equals(to.orElse(""))).findFirst().map(SwitchoverPlan::whyNot).orElse("none is eligible");
    return new Refused("cannot switch " + resource + " over to " + which + ": " + reason);
  }

  static String whyNot(NodeView v) {
    if (!v.reachable()) return "it is unreachable";
    if (!v.dataRefusal().isEmpty()) return "its copy may not be promoted (" + v.dataRefusal() + ")";
    if (v.standby()) return "it is in standby";
    if (v.banned()) return "the resource failed there recently (hanfs clear " + v.name() + " lifts that)";
    return "it is " + v.role().display();
  }
}
