package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.replication.HastDriver;
import java.nio.file.Path;

/**
 * Seed 002's manual HAST split-brain procedure, automated. Victim: {@code role primary} while
 * hastd keeps the split-brained peer disconnected (the /dev/hast/RES provider exists only on a
 * primary), save what changed since the split from a read-only mount, then {@code role init},
 * {@code create} (fresh metadata: the copy takes the peer's data in full) and {@code role
 * secondary}. Survivor: nothing to run: a HAST primary reconnects to its secondary by itself.
 */
public class HastSplitBrainRecovery extends RescueFirstRecovery {
  private final HastDriver hast;

  public HastSplitBrainRecovery(Resource resource, HastDriver hast, FilesystemDriver fs, Path stateDir) {
    super(resource, fs, stateDir);
    this.hast = hast;
  }

  @Override
  void refuseWithoutSplitBrain() {
    // hastd drops a split-brained peer and reports it through its exec hook; there is no state
    // that says "connected and consistent" on the victim to check against.
  }

  @Override
  void openForReading() throws java.io.IOException {
    SplitBrainRecovery.check(hast.role("primary", toolResource()), "become primary (disconnected) to read the victim's data");
  }

  @Override
  void closeUnchanged() throws java.io.IOException {
    SplitBrainRecovery.check(hast.role("secondary", toolResource()), "go secondary again after the failed rescue copy");
  }

  @Override
  void discardAndRejoin() throws java.io.IOException {
    SplitBrainRecovery.check(hast.role("init", toolResource()), "set role init before re-creating the metadata");
    SplitBrainRecovery.check(hast.create(toolResource()), "re-create the local metadata (discarding this node's changes)");
    SplitBrainRecovery.check(hast.role("secondary", toolResource()), "become secondary and resync from the peer");
  }

  @Override
  public void reconnect() {
    // hastd's primary retries the connection to its secondary on its own (every "timeout").
  }
}
