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

  /** Free space a rescue copy leaves on the state directory's filesystem (the ledger, the epochs). */
  static final long RESERVE = 32L << 20;
  private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
      java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

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
      List<Path> files = new java.util.ArrayList<>();
      long[] bytes = {0};
      Files.walkFileTree(mountpoint, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
          if (a.isRegularFile() && a.lastModifiedTime().toMillis() >= sinceMillis) {
            files.add(file);
            bytes[0] += a.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          throw new IOException("cannot read " + file + " on the victim: " + e.getMessage(), e);
        }
      });
      // Users' files, readable by root only; the rescue root is beside the ledger, which must keep room.
      Path root = rescueDir.getParent();
      ownerOnlyDirectories(root);
      long usable = Files.getFileStore(root).getUsableSpace();
      if (bytes[0] + RESERVE > usable) {
        throw new IOException("the rescue copy needs " + (bytes[0] >> 20) + " MiB and " + root + " has " + (usable >> 20)
            + " MiB free, " + (RESERVE >> 20) + " MiB of which stay for the ledger; nothing was copied or discarded: free space there, "
            + "or copy the victim's files by hand and resolve again");
      }
      ownerOnlyDirectories(rescueDir);
      for (Path file : files) {
        Path to = rescueDir.resolve(mountpoint.relativize(file).toString());
        ownerOnlyDirectories(to.getParent());
        Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      }
      return new Result(rescueDir, files.size(), bytes[0]);
    } finally {
      CommandResult u = fs.umount(mountpoint);
      if (!u.ok()) throw new IOException("rescued, but cannot unmount " + mountpoint + ": " + u.stderr().strip());
    }
  }

  /** Creates what is missing of {@code dir} as directories only root can enter. */
  private static void ownerOnlyDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    if (dir.getParent() != null) ownerOnlyDirectories(dir.getParent());
    Files.createDirectory(dir, OWNER_ONLY);
  }
}
