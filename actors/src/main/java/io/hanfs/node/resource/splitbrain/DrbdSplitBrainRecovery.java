package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.replication.DrbdDriver;
import io.hanfs.node.resource.replication.DrbdState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The DRBD side of resolving a data split brain (what seeds 002 and 003 do by hand). On the
 * victim: become Primary while still disconnected (DRBD refuses to open a Secondary; forced, as
 * the copy may be Outdated), save what
 * changed since the split to a rescue directory from a read-only mount, go Secondary, reconnect
 * discarding its data. On the survivor: reconnect. Each step is a real drbdadm call.
 */
public class DrbdSplitBrainRecovery extends RescueFirstRecovery {
  private final DrbdDriver drbd;

  public DrbdSplitBrainRecovery(Resource resource, DrbdDriver drbd, FilesystemDriver fs, Path stateDir) {
    super(resource, fs, stateDir);
    this.drbd = drbd;
  }

  @Override
  void refuseWithoutSplitBrain() throws IOException {
    // Connected means DRBD compared both sides' generations and found no split brain: discarding
    // would throw away writes of a copy the peer holds anyway (and go Primary beside a primary).
    Optional<DrbdState> now = drbd.state(toolResource());
    if (now.isPresent() && now.get().connected()) {
      throw new IOException("DRBD " + toolResource() + " is Connected: DRBD sees no split brain here; nothing was discarded");
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
    // A survivor that is still trying to connect (WFConnection) will take the victim's connect.
    Optional<DrbdState> now = drbd.state(toolResource());
    if (now.isPresent() && !now.get().standAlone()) return;
    SplitBrainRecovery.check(drbd.connect(toolResource()), "reconnect to the peer");
  }

  private boolean standAlone() {
    return drbd.state(toolResource()).map(DrbdState::standAlone).orElse(false);
  }
}
