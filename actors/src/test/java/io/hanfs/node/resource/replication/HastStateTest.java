package io.hanfs.node.resource.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * hastctl's output. HAST is FreeBSD-only, so these texts are not captured: they are written
 * line by line from the printf calls of FreeBSD 14's sbin/hastctl/hastctl.c (control_list and
 * dump_one) with seed 002's resource "home" and addresses. The compact "status" table of
 * FreeBSD 10+ is there to show it is not mistaken for the detailed listing.
 */
class HastStateTest {
  static final String LIST_PRIMARY_COMPLETE = """
      home:
        role: primary
        provname: home
        localpath: /dev/ada1
        extentsize: 2097152 (2.0MB)
        keepdirty: 64
        remoteaddr: tcp4://10.1.101.4:8457
        replication: fullsync
        status: complete
        workerpid: 1187
        dirty: 0 (0B)
        statistics:
          reads: 19
          writes: 2451
          deletes: 0
          flushes: 35
          activemap updates: 12
          local errors: read: 0, write: 0, delete: 0, flush: 0
          queues: local: 0, send: 0, recv: 0, done: 0, idle: 255
      """;

  static final String LIST_TWO_RESOURCES = """
      data:
        role: secondary
        provname: data
        localpath: /dev/ada2
        extentsize: 2097152 (2.0MB)
        keepdirty: 64
        remoteaddr: tcp4://10.1.101.4:8457
        replication: fullsync
        status: degraded
        dirty: 4194304 (4.0MB)
        statistics:
          reads: 0
          writes: 0
      home:
        role: primary
        provname: home
        localpath: /dev/ada1
        extentsize: 2097152 (2.0MB)
        keepdirty: 64
        remoteaddr: tcp4://10.1.101.4:8457
        replication: fullsync
        status: degraded
        dirty: 6291456 (6.0MB)
        statistics:
          reads: 3
          writes: 700
      """;

  static final String STATUS_TABLE = "Name\tStatus\t Role\t\tComponents\nhome\tcomplete primary        /dev/ada1\ttcp4://10.1.101.4:8457\n";

  static final String DUMP = """
      resource: home
          datasize: 21474181120 (20GB)
          extentsize: 2097152 (2.0MB)
          keepdirty: 64
          localoff: 1433600
          resuid: 3617195862961414655
          localcnt: 1
          remotecnt: 0
          prevrole: primary
      """;

  @Test
  void primaryInSync() {
    HastState s = HastState.fromList(LIST_PRIMARY_COMPLETE, "home").orElseThrow();
    assertTrue(s.primary());
    assertEquals("complete", s.status());
    assertEquals(0, s.dirtyBytes());
    assertEquals("tcp4://10.1.101.4:8457", s.remoteAddr());
    assertTrue(s.peerInSync());
  }

  @Test
  void picksTheNamedResourceAmongSeveral() {
    HastState home = HastState.fromList(LIST_TWO_RESOURCES, "home").orElseThrow();
    assertEquals("degraded", home.status());
    assertEquals(6291456, home.dirtyBytes());
    assertFalse(home.peerInSync(), "degraded: the secondary is not connected");
    HastState data = HastState.fromList(LIST_TWO_RESOURCES, "data").orElseThrow();
    assertFalse(data.primary());
    assertEquals(Optional.empty(), HastState.fromList(LIST_TWO_RESOURCES, "mail"));
  }

  @Test
  void anErrorEntryOrTheCompactTableIsNoState() {
    assertEquals(Optional.empty(), HastState.fromList("home:\n  error: 2\n", "home"));
    assertEquals(Optional.empty(), HastState.fromList(STATUS_TABLE, "home"));
  }

  @Test
  void dumpGivesTheCounters() {
    HastState.Metadata m = HastState.Metadata.fromDump(DUMP, "home").orElseThrow();
    assertEquals(1, m.localcnt());
    assertEquals(0, m.remotecnt());
    assertEquals("primary", m.prevrole());
    assertEquals(Optional.empty(), HastState.Metadata.fromDump(DUMP, "data"));
  }
}
