package io.hanfs.node.resource.splitbrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.replication.DrbdDriver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The DRBD victim's rejoin against DRBD 8.4's answers (the drbdadm fallback the VM lab's 8.4
 * kernel uses; drbd and drbdadm cannot run on this host, so a scripted runner answers). The side
 * that detected the split brain is StandAlone, where 8.4 refuses a disconnect with "(162)
 * Invalid configuration request" (seen in the VM lab, where it failed every retry); the other
 * side is still connecting and must stop first, or DRBD refuses the connect with "(102)".
 */
class DrbdSplitBrainRecoveryTest {
  static final Duration T = Duration.ofSeconds(5);

  static RecordingCommandRunner drbd84(String[] cstate) {
    return new RecordingCommandRunner(argv -> switch (String.join(" ", argv)) {
      case "drbdsetup events2 --now r0" -> RecordingCommandRunner.fail(argv, 20, "drbdsetup: Unknown command 'events2'");
      case "drbdadm role r0" -> RecordingCommandRunner.ok(argv, "Secondary/Unknown\n");
      case "drbdadm cstate r0" -> RecordingCommandRunner.ok(argv, cstate[0] + "\n");
      case "drbdadm dstate r0" -> RecordingCommandRunner.ok(argv, "UpToDate/DUnknown\n");
      case "drbdadm secondary r0", "drbdadm connect --discard-my-data r0" -> RecordingCommandRunner.ok(argv, "");
      case "drbdadm disconnect r0" -> {
        if (cstate[0].equals("StandAlone")) yield RecordingCommandRunner.fail(argv, 10, "??: Failure: (162) Invalid configuration request");
        cstate[0] = "StandAlone";
        yield RecordingCommandRunner.ok(argv, "");
      }
      default -> RecordingCommandRunner.fail(argv, 1, "unexpected");
    });
  }

  static DrbdSplitBrainRecovery recovery(RecordingCommandRunner r) {
    HanfsConfig.Resource res = new HanfsConfig.Resource("home",
        new HanfsConfig.Replication(HanfsConfig.ReplicationType.DRBD, Optional.of("r0"), HanfsConfig.Fencing.NONE, "disconnect"),
        new HanfsConfig.Filesystem(Path.of("/dev/drbd0"), Path.of("/srv/nfs/home"), "ext4", HanfsConfig.Fsck.AUTO, List.of(), false),
        null, null, Optional.empty(), false, 3, Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(60));
    return new DrbdSplitBrainRecovery(res, new DrbdDriver(r, T), new FilesystemDriver(r, T), Path.of("/nonexistent"));
  }

  /**
   * DRBD 8.4 in the middle of a handshake: its split-brain handler runs in WFReportParams (as
   * long as hanfs's hook takes: 15-27 s in the VM lab) and the connection drops only after it.
   * Each cstate query takes the next state; the last one stays.
   */
  static RecordingCommandRunner handshake(java.util.Deque<String> states) {
    return new RecordingCommandRunner(argv -> switch (String.join(" ", argv)) {
      case "drbdsetup events2 --now r0" -> RecordingCommandRunner.fail(argv, 20, "drbdsetup: Unknown command 'events2'");
      case "drbdadm role r0" -> RecordingCommandRunner.ok(argv, "Secondary/Unknown\n");
      case "drbdadm cstate r0" -> RecordingCommandRunner.ok(argv, (states.size() > 1 ? states.poll() : states.peek()) + "\n");
      case "drbdadm dstate r0" -> RecordingCommandRunner.ok(argv, "UpToDate/DUnknown\n");
      case "drbdadm connect r0" -> RecordingCommandRunner.ok(argv, "");
      default -> RecordingCommandRunner.fail(argv, 1, "unexpected");
    });
  }

  static DrbdSplitBrainRecovery polling(RecordingCommandRunner r) {
    DrbdSplitBrainRecovery base = recovery(r);
    return new DrbdSplitBrainRecovery(base.resource, new DrbdDriver(r, T), new FilesystemDriver(r, T), Path.of("/nonexistent"), Duration.ofMillis(10));
  }

