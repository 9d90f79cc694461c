package io.hanfs.node.resource.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.Captured;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.ReplicationFacts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The DRBD layer against captured drbdsetup output, with a recording runner standing in for
 * drbdadm (the CI host has no drbd module; the VM lab runs the real one).
 */
class DrbdLayerTest {
  static final String PRIMARY = Captured.read("drbd-events2-now-primary.txt");
  static final String SECONDARY = PRIMARY.replace("name:home role:Primary", "name:home role:Secondary");
  static final String OUTDATED = Captured.read("drbd-events2-now-standalone-outdated.txt");

  static DrbdLayer layer(RecordingCommandRunner runner) {
    return new DrbdLayer("home", new DrbdDriver(runner, Duration.ofSeconds(5)), Duration.ofMillis(1));
  }

  static RecordingCommandRunner script(Function<List<String>, CommandResult> f) {
    return new RecordingCommandRunner(f);
  }

  @Test
  void promotesAnUpToDateSecondaryAfterRetries() {
    AtomicInteger primaryCalls = new AtomicInteger();
    String[] state = {SECONDARY};
    RecordingCommandRunner r = script(argv -> {
      if (argv.get(0).equals("drbdsetup")) return RecordingCommandRunner.ok(argv, state[0]);
      if (argv.equals(List.of("drbdadm", "primary", "home"))) {
        if (primaryCalls.incrementAndGet() < 3) return RecordingCommandRunner.fail(argv, 11, "State change failed: (-1) Multiple primaries not allowed by config");
        state[0] = PRIMARY;
        return RecordingCommandRunner.ok(argv, "");
      }
      return RecordingCommandRunner.fail(argv, 1, "unexpected");
    });
    DrbdLayer l = layer(r);
    assertFalse(l.probe().active());
    l.start();
    assertEquals(3, primaryCalls.get(), "DRBD refuses while the peer is still primary; the layer retries");
    assertTrue(l.probe().active());
    assertTrue(l.monitor().healthy());
  }

  /** Secondary here, the peer Primary and connected: what a node sees while its peer's daemon is dead. */
  static final String PEER_PRIMARY = SECONDARY.replace("connection:Connected role:Secondary", "connection:Connected role:Primary");
  static final String DISCONNECTED = SECONDARY.replace("connection:Connected role:Secondary", "connection:StandAlone role:Unknown");

  @Test
  void aPeerThatStaysPrimaryIsCutOffSoThatFencePeerOutdatesIt() {
    String[] state = {PEER_PRIMARY};
    RecordingCommandRunner r = script(argv -> {
      if (argv.get(0).equals("drbdsetup")) return RecordingCommandRunner.ok(argv, state[0]);
      if (argv.equals(List.of("drbdadm", "disconnect", "home"))) state[0] = DISCONNECTED;
      if (argv.equals(List.of("drbdadm", "primary", "home"))) {
        if (state[0] == PEER_PRIMARY) return RecordingCommandRunner.fail(argv, 11, "State change failed: (-1) Multiple primaries not allowed by config");
        state[0] = PRIMARY;
      }
      return RecordingCommandRunner.ok(argv, "");
    });
    layer(r).start();
    List<String> adm = r.commandNames().stream().filter(c -> c.startsWith("drbdadm")).toList();
    // Six refusals first (a demoting peer's role change arrives within them), then the cut, the promotion, the reconnect.
    assertEquals(List.of("drbdadm primary home", "drbdadm primary home", "drbdadm primary home", "drbdadm primary home", "drbdadm primary home",
        "drbdadm primary home", "drbdadm disconnect home", "drbdadm primary home", "drbdadm connect home"), adm);
  }

