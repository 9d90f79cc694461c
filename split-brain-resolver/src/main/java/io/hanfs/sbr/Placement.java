package io.hanfs.sbr;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where one resource should be active, decided by the leader from plain data: a pure function,
 * tested exhaustively without actors. Safety does not rest on it alone (a promotion still needs a
 * majority lease on the target), but it never asks for two active nodes and never promotes while
 * a node that failed to stop may still hold the data.
 */
public final class Placement {
  private Placement() {}

  /**
   * What the leader knows of one data node for this resource.
   *
   * @param reachable a cluster member that is reachable and has reported recently
   * @param standby put in standby by an operator
   * @param banned the resource failed here recently (needs-move or start-failed)
   * @param role the resource's role there as last reported ({@link Role#UNKNOWN} before the first report)
   * @param epoch the epoch that node holds for the resource
   * @param dataRefusal why the data promotion gate refuses this node's copy ("" when it allows it)
   */
  public record NodeView(String name, boolean reachable, boolean standby, boolean banned, Role role, long epoch, String dataRefusal) {
    public NodeView(String name, boolean reachable, boolean standby, boolean banned, Role role, long epoch) {
      this(name, reachable, standby, banned, role, epoch, "");
    }

    boolean holding() {
      return role.holding();
    }

    public boolean eligible() {
      return reachable && !standby && !banned && dataRefusal.isEmpty()
          && role.released();
    }
  }

  /**
   * @param releaseMustBeConfirmed the data is on a shared disk with no watchdog and no SCSI reservation: a lapsed lease does
   *     not prove that the old holder stopped writing (it may be frozen), so another node is
   *     promoted only once every other data node reported that it does not hold the resource
   */
  public record Input(List<NodeView> dataNodes, Optional<String> preferred, boolean failback, boolean maintenance, boolean coldStartDone,
      boolean releaseMustBeConfirmed, int stopRetries) {
    public Input(List<NodeView> dataNodes, Optional<String> preferred, boolean failback, boolean maintenance, boolean coldStartDone) {
      this(dataNodes, preferred, failback, maintenance, coldStartDone, false, 0);
    }

    public Input(List<NodeView> dataNodes, Optional<String> preferred, boolean failback, boolean maintenance, boolean coldStartDone,
        boolean releaseMustBeConfirmed) {
      this(dataNodes, preferred, failback, maintenance, coldStartDone, releaseMustBeConfirmed, 0);
    }
  }

  /**
   * How often the leader demotes a node again whose stop failed, before it leaves it to an
   * operator. The node fenced itself (VIP and NFS down) and holds the data until a clean stop: a
   * step that timed out on a busy machine (a VIP stop behind renewals, a slow umount) is worth
   * another try; one that fails three times needs a person.
   */
  public static final int STOP_RETRIES = 3;

  public sealed interface Decision {}

  public record Stay(String node) implements Decision {}

  public record Promote(String node, String why) implements Decision {}

  /** Demote {@code from} (or wait out its lease when it is unreachable), then promote {@code to}. */
  public record Move(String from, String to, boolean fromReachable, String why) implements Decision {}

  public record DemoteExtra(String node, String why) implements Decision {}

  /** Demote again a node whose stop failed; {@code attempt} counts from 1. */
  public record RetryStop(String node, int attempt, String why) implements Decision {}

  public record Wait(String why) implements Decision {}