  /** The survivor's handler still runs: it waits for StandAlone, then connects (before, it took WFReportParams for connecting and stayed StandAlone). */
  @Test
  void aSurvivorInTheMiddleOfItsHandshakeConnectsOnceItIsStandAlone() throws IOException {
    RecordingCommandRunner r = handshake(new java.util.ArrayDeque<>(List.of("WFReportParams", "WFReportParams", "Disconnecting", "StandAlone")));
    polling(r).reconnect();
    assertEquals(List.of("drbdadm connect r0"), adm(r));
    assertEquals(4, r.commandNames().stream().filter(c -> c.equals("drbdadm cstate r0")).count());
  }

  @Test
  void aSurvivorWaitingForItsPeerIsLeftToTakeTheVictimsConnect() throws IOException {
    RecordingCommandRunner r = handshake(new java.util.ArrayDeque<>(List.of("WFReportParams", "WFConnection")));
    polling(r).reconnect();
    assertEquals(List.of(), adm(r));
  }

  /** The victim's check waits out the handshake too: its outcome, not its middle, says whether there is a split brain. */
  @Test
  void theVictimsCheckJudgesTheHandshakesOutcome() throws IOException {
    polling(handshake(new java.util.ArrayDeque<>(List.of("WFReportParams", "StandAlone")))).refuseWithoutSplitBrain();
    IOException e = assertThrows(IOException.class,
        () -> polling(handshake(new java.util.ArrayDeque<>(List.of("WFReportParams", "WFBitMapT", "Connected")))).refuseWithoutSplitBrain());
    assertTrue(e.getMessage().contains("is Connected") && e.getMessage().contains("nothing was discarded"), e.getMessage());
  }

  static List<String> adm(RecordingCommandRunner r) {
    return r.commandNames().stream().filter(c -> c.startsWith("drbdadm") && !c.matches("drbdadm (role|cstate|dstate|sh-minor) r0")).toList();
  }

  @Test
  void aStandAloneVictimConnectsWithoutADisconnect() throws IOException {
    RecordingCommandRunner r = drbd84(new String[] {"StandAlone"});
    recovery(r).discardAndRejoin();
    assertEquals(List.of("drbdadm secondary r0", "drbdadm connect --discard-my-data r0"), adm(r));
  }

  @Test
  void aVictimStillConnectingStopsFirst() throws IOException {
    RecordingCommandRunner r = drbd84(new String[] {"WFConnection"});
    recovery(r).discardAndRejoin();
    assertEquals(List.of("drbdadm secondary r0", "drbdadm disconnect r0", "drbdadm connect --discard-my-data r0"), adm(r));
  }

  /** The victim is StandAlone before it becomes Primary: connecting while Primary is a second split brain. */
  @Test
  void aVictimStillConnectingStopsBeforeItOpensItsCopy() throws IOException {
    String[] cstate = {"WFConnection"};
    RecordingCommandRunner base = drbd84(cstate);
    RecordingCommandRunner r = new RecordingCommandRunner(argv -> {
      if (String.join(" ", argv).equals("drbdadm primary --force r0")) {
        if (!cstate[0].equals("StandAlone")) return RecordingCommandRunner.fail(argv, 99, "Primary while connecting");
        return RecordingCommandRunner.ok(argv, "");
      }
      return base.run(argv, T);
    });
    recovery(r).openForReading();
    assertEquals(List.of("drbdadm disconnect r0", "drbdadm primary --force r0"), adm(r));
  }

  @Test
  void aDisconnectThatFailsAndLeavesItConnectingStopsTheRecovery() {
    RecordingCommandRunner r = new RecordingCommandRunner(argv -> switch (String.join(" ", argv)) {
      case "drbdsetup events2 --now r0" -> RecordingCommandRunner.fail(argv, 20, "drbdsetup: Unknown command 'events2'");
      case "drbdadm role r0" -> RecordingCommandRunner.ok(argv, "Secondary/Unknown\n");
      case "drbdadm cstate r0" -> RecordingCommandRunner.ok(argv, "WFConnection\n");
      case "drbdadm dstate r0" -> RecordingCommandRunner.ok(argv, "UpToDate/DUnknown\n");
      case "drbdadm secondary r0" -> RecordingCommandRunner.ok(argv, "");
      default -> RecordingCommandRunner.fail(argv, 10, "??: Failure: (999) something else");
    });
    IOException e = assertThrows(IOException.class, () -> recovery(r).discardAndRejoin());
    assertEquals(List.of("drbdadm secondary r0", "drbdadm disconnect r0"), adm(r), e.getMessage());
  }
}
