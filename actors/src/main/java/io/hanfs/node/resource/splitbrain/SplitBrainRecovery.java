package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.exec.CommandResult;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.replication.DrbdDriver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The DRBD side of resolving a data split brain (what seeds 002 and 003 do by hand). On the
 * victim: become Primary while still disconnected (DRBD refuses to open a Secondary), save what
 * changed since the split to a rescue directory from a read-only mount, go Secondary, reconnect
 * discarding its data. On the survivor: reconnect. Each step is a real drbdadm call.
 */
public class SplitBrainRecovery {
  private final Resource resource;
  private final DrbdDriver drbd;
  private final RescueCopy rescue;
  private final Path stateDir;

  public SplitBrainRecovery(Resource resource, DrbdDriver drbd, FilesystemDriver fs, Path stateDir) {
    this.resource = resource;
    this.drbd = drbd;
    this.rescue = new RescueCopy(fs);
    this.stateDir = stateDir;
  }

  private String drbdResource() {
    return resource.replication().drbdResource().orElseThrow();
  }

  /** Victim: save changes since {@code sinceMillis}, then rejoin discarding local data. Returns the rescue directory. */
  public Path discard(long sinceMillis, String generation) throws IOException {
    Path dir = stateDir.resolve("rescue").resolve(resource.name() + "-" + generation + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    check(drbd.primary(drbdResource()), "become Primary (disconnected) to read the victim's data");
    RescueCopy.Result saved;
    try {
      saved = rescue.save(resource.filesystem().device(), resource.filesystem().fstype(), sinceMillis,
          stateDir.resolve("rescue-mnt").resolve(resource.name()), dir);
    } finally {
      check(drbd.secondary(drbdResource()), "go Secondary again");
    }
    check(drbd.connectDiscardingMyData(drbdResource()), "reconnect discarding this node's data");
    return saved.rescueDir();
  }

  /** Survivor: reconnect so the victim resyncs from here. */
  public void reconnect() throws IOException {
    check(drbd.connect(drbdResource()), "reconnect to the peer");
  }

  private static void check(CommandResult r, String what) throws IOException {
    if (!r.ok()) throw new IOException("cannot " + what + ": " + String.join(" ", r.argv()) + " exited " + r.exitCode() + ": " + r.stderr().strip());
  }
}
