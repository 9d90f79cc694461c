package io.hanfs.node.resource.filesystem;

import io.hanfs.config.HanfsConfig.Filesystem;
import io.hanfs.config.HanfsConfig.Fsck;
import io.hanfs.exec.CommandResult;
import io.hanfs.node.resource.DataHeldException;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** fsck and mount on promote; umount (killing holders if it is busy) on demote. */
public class FilesystemLayer implements Layer {
  private static final Logger log = LoggerFactory.getLogger(FilesystemLayer.class);
  private static final int UMOUNT_ATTEMPTS = 3;

  private final Filesystem fs;
  private final FilesystemDriver driver;

  public FilesystemLayer(Filesystem fs, FilesystemDriver driver) {
    this.fs = fs;
    this.driver = driver;
  }

  @Override
  public String name() {
    return "filesystem";
  }

  @Override
  public Probe probe() {
    Optional<MountInfo> m = driver.mountAt(fs.mountpoint());
    if (m.isEmpty()) return Probe.down(fs.mountpoint() + " not mounted");
    if (!isOurDevice(m.get())) {
      return Probe.failed(fs.mountpoint() + " has " + m.get().source() + " mounted, not " + fs.device());
    }
    return Probe.up(fs.device() + " on " + fs.mountpoint() + " (" + m.get().fstype() + (m.get().readWrite() ? ", rw)" : ", ro)"));
  }

  private boolean isOurDevice(MountInfo m) {
    Optional<int[]> dev = FilesystemDriver.deviceNumber(fs.device());
    return dev.isPresent() && dev.get()[0] == m.majorDev() && dev.get()[1] == m.minorDev();
  }

  @Override
  public void start() {
    Optional<MountInfo> at = driver.mountAt(fs.mountpoint());
    if (at.isPresent()) {
      if (isOurDevice(at.get())) return;
      throw new LayerException(fs.mountpoint() + " already has " + at.get().source() + " mounted; refusing to mount over it");
    }
    if (FilesystemDriver.deviceNumber(fs.device()).isEmpty()) {
      throw new LayerException("device " + fs.device() + " is missing or not a block device");
    }
    if (!driver.mountsOf(fs.device()).isEmpty()) {
      throw new LayerException(fs.device() + " is already mounted elsewhere on this node: " + driver.mountsOf(fs.device()).get(0).mountPoint());
    }
    try {
      Files.createDirectories(fs.mountpoint());
    } catch (IOException e) {
      throw new LayerException("cannot create mountpoint " + fs.mountpoint() + ": " + e.getMessage(), e);
    }
    if (fs.fsck() == Fsck.AUTO) {
      try {
        driver.fsck(fs.device(), fs.fstype());
      } catch (IllegalStateException e) {
        throw new LayerException(e.getMessage(), e);
      }
      // DataHeldException (the device is in use elsewhere) passes through as it is.
    }
    CommandResult r = driver.mount(fs.device(), fs.mountpoint(), fs.fstype(), fs.mountOptions());
    if (!r.ok() && fs.fstype().equals("xfs") && fs.xfsRepair()) {
      log.warn("mount of {} failed ({}); running xfs_repair as the policy allows", fs.device(), r.describe());
      CommandResult repair = driver.xfsRepair(fs.device());
      if (!repair.ok()) throw new LayerException("xfs_repair failed: " + repair.describe());
      r = driver.mount(fs.device(), fs.mountpoint(), fs.fstype(), fs.mountOptions());
    }
    if (FilesystemDriver.mountBusy(r)) throw new DataHeldException("mount of " + fs.device() + " refused, the device is busy (held elsewhere): " + r.describe());
    if (!r.ok()) throw new LayerException("mount failed: " + r.describe());
  }

  @Override
  public void stop() {
    for (int attempt = 1; attempt <= UMOUNT_ATTEMPTS; attempt++) {
      Optional<MountInfo> at = driver.mountAt(fs.mountpoint());
      if (at.isEmpty()) return;
      // Someone else's filesystem on the mountpoint is not ours to unmount (or to fuser -k).
      if (!isOurDevice(at.get())) {
        boolean oursBelow = driver.mountsOf(fs.device()).stream().anyMatch(m -> m.mountPoint().equals(fs.mountpoint().toString()));
        if (oursBelow) throw new LayerException(fs.device() + " is mounted on " + fs.mountpoint() + " below " + at.get().source() + "; unmount that first");
        log.warn("{} has {} mounted, not {}: left alone", fs.mountpoint(), at.get().source(), fs.device());
        return;
      }
      CommandResult r = driver.umount(fs.mountpoint());
      if (r.ok()) return;
      log.warn("umount {} failed (attempt {}): {}", fs.mountpoint(), attempt, r.describe());
      if (driver.isMountPoint(fs.mountpoint())) {
        CommandResult killed = driver.killHolders(fs.mountpoint());
        log.warn("killed the processes holding {} with fuser -k: {}", fs.mountpoint(), (killed.stdout() + " " + killed.stderr()).strip());
      }
    }
    if (driver.mountAt(fs.mountpoint()).filter(this::isOurDevice).isPresent()) {
      throw new LayerException("cannot unmount " + fs.mountpoint() + " after " + UMOUNT_ATTEMPTS + " attempts (holders killed)");
    }
  }

  @Override
  public Probe monitor() {
    Probe p = probe();
    if (!p.active()) return Probe.failed(p.detail());
    // ext4 with errors=remount-ro turns read-only on an I/O or metadata error.
    if (driver.mountAt(fs.mountpoint()).map(m -> !m.readWrite()).orElse(false)) {
      return Probe.failed(fs.mountpoint() + " became read-only");
    }
    return p;
  }
}