  @Test
  void aPeerThatDemotesLateIsNotCutOff() {
    AtomicInteger polls = new AtomicInteger();
    String[] state = {PEER_PRIMARY};
    RecordingCommandRunner r = script(argv -> {
      // The peer's demotion reaches this node after the six refused attempts, during the wait.
      if (argv.get(0).equals("drbdsetup") && polls.incrementAndGet() > 10 && state[0] == PEER_PRIMARY) state[0] = SECONDARY;
      if (argv.get(0).equals("drbdsetup")) return RecordingCommandRunner.ok(argv, state[0]);
      if (argv.equals(List.of("drbdadm", "primary", "home"))) {
        if (state[0] == PEER_PRIMARY) return RecordingCommandRunner.fail(argv, 11, "State change failed: (-1) Multiple primaries not allowed by config");
        state[0] = PRIMARY;
      }
      return RecordingCommandRunner.ok(argv, "");
    });
    layer(r).start();
    assertTrue(r.commandNames().stream().noneMatch(c -> c.startsWith("drbdadm disconnect") || c.startsWith("drbdadm connect")), r.commandNames().toString());
    assertTrue(layer(r).probe().active());
  }

  @Test
  void neverPromotesADiskThatIsNotUpToDate() {
    RecordingCommandRunner r = script(argv -> argv.get(0).equals("drbdsetup")
        ? RecordingCommandRunner.ok(argv, OUTDATED) : RecordingCommandRunner.ok(argv, ""));
    LayerException e = assertThrows(LayerException.class, () -> layer(r).start());
    assertTrue(e.getMessage().contains("Outdated"), e.getMessage());
    assertTrue(r.commandNames().stream().noneMatch(c -> c.startsWith("drbdadm primary")), "primary was never tried");
  }

  @Test
  void bringsADownResourceUpFirst() {
    String[] state = {null};
    RecordingCommandRunner r = script(argv -> {
      if (argv.get(0).equals("drbdsetup")) {
        return state[0] == null ? RecordingCommandRunner.fail(argv, 10, "home: No such resource") : RecordingCommandRunner.ok(argv, state[0]);
      }
      if (argv.equals(List.of("drbdadm", "up", "home"))) state[0] = SECONDARY;
      if (argv.equals(List.of("drbdadm", "primary", "home"))) state[0] = PRIMARY;
      return RecordingCommandRunner.ok(argv, "");
    });
    layer(r).start();
    List<String> adm = r.commandNames().stream().filter(c -> c.startsWith("drbdadm")).toList();
    assertEquals(List.of("drbdadm up home", "drbdadm primary home"), adm);
  }

  @Test
  void demotesAndGivesUpAfterThreeRefusals() {
    RecordingCommandRunner r = script(argv -> argv.get(0).equals("drbdsetup")
        ? RecordingCommandRunner.ok(argv, PRIMARY)
        : RecordingCommandRunner.fail(argv, 11, "State change failed: (-12) Device is held open by someone"));
    LayerException e = assertThrows(LayerException.class, () -> layer(r).stop());
    assertTrue(e.getMessage().contains("held open"), e.getMessage());
    assertEquals(3, r.commandNames().stream().filter(c -> c.equals("drbdadm secondary home")).count());
  }

  @Test
  void monitorReportsALostPrimaryRole() {
    RecordingCommandRunner r = script(argv -> RecordingCommandRunner.ok(argv, SECONDARY));
    assertFalse(layer(r).monitor().healthy());
  }

  /**
   * DRBD 8.4 (the VM lab's kernel): events2 is unknown, learnt once; then the state is the
   * minor's /proc/drbd line (seed 004's capture), with no drbdadm role/cstate/dstate processes.
   */
  @Test
  void drbd84StateComesFromProcDrbdAfterOneUnknownEvents2(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path proc = dir.resolve("drbd");
    java.nio.file.Files.writeString(proc, Captured.read("proc-drbd-8.4-seed004.txt"));
    RecordingCommandRunner r = script(argv -> switch (String.join(" ", argv)) {
      case "drbdsetup events2 --now home" -> RecordingCommandRunner.fail(argv, 20, "drbdsetup: Unknown command 'events2'");
      case "drbdadm sh-minor home" -> RecordingCommandRunner.ok(argv, "0\n");
      default -> RecordingCommandRunner.fail(argv, 1, "");
    });
    DrbdDriver d = new DrbdDriver(r, Duration.ofSeconds(1), proc);
    for (int i = 0; i < 3; i++) {
      assertEquals(new DrbdState("home", "Secondary", "Primary", "Connected", "UpToDate", "UpToDate"), d.state("home").orElseThrow());
    }
    assertEquals(List.of("drbdsetup events2 --now home", "drbdadm sh-minor home"), r.commandNames());
    // A minor that is not configured (no line in /proc/drbd) is a resource that is down.
    RecordingCommandRunner other = script(argv -> switch (String.join(" ", argv)) {
      case "drbdsetup events2 --now web" -> RecordingCommandRunner.fail(argv, 20, "drbdsetup: Unknown command 'events2'");
      case "drbdadm sh-minor web" -> RecordingCommandRunner.ok(argv, "3\n");
      default -> RecordingCommandRunner.fail(argv, 1, "");
    });
    assertTrue(new DrbdDriver(other, Duration.ofSeconds(1), proc).state("web").isEmpty());
  }

