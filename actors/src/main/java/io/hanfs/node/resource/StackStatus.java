package io.hanfs.node.resource;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.ResourceStatus.LayerStatus;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.ReplicationFacts;
import io.hanfs.sbr.stack.StackLayer;
import io.hanfs.sbr.stack.StackState;
import java.util.List;

/** What a resource's stack state looks like to the cluster and operators (a pure function of the state). */
final class StackStatus {
  private StackStatus() {}

  static ResourceStatus of(Resource resource, StackState state) {
    List<LayerStatus> layers = StackLayer.ORDER.stream()
        .map(l -> new LayerStatus(l.layerName(), state.layer(l).state().display(), state.layer(l).detail())).toList();
    return new ResourceStatus(resource.name(), state.role(), state.epoch(), state.message(), layers, state.failureTimes().size(),
        state.ledger(), diskState(resource, state).drbdName, state.layer(StackLayer.REPLICATION).replication());
  }

  /** This copy's disk state from the replication layer's last probe (a shared disk is its own current copy). */
  static DiskState diskState(Resource resource, StackState state) {
    if (resource.replication().shared()) return DiskState.UP_TO_DATE;
    return state.layer(StackLayer.REPLICATION).replication().map(ReplicationFacts::localDisk).orElse(DiskState.UNKNOWN);
  }
}
