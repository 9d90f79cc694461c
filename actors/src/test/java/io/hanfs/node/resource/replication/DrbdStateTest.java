package io.hanfs.node.resource.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.Captured;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrbdStateTest {
  @Test
  void procDrbd84FromSeed004() {
    Map<Integer, DrbdState> m = DrbdState.fromProcDrbd(Captured.read("proc-drbd-8.4-seed004.txt"));
    assertEquals(1, m.size());
    DrbdState s = m.get(0);
    assertEquals("Secondary", s.role());
    assertEquals("Primary", s.peerRole());
    assertEquals("Connected", s.connection());
    assertTrue(s.upToDate());
    assertEquals("UpToDate", s.peerDisk());
    assertFalse(s.primary());
  }

  @Test
  void drbdOverviewFromSeed003() {
    List<DrbdState> l = DrbdState.fromOverview(Captured.read("drbd-overview-seed003.txt"));
    assertEquals(List.of("home", "data", "nfs-root"), l.stream().map(DrbdState::resource).toList());
    assertTrue(l.stream().allMatch(s -> s.primary() && s.connected() && s.upToDate()));
  }

  @Test
  void drbdInitStatusFromSeed004BeforeTheFirstSync() {
    List<DrbdState> l = DrbdState.fromOverview(Captured.read("drbd-status-seed004.txt"));
    assertEquals(1, l.size());
    assertEquals("Inconsistent", l.get(0).disk());
    assertFalse(l.get(0).upToDate());
  }

  @Test
  void events2Primary() {
    DrbdState s = DrbdState.fromEvents2(Captured.read("drbd-events2-now-primary.txt"), "home").orElseThrow();
    assertEquals(new DrbdState("home", "Primary", "Secondary", "Connected", "UpToDate", "UpToDate"), s);
  }

  @Test
  void events2StandAloneOutdated() {
    DrbdState s = DrbdState.fromEvents2(Captured.read("drbd-events2-now-standalone-outdated.txt"), "home").orElseThrow();
    assertTrue(s.standAlone());
    assertEquals("Outdated", s.disk());
    assertFalse(s.upToDate());
  }

  @Test
  void events2OfAnotherResourceOrEmptyIsNothing() {
    assertTrue(DrbdState.fromEvents2(Captured.read("drbd-events2-now-primary.txt"), "r9").isEmpty());
    assertTrue(DrbdState.fromEvents2("exists -\n", "home").isEmpty());
  }

  /** DRBD 8.4's out-of-sync KiB, from /proc/drbd as seeds 000 and 004 captured it (sync source, and in sync). */
  @Test
  void outOfSyncFromProcDrbd() {
    assertEquals(java.util.OptionalLong.of(1046788), DrbdState.outOfSyncFromProcDrbd(Captured.read("proc-drbd-8.4-seed000-syncsource.txt"), 0));
    assertEquals(java.util.OptionalLong.of(0), DrbdState.outOfSyncFromProcDrbd(Captured.read("proc-drbd-8.4-seed004.txt"), 0));
    assertTrue(DrbdState.outOfSyncFromProcDrbd(Captured.read("proc-drbd-8.4-seed004.txt"), 1).isEmpty());
  }

  /**
   * DRBD 9's statistics. Not captured here (no DRBD 9 on this machine): the line follows the
   * events2 format of the captured files above with drbdsetup's documented statistics keys.
   */
  @Test
  void outOfSyncFromEvents2Statistics() {
    String text = "exists resource name:r0 role:Primary suspended:no\n"
        + "exists peer-device name:r0 peer-node-id:1 conn-name:d2 volume:0 replication:Off peer-disk:DUnknown resync-suspended:no received:0 sent:0 out-of-sync:40960 pending:0 unacked:0\n"
        + "exists peer-device name:r1 peer-node-id:1 conn-name:d2 volume:0 replication:Established peer-disk:UpToDate out-of-sync:99\n"
        + "exists -\n";
    assertEquals(java.util.OptionalLong.of(40960), DrbdState.outOfSyncFromEvents2(text, "r0"));
    assertTrue(DrbdState.outOfSyncFromEvents2(text, "r2").isEmpty());
  }

  /**
   * DRBD 8.4.11's own kernel lines from the VM lab (a guest's console during the forced split
   * brain): the split-brain line names the minor, the others the resource.
   */
  @Test
  void splitBrainFromARealKernelLog() {
    String dmesg = Captured.read("dmesg-drbd-8.4-split-brain.txt");
    assertTrue(DrbdState.splitBrainInKernelLog(dmesg, "r0", 0));
    assertFalse(DrbdState.splitBrainInKernelLog(dmesg, "r1", 1), "another resource and minor");
    // A later connection ends it. Written by hand in DRBD's "conn( A -> B )" form: the captured
    // log ends before the reconnect.
    assertFalse(DrbdState.splitBrainInKernelLog(dmesg + "[  800.100000] drbd r0: conn( WFReportParams -> Connected )\n", "r0", 0));
  }
}
