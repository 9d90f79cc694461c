package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.replication.HastDriver;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Seed 002's manual HAST split-brain procedure, automated. Victim: {@code role primary} while
 * hastd keeps the split-brained peer disconnected (the /dev/hast/RES provider exists only on a
 * primary), save what changed since the split from a read-only mount, then {@code role init},
 * {@code create} (fresh metadata: the copy takes the peer's data in full) and {@code role
 * secondary}. Survivor: nothing to run: a HAST primary reconnects to its secondary by itself.
 */
public class HastSplitBrainRecovery implements SplitBrainRecovery {
  private final Resource resource;
  private final HastDriver hast;
  private final RescueCopy rescue;
  private final Path stateDir;

  public HastSplitBrainRecovery(Resource resource, HastDriver hast, FilesystemDriver fs, Path stateDir) {
    this.resource = resource;
    this.hast = hast;
    this.rescue = new RescueCopy(fs);
    this.stateDir = stateDir;
  }

  private String hastResource() {
    return resource.replication().replicatedResource().orElseThrow();
  }

  @Override
  public Path discard(long sinceMillis, String generation) throws IOException {
    Path dir = SplitBrainRecovery.rescueDir(stateDir, resource, generation);
    SplitBrainRecovery.check(hast.role("primary", hastResource()), "become primary (disconnected) to read the victim's data");
    RescueCopy.Result saved;
    try {
      saved = rescue.save(resource.filesystem().device(), resource.filesystem().fstype(), sinceMillis,
          stateDir.resolve("rescue-mnt").resolve(resource.name()), dir);
    } catch (IOException e) {
      // Nothing saved: leave the copy as it was (secondary, metadata untouched) for an operator.
      SplitBrainRecovery.check(hast.role("secondary", hastResource()), "go secondary again after the failed rescue copy");
      throw e;
    }
    SplitBrainRecovery.check(hast.role("init", hastResource()), "set role init before re-creating the metadata");
    SplitBrainRecovery.check(hast.create(hastResource()), "re-create the local metadata (discarding this node's changes)");
    SplitBrainRecovery.check(hast.role("secondary", hastResource()), "become secondary and resync from the peer");
    return saved.rescueDir();
  }

  @Override
  public void reconnect() {
    // hastd's primary retries the connection to its secondary on its own (every "timeout").
  }
}