  @Test
  void fallsBackToDrbdadmWhenEvents2IsUnknown() {
    RecordingCommandRunner r = script(argv -> switch (String.join(" ", argv)) {
      case "drbdsetup events2 --now home" -> RecordingCommandRunner.fail(argv, 20, "drbdsetup: Unknown command 'events2'");
      case "drbdadm role home" -> RecordingCommandRunner.ok(argv, "Primary/Secondary\n");
      case "drbdadm cstate home" -> RecordingCommandRunner.ok(argv, "Connected\n");
      case "drbdadm dstate home" -> RecordingCommandRunner.ok(argv, "UpToDate/UpToDate\n");
      default -> RecordingCommandRunner.fail(argv, 1, "");
    });
    DrbdState s = new DrbdDriver(r, Duration.ofSeconds(1)).state("home").orElseThrow();
    assertEquals(new DrbdState("home", "Primary", "Secondary", "Connected", "UpToDate", "UpToDate"), s);
  }

  /** Primary, the link cut over a split brain DRBD did not resolve; it counts what this side wrote since. */
  static final String STANDALONE = PRIMARY.replace("connection:Connected role:Secondary", "connection:StandAlone role:Unknown")
      .replace("peer-disk:UpToDate", "peer-disk:DUnknown");

  /** What the leader reads of a DRBD copy (it once parsed this back from the detail text). */
  @Test
  void factsForTheLeaderComeFromDrbdsState() {
    String[] state = {PRIMARY};
    RecordingCommandRunner r = script(argv -> {
      if (argv.equals(List.of("drbdsetup", "events2", "--now", "--statistics", "home"))) {
        return RecordingCommandRunner.ok(argv, state[0].replace("out-of-sync:0", "out-of-sync:40960"));
      }
      if (argv.get(0).equals("drbdsetup")) return RecordingCommandRunner.ok(argv, state[0]);
      if (argv.equals(List.of("drbdadm", "sh-minor", "home"))) return RecordingCommandRunner.ok(argv, "0\n");
      if (argv.equals(List.of("dmesg"))) return RecordingCommandRunner.ok(argv, "[  12.0] drbd home nfs02: Split-Brain detected but unresolved, dropping connection!\n");
      return RecordingCommandRunner.fail(argv, 1, "unexpected");
    });
    DrbdLayer l = layer(r);
    assertEquals(new ReplicationFacts(ReplicationFacts.Kind.DRBD, true, true, -1, false, DiskState.UP_TO_DATE), l.probe().replication().orElseThrow(),
        "connected: the out-of-sync count is not asked");
    state[0] = PRIMARY.replace("peer-disk:UpToDate", "peer-disk:Inconsistent");
    assertFalse(l.monitor().replication().orElseThrow().peerInSync(), "connected, but the peer is still resyncing");
    state[0] = STANDALONE;
    Layer.Probe cut = l.monitor();
    assertEquals("drbd home StandAlone Primary/Unknown UpToDate/DUnknown oos:40960 split-brain", cut.detail(), "the detail, for people");
    assertEquals(new ReplicationFacts(ReplicationFacts.Kind.DRBD, false, false, 40960, true, DiskState.UP_TO_DATE), cut.replication().orElseThrow());
    state[0] = OUTDATED;
    assertEquals(DiskState.OUTDATED, l.probe().replication().orElseThrow().localDisk());
    state[0] = "";
    assertTrue(l.probe().replication().isEmpty(), "not configured: no facts");
  }
}
