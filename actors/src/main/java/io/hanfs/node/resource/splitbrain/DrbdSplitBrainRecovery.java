package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.replication.DrbdDriver;
import io.hanfs.node.resource.replication.DrbdState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The DRBD side of resolving a data split brain (what seeds 002 and 003 do by hand). On the
 * victim: become Primary while still disconnected (DRBD refuses to open a Secondary; forced, as
 * the copy may be Outdated), save what
 * changed since the split to a rescue directory from a read-only mount, go Secondary, reconnect
 * discarding its data. On the survivor: reconnect. Each step is a real drbdadm call.
 */
public class DrbdSplitBrainRecovery extends RescueFirstRecovery {
  /**
   * DRBD's connection states between a connect and its outcome. DRBD 8.4 runs the split-brain
   * handler in WFReportParams and drops the connection (StandAlone) only when the handler
   * returns; hanfs's handler reaches the leader, which starts resolving at once, so a step can
   * arrive while its own node's handshake, or the peer's, is still open (the VM lab saw both: a
   * victim refused as "Connected", a survivor left StandAlone because it looked connecting).
   * DRBD 9's Connecting is also its waiting state, so it counts as settled.
   */
  static final Set<String> IN_HANDSHAKE = Set.of("Unconnected", "Timeout", "BrokenPipe", "NetworkFailure", "ProtocolError",
      "TearDown", "Disconnecting", "WFReportParams", "WFBitMapS", "WFBitMapT", "WFSyncUUID");

  private final DrbdDriver drbd;
  private final Duration settlePoll;

  public DrbdSplitBrainRecovery(Resource resource, DrbdDriver drbd, FilesystemDriver fs, Path stateDir) {
    this(resource, drbd, fs, stateDir, Duration.ofMillis(500));
  }

  DrbdSplitBrainRecovery(Resource resource, DrbdDriver drbd, FilesystemDriver fs, Path stateDir, Duration settlePoll) {
    super(resource, fs, stateDir);
    this.drbd = drbd;
    this.settlePoll = settlePoll;
  }

  /**
   * The state once no handshake is open, waiting at most the resource's operation timeout
   * (after that the state as it is: the step then fails or goes on on its own merits).
   */
  Optional<DrbdState> settledState() throws IOException {
    long deadline = System.nanoTime() + resource.operationTimeout().toNanos();
    while (true) {
      Optional<DrbdState> now = drbd.state(toolResource());
      if (now.isEmpty() || !IN_HANDSHAKE.contains(now.get().connection()) || System.nanoTime() > deadline) return now;
      try {
        Thread.sleep(settlePoll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while DRBD " + toolResource() + " was " + now.get().connection());
      }
    }
  }

  @Override
  void refuseWithoutSplitBrain() throws IOException {
    // Connected means DRBD compared both sides' generations and found no split brain: discarding
    // would throw away writes of a copy the peer holds anyway (and go Primary beside a primary).
    Optional<DrbdState> now = settledState();
    if (now.isPresent() && now.get().connected()) {
      throw new IOException("DRBD " + toolResource() + " is Connected (" + now.get().role() + "/" + now.get().peerRole() + " " + now.get().disk() + "/"
          + now.get().peerDisk() + "): DRBD sees no split brain here; nothing was discarded");
    }
  }

  @Override
  void openForReading() throws IOException {
    // StandAlone first: a victim still connecting (WFConnection) would reach the survivor while
    // Primary and DRBD would find a second, unresolved split brain (seen in the VM lab).
    stopConnecting();
    // --force: the victim's copy is often Outdated (fenced off by the survivor), which DRBD
    // never promotes otherwise; it is disconnected and its data is discarded right after.
    SplitBrainRecovery.check(drbd.primaryForced(toolResource()), "become Primary (disconnected) to read the victim's data");
  }

  /**
   * StandAlone, so that nothing connects until the discarding connect. DRBD 8.4 refuses a
   * disconnect of a resource that is StandAlone already ("(162) Invalid configuration
   * request"), which is what the side that detected the split brain is.
   */
  private void stopConnecting() throws IOException {
    if (standAlone()) return;
    io.hanfs.exec.CommandResult r = drbd.disconnect(toolResource());
    if (!r.ok() && !standAlone()) SplitBrainRecovery.check(r, "stop connecting before discarding");
  }

  @Override
  void closeUnchanged() throws IOException {
    SplitBrainRecovery.check(drbd.secondary(toolResource()), "go Secondary again");
  }

  @Override
  void discardAndRejoin() throws IOException {
    closeUnchanged();
    // A resource still connecting refuses a new connect with "(102) Local address(port) already
    // in use": StandAlone first (it already is after openForReading), then the discarding connect.
    stopConnecting();
    SplitBrainRecovery.check(drbd.connectDiscardingMyData(toolResource()), "reconnect discarding this node's data");
  }

  @Override
  public void reconnect() throws IOException {
    // A survivor that is still trying to connect (WFConnection) will take the victim's connect;
    // one whose split-brain handler still runs goes StandAlone when it returns, so wait for that.
    Optional<DrbdState> now = settledState();
    if (now.isPresent() && !now.get().standAlone()) return;
    SplitBrainRecovery.check(drbd.connect(toolResource()), "reconnect to the peer");
  }

  private boolean standAlone() {
    return drbd.state(toolResource()).map(DrbdState::standAlone).orElse(false);
  }
}
