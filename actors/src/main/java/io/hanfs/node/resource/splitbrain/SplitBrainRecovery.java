package io.hanfs.node.resource.splitbrain;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.exec.CommandResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * How one node takes part in resolving a data split brain of its replicated storage: the victim
 * saves what it changed since the split, then rejoins taking the survivor's data; the survivor
 * lets it. One implementation per replication tool (DRBD, HAST).
 */
public interface SplitBrainRecovery {
  /** Victim: save changes since {@code sinceMillis} to a new rescue directory, then rejoin discarding local data. Returns the directory. */
  Path discard(long sinceMillis, String generation) throws IOException;

  /** Survivor: let the victim resync from here. */
  void reconnect() throws IOException;

  /** state-dir/rescue/RESOURCE-GENERATION-TIME: a new directory per resolution. */
  static Path rescueDir(Path stateDir, Resource resource, String generation) {
    return stateDir.resolve("rescue").resolve(resource.name() + "-" + generation + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  static void check(CommandResult r, String what) throws IOException {
    if (!r.ok()) throw new IOException("cannot " + what + ": " + String.join(" ", r.argv()) + " exited " + r.exitCode() + ": " + r.stderr().strip());
  }
}
