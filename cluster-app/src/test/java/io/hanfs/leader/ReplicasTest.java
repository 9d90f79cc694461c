package io.hanfs.leader;

import static io.hanfs.leader.LeaderFixture.drbd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.node.resource.Layer;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReplicasTest {
  static final LedgerSummary LEDGER = new LedgerSummary("d1", Generation.NONE, List.of(Generation.NONE), false, false, 0);

  @Test
  void changeCountsComeFromTheReplicationFacts() {
    java.util.function.Function<Optional<Layer.Probe>, io.hanfs.node.resource.ResourceStatus> status =
        p -> LeaderFixture.resourceStatus("r0", Role.PRIMARY, LEDGER, p);
    assertEquals(40960, Replicas.changedKiB(status.apply(Optional.of(drbd("r0", "StandAlone", "Primary/Unknown", "UpToDate/DUnknown",
        OptionalLong.of(40960), false)))));
    assertEquals(-1, Replicas.changedKiB(status.apply(Optional.of(drbd("r0", "Connected", "Primary/Secondary", "UpToDate/UpToDate")))));
    assertEquals(-1, Replicas.changedKiB(status.apply(Optional.empty())), "a shared disk counts nothing");
  }
}
