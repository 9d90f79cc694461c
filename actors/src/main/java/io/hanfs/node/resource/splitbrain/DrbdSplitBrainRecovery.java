package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.replication.DrbdDriver;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The DRBD side of resolving a data split brain (what seeds 002 and 003 do by hand). On the
 * victim: become Primary while still disconnected (DRBD refuses to open a Secondary), save what
 * changed since the split to a rescue directory from a read-only mount, go Secondary, reconnect
 * discarding its data. On the survivor: reconnect. Each step is a real drbdadm call.
 */
public class DrbdSplitBrainRecovery implements SplitBrainRecovery {
  private final Resource resource;
  private final DrbdDriver drbd;
  private final RescueCopy rescue;
  private final Path stateDir;

  public DrbdSplitBrainRecovery(Resource resource, DrbdDriver drbd, FilesystemDriver fs, Path stateDir) {
    this.resource = resource;
    this.drbd = drbd;
    this.rescue = new RescueCopy(fs);
    this.stateDir = stateDir;
  }

  private String replicatedResource() {
    return resource.replication().replicatedResource().orElseThrow();
  }

  @Override
  public Path discard(long sinceMillis, String generation) throws IOException {
    // Connected means DRBD compared both sides' generations and found no split brain: discarding
    // would throw away writes of a copy the peer holds anyway (and go Primary beside a primary).
    java.util.Optional<io.hanfs.node.resource.replication.DrbdState> now = drbd.state(replicatedResource());
    if (now.isPresent() && now.get().connected()) {
      throw new IOException("DRBD " + replicatedResource() + " is Connected: DRBD sees no split brain here; nothing was discarded");
    }
    Path dir = SplitBrainRecovery.rescueDir(stateDir, resource, generation);
    SplitBrainRecovery.check(drbd.primary(replicatedResource()), "become Primary (disconnected) to read the victim's data");
    RescueCopy.Result saved;
    try {
      saved = rescue.save(resource.filesystem().device(), resource.filesystem().fstype(), sinceMillis,
          stateDir.resolve("rescue-mnt").resolve(resource.name()), dir);
    } finally {
      SplitBrainRecovery.check(drbd.secondary(replicatedResource()), "go Secondary again");
    }
    SplitBrainRecovery.check(drbd.connectDiscardingMyData(replicatedResource()), "reconnect discarding this node's data");
    return saved.rescueDir();
  }

  @Override
  public void reconnect() throws IOException {
    SplitBrainRecovery.check(drbd.connect(replicatedResource()), "reconnect to the peer");
  }

}
