package io.hanfs.node.resource.filesystem;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.resource.DataHeldException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** mount, umount, fsck, fuser and mountpoint for one block device and its mount point. */
public class FilesystemDriver {
  private final CommandRunner runner;
  private final Duration timeout;
  private final Path mountInfo;

  public FilesystemDriver(CommandRunner runner, Duration timeout) {
    this(runner, timeout, Path.of("/proc/self/mountinfo"));
  }

  /** Reading the mount table from {@code mountInfo} (tests; other layers that ask what is mounted). */
  public FilesystemDriver(CommandRunner runner, Duration timeout, Path mountInfo) {
    this.runner = runner;
    this.timeout = timeout;
    this.mountInfo = mountInfo;
  }

  public List<MountInfo> mounts() {
    try {
      return MountInfo.parse(Files.readString(mountInfo));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + mountInfo + ": " + e.getMessage(), e);
    }
  }

  /** The mount of {@code mountpoint}, if any (the last one wins when mounts are stacked). */
  public Optional<MountInfo> mountAt(Path mountpoint) {
    Optional<MountInfo> found = Optional.empty();
    for (MountInfo m : mounts()) if (m.mountPoint().equals(mountpoint.toString())) found = Optional.of(m);
    return found;
  }

  /** Every mount of the block device, found by its device number, not its name. */
  public List<MountInfo> mountsOf(Path device) {
    Optional<int[]> dev = deviceNumber(device);
    List<MountInfo> out = new ArrayList<>();
    if (dev.isEmpty()) return out;
    for (MountInfo m : mounts()) {
      if (m.majorDev() == dev.get()[0] && m.minorDev() == dev.get()[1]) out.add(m);
    }
    return out;
  }

  /** The major and minor number of a block device, or empty when it is missing or not a device. */
  public static Optional<int[]> deviceNumber(Path device) {
    try {
      if (!Files.exists(device)) return Optional.empty();
      Object rdev = Files.getAttribute(device, "unix:rdev");
      long r = ((Number) rdev).longValue();
      if (r == 0) return Optional.empty();
      // Linux new_decode_dev: major in bits 8-19, minor in bits 0-7 and 20-31.
      int major = (int) ((r & 0xfff00) >> 8);
      int minor = (int) ((r & 0xff) | ((r >> 12) & 0xfff00));
      return Optional.of(new int[] {major, minor});
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * fsck for the filesystem type: ext4 gets {@code e2fsck -p} (exit 0-2 mean clean or repaired);
   * xfs replays its log at mount, so there is nothing to run before mounting. A device that
   * another holder still has open or mounted is refused with {@link DataHeldException}: that
   * needs the holder to let go, not a repair.
   */
  public CommandResult fsck(Path device, String fstype) {
    if (!fstype.startsWith("ext")) return new CommandResult(List.of("true"), 0, "", "", false, Duration.ZERO);
    CommandResult r = runner.run(List.of("e2fsck", "-p", device.toString()), timeout);
    if (!r.timedOut() && r.exitCode() >= 0 && r.exitCode() <= 2) {
      return r;
    }
    if (inUse(r)) {
      throw new DataHeldException("fsck of " + device + " refused: the device is in use elsewhere (another node or program "
          + "has it open or mounted); waiting for the holder to release it: " + r.describe());
    }
    throw new IllegalStateException("fsck of " + device + " failed, it needs a manual repair: " + r.describe());
  }

  /** e2fsck's words for a device opened exclusively or mounted by someone else (exit 8). */
  static boolean inUse(CommandResult r) {
    String out = r.stdout() + "\n" + r.stderr();
    return r.exitCode() == 8 && (out.contains(" is in use.") || out.contains(" is mounted.")
        || out.contains("Device or resource busy") || out.contains("opened exclusively by another program"));
  }

  /** mount(8)'s words for a device that is busy (exit 32). */
  public static boolean mountBusy(CommandResult r) {
    String out = r.stdout() + "\n" + r.stderr();
    return !r.ok() && (out.contains("already mounted") || out.contains("Device or resource busy"));
  }

  public CommandResult xfsRepair(Path device) {
    return runner.run(List.of("xfs_repair", device.toString()), timeout);
  }

  public CommandResult mount(Path device, Path mountpoint, String fstype, List<String> options) {
    List<String> argv = new ArrayList<>(List.of("mount", "-t", fstype));
    if (!options.isEmpty()) {
      argv.add("-o");
      argv.add(String.join(",", options));
    }
    argv.add(device.toString());
    argv.add(mountpoint.toString());
    return runner.run(argv, timeout);
  }

  public CommandResult umount(Path mountpoint) {
    return runner.run(List.of("umount", mountpoint.toString()), timeout);
  }

  /** True only when {@code path} is a mount point (util-linux mountpoint -q exits 0). */
  public boolean isMountPoint(Path path) {
    return runner.run(List.of("mountpoint", "-q", path.toString()), timeout).ok();
  }

  /**
   * Kills the processes that hold files on the mount. Only ever called after {@link
   * #isMountPoint} said yes: fuser -m on a plain directory means the root filesystem, i.e.
   * every process on the machine. -M makes fuser itself refuse a non-mount point as well.
   */
  public CommandResult killHolders(Path mountpoint) {
    if (!isMountPoint(mountpoint)) {
      throw new IllegalStateException(mountpoint + " is not a mount point; refusing to run fuser -k on it");
    }
    return runner.run(List.of("fuser", "-k", "-M", "-m", mountpoint.toString()), timeout);
  }
}
