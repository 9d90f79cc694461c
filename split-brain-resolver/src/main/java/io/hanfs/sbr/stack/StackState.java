package io.hanfs.sbr.stack;

import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.sbr.data.ReplicationFacts;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the stack machine knows of one resource on this node: plain, immutable data. Only
 * {@link StackMachine} makes a new one.
 *
 * @param kind the transition under way, IDLE when none
 * @param plan the steps of that transition still to run, the first one in flight
 * @param failureTimes when monitors failed within failure-timeout (monotonic nanos), oldest first
 * @param failure why the transition under way failed ("" while nothing failed)
 * @param failureHeldElsewhere the failed promotion step only found the data held by another holder
 * @param replicationStartedInPromotion the promotion made the device writable here, so the new generation may hold writes
 * @param roleBeforeAcquire the role to return to if the promotion is refused before anything started
 * @param pendingForce the operator's override of the promotion whose epoch is being persisted
 * @param awaitingLedger the promotion waits for the ledger to record it
 * @param resolving a split-brain step runs
 * @param leaseLostWhy the demotion under way is because no majority renewed the lease, and why
 */
public record StackState(Role role, long epoch, String message, Kind kind, List<Step> plan, Map<StackLayer, LayerView> layers,
    List<Long> failureTimes, String failure, boolean failureHeldElsewhere, boolean replicationStartedInPromotion, Role roleBeforeAcquire,
    boolean maintenance, Optional<StackEvent.Force> pendingForce, boolean awaitingLedger, boolean resolving,
    Optional<LedgerSummary> ledger, long currentSinceMillis, Optional<String> leaseLostWhy) {

  public enum Kind { IDLE, PERSIST_EPOCH, PROBE, ACQUIRE, ADOPT, PROMOTE, ROLLBACK, DEMOTE, RESTART, FENCE, MOVE_AWAY }

  public record Step(StackLayer layer, LayerOp op) {}

  /** A layer as last reported: {@code replication} holds a replicated layer's facts from the same probe as {@code detail}. */
  public record LayerView(LayerState state, String detail, Optional<ReplicationFacts> replication) {}

  public StackState {
    plan = List.copyOf(plan);
    layers = Map.copyOf(layers);
    failureTimes = List.copyOf(failureTimes);
  }

  /** Before the first probe: nothing is known. */
  public static StackState unprobed(long epoch) {
    Map<StackLayer, LayerView> layers = new EnumMap<>(StackLayer.class);
    for (StackLayer l : StackLayer.ORDER) layers.put(l, new LayerView(LayerState.UNKNOWN, "", Optional.empty()));
    return new StackState(Role.PROBING, epoch, "probing the real state of every layer", Kind.IDLE, List.of(), layers, List.of(), "",
        false, false, Role.SECONDARY, false, Optional.empty(), false, false, Optional.empty(), 0, Optional.empty());
  }

  public boolean busy() {
    return kind != Kind.IDLE;
  }

  public LayerView layer(StackLayer l) {
    return layers.get(l);
  }
}
