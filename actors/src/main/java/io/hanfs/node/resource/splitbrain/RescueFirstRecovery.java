package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The victim's side shared by every replication tool: make the local copy readable while the
 * peer stays disconnected, save what changed since the split from a read-only mount, and only
 * then let the tool discard the copy and rejoin. Nothing is discarded when the rescue copy fails.
 */
abstract class RescueFirstRecovery implements SplitBrainRecovery {
  final Resource resource;
  private final RescueCopy rescue;
  private final Path stateDir;

  RescueFirstRecovery(Resource resource, FilesystemDriver fs, Path stateDir) {
    this.resource = resource;
    this.rescue = new RescueCopy(fs);
    this.stateDir = stateDir;
  }

  String toolResource() {
    return resource.replication().replicatedResource().orElseThrow();
  }

  /** Throws when the tool shows no split brain here (then nothing may be discarded). */
  abstract void refuseWithoutSplitBrain() throws IOException;

  /** Makes the device readable (the tool's primary role, the peer still disconnected). */
  abstract void openForReading() throws IOException;

  /** Undoes {@link #openForReading()} after a failed rescue copy, leaving the copy as it was. */
  abstract void closeUnchanged() throws IOException;

  /** Discards this copy's changes and rejoins the peer, which resyncs it. */
  abstract void discardAndRejoin() throws IOException;

  @Override
  public final Path discard(long sinceMillis, String generation) throws IOException {
    refuseWithoutSplitBrain();
    Path dir = SplitBrainRecovery.rescueDir(stateDir, resource, generation);
    openForReading();
    RescueCopy.Result saved;
    try {
      saved = rescue.save(resource.filesystem().device(), resource.filesystem().fstype(), sinceMillis,
          stateDir.resolve("rescue-mnt").resolve(resource.name()), dir);
    } catch (IOException e) {
      closeUnchanged();
      throw e;
    }
    discardAndRejoin();
    return saved.rescueDir();
  }
}
