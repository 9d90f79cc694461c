package io.hanfs.node.resource.replication;

import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.watchdog.WatchdogDevice;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A shared disk (one LUN seen by every data node, mounted only by the active one): there is no
 * replication role to switch, so this layer checks that the device is there and reports it as
 * active from its start until its stop, or while this node has it mounted (so a restarted daemon
 * adopts it). Exclusivity comes from the leader and the lease; with a watchdog configured, the
 * layer arms it before it claims the disk (a frozen holder then resets before another node may
 * mount); with SCSI reservations (fencing = scsi-reservation), the LUN itself refuses writes from
 * every node but the one that claimed it last.
 */
public class SharedDiskLayer implements Layer {
  private final Path device;
  private final FilesystemDriver fs;
  private final Optional<WatchdogDevice> watchdog;
  private final Optional<ScsiReservation> reservation;
  private volatile boolean claimed;

  public SharedDiskLayer(Path device, FilesystemDriver fs) {
    this(device, fs, Optional.empty(), Optional.empty());
  }

  public SharedDiskLayer(Path device, FilesystemDriver fs, Optional<WatchdogDevice> watchdog, Optional<ScsiReservation> reservation) {
    this.device = device;
    this.fs = fs;
    this.watchdog = watchdog;
    this.reservation = reservation;
  }

  /** Claimed by a start, or mounted here (a restarted daemon's adoption), until a stop. */
  public boolean inUse() {
    return claimed;
  }

  @Override
  public String name() {
    return "replication";
  }

  @Override
  public Probe probe() {
    if (FilesystemDriver.deviceNumber(device).isEmpty()) return Probe.failed("shared device " + device + " is missing");
    if (!fs.mountsOf(device).isEmpty()) claimed = true;
    return !claimed && fs.mountsOf(device).isEmpty()
        ? Probe.down("shared device " + device + " (not in use here)")
        : Probe.up("shared device " + device + " (in use here)");
  }

  @Override
  public void start() {
    if (FilesystemDriver.deviceNumber(device).isEmpty()) {
      throw new LayerException("shared device " + device + " is missing or not a block device");
    }
    // Claimed first, so that the feeder never disarms between this arming and the mount; start()
    // runs only under a lease just granted: the first feed has the whole lease ahead.
    claimed = true;
    if (watchdog.isPresent()) {
      try {
        if (!watchdog.get().armAndFeed()) throw new LayerException("the daemon is stopping: no shared disk is claimed now");
      } catch (java.io.IOException | LayerException e) {
        claimed = false;
        throw e instanceof LayerException l ? l
            : new LayerException("cannot arm the watchdog " + watchdog.get().config().device() + ": " + e.getMessage(), e);
      }
    }
    // Before the filesystem layer's fsck and mount: from here on the old holder cannot write.
    reservation.ifPresent(ScsiReservation::take);
  }

  @Override
  public void stop() {
    // Releasing the disk is the filesystem layer's umount, done before; then this node's key goes
    // (a failure, logged with the command, does not fail the demotion: the next holder preempts it).
    claimed = false;
    reservation.ifPresent(ScsiReservation::release);
  }

  @Override
  public Probe monitor() {
    if (FilesystemDriver.deviceNumber(device).isEmpty()) return Probe.failed("shared device " + device + " disappeared");
    Optional<String> lost = reservation.flatMap(ScsiReservation::check);
    return lost.isPresent() ? Probe.failed(lost.get()) : Probe.up("shared device " + device + reservation.map(r -> ", reserved with key " + ScsiReservation.hex(r.key())).orElse(""));
  }
}
