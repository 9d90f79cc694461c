package io.hanfs.node.resource.splitbrain;

import io.hanfs.exec.CommandResult;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Saves a split-brain victim's changes before they are discarded: mounts the victim's device
 * read-only at a private mount point, copies every regular file modified at or after the split
 * into a rescue directory (same relative paths, times kept), unmounts. Symbolic links are not
 * followed, so a link on the victim cannot make it copy from elsewhere. No acknowledged write is
 * lost for good: what the resync overwrites is in the rescue directory.
 */
public final class RescueCopy {
  public record Result(Path rescueDir, int files, long bytes) {}

  private final FilesystemDriver fs;

  public RescueCopy(FilesystemDriver fs) {
    this.fs = fs;
  }

  /**
   * @param sinceMillis the split: files modified at or after it are copied (0 copies everything)
   * @param rescueDir a new directory (refused if it exists, so nothing is mixed or overwritten)
   */
  public Result save(Path device, String fstype, long sinceMillis, Path mountpoint, Path rescueDir) throws IOException {
    if (Files.exists(rescueDir)) throw new IOException("rescue directory " + rescueDir + " exists already; nothing was copied");
    if (fs.isMountPoint(mountpoint)) throw new IOException(mountpoint + " is mounted already; nothing was copied");
    Files.createDirectories(mountpoint);
    // ext4: noload, so a read-only mount does not replay the journal onto the device it saves from.
    List<String> options = fstype.equals("ext4") ? List.of("ro", "noload") : List.of("ro", "norecovery");
    CommandResult mounted = fs.mount(device, mountpoint, fstype, options);
    if (!mounted.ok()) throw new IOException("cannot mount " + device + " read-only: " + mounted.stderr().strip());
    try {
      Files.createDirectories(rescueDir);
      long[] totals = {0, 0};
      Files.walkFileTree(mountpoint, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
          if (a.isRegularFile() && a.lastModifiedTime().toMillis() >= sinceMillis) {
            Path to = rescueDir.resolve(mountpoint.relativize(file).toString());
            Files.createDirectories(to.getParent());
            Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            totals[0]++;
            totals[1] += a.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          throw new IOException("cannot read " + file + " on the victim: " + e.getMessage(), e);
        }
      });
      return new Result(rescueDir, (int) totals[0], totals[1]);
    } finally {
      CommandResult u = fs.umount(mountpoint);
      if (!u.ok()) throw new IOException("rescued, but cannot unmount " + mountpoint + ": " + u.stderr().strip());
    }
  }
}
