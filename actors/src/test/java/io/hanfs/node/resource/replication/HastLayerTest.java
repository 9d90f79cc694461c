package io.hanfs.node.resource.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.LayerException;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.ReplicationFacts;
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

  /** What the leader reads of a HAST copy (it once parsed this back from the detail text). */
  @Test
  void factsForTheLeaderComeFromHastdsState() {
    ReplicationFacts primary = layer(hastd(new String[] {"primary"}, true)).probe().replication().orElseThrow();
    assertEquals(new ReplicationFacts(ReplicationFacts.Kind.HAST, true, true, 0, false, DiskState.UP_TO_DATE), primary);
    ReplicationFacts degraded = new HastState("home", "primary", "degraded", 3000, "").facts();
    assertFalse(degraded.connected() || degraded.peerInSync());
    assertEquals(3, degraded.changedKiB(), "bytes rounded up to KiB");
    assertEquals(DiskState.UP_TO_DATE, degraded.localDisk(), "HAST keeps no disk state: the ledger says whether it is current");
    assertFalse(degraded.splitBrain());
    ReplicationFacts secondary = layer(hastd(new String[] {"secondary"}, true)).probe().replication().orElseThrow();
    assertTrue(secondary.connected() && !secondary.peerInSync(), "only a primary sees its peer in sync");
    assertEquals(-1, new HastState("home", "primary", "complete", -1, "").facts().changedKiB(), "dirty unknown");
    assertTrue(layer(hastd(new String[] {"init"}, false)).probe().replication().isEmpty(), "unknown to hastd: no facts");
  }
}