  public static Decision decide(Input in) {
    if (in.maintenance()) return new Wait("maintenance mode: the leader does not act");
    List<NodeView> nodes = in.dataNodes();
    // An unreachable node's last report may be stale, and it cannot be commanded anyway: a
    // reachable holder (it renews its lease with the voters) is the one that counts.
    List<NodeView> reachableHolders = nodes.stream().filter(n -> n.holding() && n.reachable()).toList();
    List<NodeView> unreachableHolders = nodes.stream().filter(n -> n.holding() && !n.reachable()).toList();
    if (reachableHolders.size() > 1) {
      NodeView older = reachableHolders.stream().min(Comparator.comparingLong(NodeView::epoch)).orElseThrow();
      return new DemoteExtra(older.name(), "active on " + reachableHolders.stream().map(NodeView::name).toList() + "; keeping the higher epoch");
    }
    Optional<NodeView> fenced = nodes.stream().filter(n -> n.role() == Role.STOP_FAILED).findFirst();
    if (fenced.isPresent()) {
      NodeView f = fenced.get();
      if (f.reachable() && in.stopRetries() < STOP_RETRIES) {
        return new RetryStop(f.name(), in.stopRetries() + 1, f.name() + " failed to stop the resource; demoting it again (try " + (in.stopRetries() + 1)
            + " of " + STOP_RETRIES + ")");
      }
      String tried = in.stopRetries() > 0 ? " (demoted again " + in.stopRetries() + " times)" : "";
      return new Wait(f.name() + " failed to stop the resource and may still hold its data" + tried + "; demote it cleanly or take it out of the cluster");
    }
    Optional<NodeView> best = best(in);
    if (reachableHolders.isEmpty() && in.releaseMustBeConfirmed()) {
      Optional<NodeView> unconfirmed = nodes.stream().filter(n -> !(n.reachable() && n.role().released()))
          .filter(n -> best.isEmpty() || !n.name().equals(best.get().name())).findFirst();
      if (unconfirmed.isPresent() && best.isPresent()) {
        NodeView u = unconfirmed.get();
        return new Wait("held by " + u.name() + " (" + (u.reachable() ? u.role().display() : "unreachable, last seen " + u.role().display())
            + "): a shared disk without a watchdog moves only after " + u.name() + " confirms its demotion (its daemon back) or its fence step ran");
      }
    }
    if (reachableHolders.isEmpty() && !unreachableHolders.isEmpty()) {
      NodeView h = unreachableHolders.stream().max(Comparator.comparingLong(NodeView::epoch)).orElseThrow();
      List<String> refusals = nodes.stream().filter(n -> n.reachable() && !n.dataRefusal().isEmpty()).map(NodeView::dataRefusal).toList();
      return best.<Decision>map(b -> new Move(h.name(), b.name(), false, h.name() + " is unreachable"))
          .orElse(new Wait(h.name() + " is unreachable and no other data node is eligible"
              + (refusals.isEmpty() ? "" : ": " + String.join("; ", refusals))));
    }
    if (reachableHolders.size() == 1) {
      NodeView h = reachableHolders.get(0);
      if (h.role() != Role.PRIMARY) return new Stay(h.name());
      if (h.standby()) {
        return best.<Decision>map(b -> new Move(h.name(), b.name(), true, h.name() + " is in standby"))
            .orElse(new Stay(h.name()));
      }
      if (in.failback() && in.preferred().isPresent() && !in.preferred().get().equals(h.name())
          && best.isPresent() && best.get().name().equals(in.preferred().get())) {
        return new Move(h.name(), best.get().name(), true, "failback to the preferred node");
      }
      return new Stay(h.name());
    }
    if (!in.coldStartDone()) return new Wait("cold start: waiting until a majority is up and every data node has reported");
    List<String> refusals = nodes.stream().filter(n -> n.reachable() && !n.dataRefusal().isEmpty()).map(NodeView::dataRefusal).toList();
    return best.<Decision>map(b -> new Promote(b.name(), "no node is active"))
        .orElse(new Wait(refusals.isEmpty() ? "no eligible data node (all unreachable, in standby, or failed here recently)"
            : "no data node may be promoted: " + String.join("; ", refusals)));
  }

  /** The preferred node when eligible, else the first eligible node in config order. */
  static Optional<NodeView> best(Input in) {
    List<NodeView> eligible = in.dataNodes().stream().filter(NodeView::eligible).toList();
    if (in.preferred().isPresent()) {
      for (NodeView n : eligible) if (n.name().equals(in.preferred().get())) return Optional.of(n);
    }
    return eligible.stream().findFirst();
  }
}
