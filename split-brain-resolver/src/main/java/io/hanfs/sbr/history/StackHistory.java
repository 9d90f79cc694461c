package io.hanfs.sbr.history;

import io.hanfs.sbr.Role;
import io.hanfs.sbr.stack.LayerOp;
import io.hanfs.sbr.stack.LayerState;
import io.hanfs.sbr.stack.StackLayer;
import io.hanfs.sbr.stack.StackState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a node's history records of one stack transition: the role changes an operator asks about
 * (promoted, demoted, lease lost, needs-move) and each layer's step. Pure: the resource agent
 * diffs its state before and after each machine step and publishes what this returns, adding the
 * times it owns.
 */
public final class StackHistory {
  private StackHistory() {}

  /** One thing to record; {@code layer} and {@code op} for a STEP or MONITOR_FAILED, {@code ok} whether a step ended well. */
  public record Change(HistoryKind kind, Optional<StackLayer> layer, Optional<LayerOp> op, boolean ok, String reason) {
    static Change of(HistoryKind kind, String reason) {
      return new Change(kind, Optional.empty(), Optional.empty(), true, reason);
    }
  }

  public static List<Change> changes(StackState before, StackState after) {
    List<Change> out = new ArrayList<>();
    if (before.leaseLostWhy().isEmpty() && after.leaseLostWhy().isPresent()) {
      out.add(Change.of(HistoryKind.LEASE_LOST, "no majority renewed the lease: " + after.leaseLostWhy().get()));
    }
    for (StackLayer l : StackLayer.ORDER) {
      LayerState was = before.layer(l).state();
      LayerState is = after.layer(l).state();
      if (was == is) continue;
      if (was == LayerState.STARTING || was == LayerState.STOPPING) {
        LayerOp op = was == LayerState.STARTING ? LayerOp.START : LayerOp.STOP;
        boolean ok = is == (op == LayerOp.START ? LayerState.UP : LayerState.DOWN);
        out.add(new Change(HistoryKind.STEP, Optional.of(l), Optional.of(op), ok, after.layer(l).detail()));
      } else if (was == LayerState.UP && is == LayerState.FAILED) {
        out.add(new Change(HistoryKind.MONITOR_FAILED, Optional.of(l), Optional.empty(), false, after.layer(l).detail()));
      }
    }
    Role from = before.role();
    Role to = after.role();
    if (from != to) {
      if (to == Role.PRIMARY && from != Role.RESTARTING) out.add(Change.of(HistoryKind.PROMOTED, after.message()));
      // A promotion that is refused or rolled back never served: the leader tells that one.
      if (from.holding() && from != Role.PROMOTING && (to.released() || to == Role.STOP_FAILED)) {
        out.add(new Change(HistoryKind.DEMOTED, Optional.empty(), Optional.empty(), to != Role.STOP_FAILED, after.message()));
      }
      if (to == Role.NEEDS_MOVE) out.add(Change.of(HistoryKind.NEEDS_MOVE, after.message()));
    }
    return out;
  }
}
