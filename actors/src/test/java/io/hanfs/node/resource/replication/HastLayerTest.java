package io.hanfs.node.resource.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.LayerException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HAST layer with a recording runner standing in for hastctl (HAST is FreeBSD-only; nothing
 * on this Linux host can run it). The runner keeps the role the layer set, like hastd would.
 */
class HastLayerTest {
  static RecordingCommandRunner hastd(String[] role, boolean known) {
    return new RecordingCommandRunner(argv -> {
      if (!known) return RecordingCommandRunner.fail(argv, 70, "[home] Unknown resource home.");
      if (argv.subList(0, 2).equals(List.of("hastctl", "list"))) {
        return RecordingCommandRunner.ok(argv, HastStateTest.LIST_PRIMARY_COMPLETE.replace("role: primary", "role: " + role[0]));
      }
      if (argv.size() == 4 && argv.subList(0, 2).equals(List.of("hastctl", "role")) && argv.get(3).equals("home")) {
        role[0] = argv.get(2);
        return RecordingCommandRunner.ok(argv, "");
      }
      return RecordingCommandRunner.fail(argv, 64, "usage");
    });
  }

  static HastLayer layer(RecordingCommandRunner r) {
    return new HastLayer("home", new HastDriver(r, Duration.ofSeconds(5)));
  }

  @Test
  void promotesAndDemotesIdempotently() {
    String[] role = {"secondary"};
    RecordingCommandRunner r = hastd(role, true);
    HastLayer l = layer(r);
    assertFalse(l.probe().active());
    assertEquals("hast home complete secondary dirty:0", l.probe().detail());
    l.start();
    assertEquals("primary", role[0]);
    assertTrue(l.monitor().healthy());
    int calls = r.calls.size();
    l.start();
    assertTrue(r.calls.subList(calls, r.calls.size()).stream().noneMatch(c -> c.contains("role")), "already primary: no role change");
    l.stop();
    assertEquals("secondary", role[0]);
    assertFalse(l.monitor().healthy(), "a secondary is not a healthy active layer");
  }

  @Test
  void refusesWhenHastdDoesNotKnowTheResource() {
    RecordingCommandRunner r = hastd(new String[] {"init"}, false);
    LayerException e = assertThrows(LayerException.class, () -> layer(r).start());
    assertTrue(e.getMessage().contains("unknown to hastd"), e.getMessage());
    assertTrue(r.calls.stream().noneMatch(c -> c.contains("role")));
    layer(r).stop();
  }

  @Test
  void detailReadsBackForTheLeader() {
    ReplicationDetail d = ReplicationDetail.parse("hast home complete primary dirty:0").orElseThrow();
    assertTrue(d.connected() && d.peerInSync());
    assertEquals(0, d.changedKiB());
    ReplicationDetail degraded = ReplicationDetail.parse("hast home degraded primary dirty:3000").orElseThrow();
    assertFalse(degraded.connected() || degraded.peerInSync());
    assertEquals(3, degraded.changedKiB(), "bytes rounded up to KiB");
    ReplicationDetail drbd = ReplicationDetail.parse("drbd r0 StandAlone Primary/Unknown UpToDate/DUnknown oos:40960 split-brain").orElseThrow();
    assertTrue(drbd.splitBrain());
    assertEquals(40960, drbd.changedKiB());
    assertEquals("UpToDate", drbd.localDisk());
    assertTrue(ReplicationDetail.parse("drbd r0 Connected Primary/Secondary UpToDate/UpToDate").orElseThrow().peerInSync());
    assertFalse(ReplicationDetail.parse("drbd r0 Connected Primary/Secondary UpToDate/Inconsistent").orElseThrow().peerInSync());
    assertTrue(ReplicationDetail.parse("shared /dev/loop3").isEmpty());
  }
}
