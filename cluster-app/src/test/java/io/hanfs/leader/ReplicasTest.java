package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.node.resource.ResourceStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicasTest {
  /** A split brain's change counts come from DRBD's out-of-sync figure in the replication layer's detail. */
  @Test
  void changeCountsComeFromTheReplicationDetail() {
    assertEquals(40960, Replicas.changedKiB(List.of(new ResourceStatus.LayerStatus("replication", "up",
        "drbd r0 StandAlone Primary/Unknown UpToDate/DUnknown oos:40960"))));
    assertEquals(-1, Replicas.changedKiB(List.of(new ResourceStatus.LayerStatus("replication", "up",
        "drbd r0 Connected Primary/Secondary UpToDate/UpToDate"))));
    assertEquals(-1, Replicas.changedKiB(List.of(new ResourceStatus.LayerStatus("filesystem", "up", "oos:5"))));
  }
}
