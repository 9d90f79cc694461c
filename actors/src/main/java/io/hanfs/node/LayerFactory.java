package io.hanfs.node;

import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.filesystem.FilesystemLayer;
import io.hanfs.node.resource.floatingip.FloatingIpLayer;
import io.hanfs.node.resource.floatingip.IpDriver;
import io.hanfs.node.resource.nfs.GaneshaLayer;
import io.hanfs.node.resource.nfs.KernelNfsLayer;
import io.hanfs.node.resource.replication.DrbdDriver;
import io.hanfs.node.resource.replication.DrbdLayer;
import io.hanfs.node.resource.replication.ScsiReservation;
import io.hanfs.node.resource.replication.SharedDiskLayer;
import io.hanfs.node.resource.replication.HastDriver;
import io.hanfs.node.resource.replication.HastLayer;
import io.hanfs.node.resource.splitbrain.DrbdSplitBrainRecovery;
import io.hanfs.node.resource.splitbrain.HastSplitBrainRecovery;
import io.hanfs.node.resource.splitbrain.SplitBrainRecovery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import io.hanfs.node.resource.lease.LeaseView;
import io.hanfs.node.watchdog.WatchdogDevice;

/** Builds the four real layers of a resource from its config. */
public final class LayerFactory {
  private final CommandRunner runner;
  private final Path stateDir;
  private final Path ganeshaBinary;
  private final Optional<WatchdogDevice> watchdog;
  private final java.util.OptionalLong reservationKey;
  private io.hanfs.node.resource.floatingip.ClientConnectionBook clientBook = io.hanfs.node.resource.floatingip.ClientConnectionBook.NONE;

  public LayerFactory(CommandRunner runner, Path stateDir, Path ganeshaBinary) {
    this(runner, stateDir, ganeshaBinary, Optional.empty(), java.util.OptionalLong.empty());
  }

  /** {@code reservationKey}: this node's SCSI reservation key, for shared disks with fencing = scsi-reservation. */
  public LayerFactory(CommandRunner runner, Path stateDir, Path ganeshaBinary, Optional<WatchdogDevice> watchdog, java.util.OptionalLong reservationKey) {
    this.runner = runner;
    this.stateDir = stateDir;
    this.ganeshaBinary = ganeshaBinary;
    this.watchdog = watchdog;
    this.reservationKey = reservationKey;
  }

  /** Where the floating IP layers record their clients' connections (the cluster's replicated data in the daemon). */
  public LayerFactory withClientBook(io.hanfs.node.resource.floatingip.ClientConnectionBook book) {
    this.clientBook = book;
    return this;
  }

  /** The node's watchdog, one device for every shared-disk layer and the feeder. */
  public Optional<WatchdogDevice> watchdog() {
    return watchdog;
  }

  /** Per-node files of a resource (generated configs, pid files, logs): never on the replicated disk. */
  public Path runDir(Resource r) {
    return stateDir.resolve("run").resolve(r.name());
  }

  /**
   * A resource's layers, what to run after each lease renewal (the VIP's kernel lifetime), and how
   * to resolve a data split brain (replicated storage only).
   */
  public record Stack(Map<String, Layer> layers, Runnable onLeaseRenewed, Optional<SplitBrainRecovery> splitBrain) {
    public Stack(Map<String, Layer> layers, Runnable onLeaseRenewed) {
      this(layers, onLeaseRenewed, Optional.empty());
    }
  }

  public Stack stack(Resource r, LeaseView lease) {
    Duration cmd = r.operationTimeout().dividedBy(2);
    FloatingIpLayer vip = new FloatingIpLayer(r.floatingIp(), new IpDriver(runner, cmd), Optional.of(lease));
    if (r.floatingIp().clientReconnect()) {
      vip.withClientReconnect(new io.hanfs.node.resource.floatingip.ClientReconnect(r.name(), 2049, clientBook, runner, cmd));
    }
    Map<String, Layer> layers = new java.util.HashMap<>(layers(r));
    layers.put("floating-ip", vip);
    FilesystemDriver fs = new FilesystemDriver(runner, cmd);
    Optional<SplitBrainRecovery> recovery = switch (r.replication().type()) {
      case SHARED -> Optional.empty();
      case DRBD -> Optional.of(new DrbdSplitBrainRecovery(r, new DrbdDriver(runner, cmd), fs, stateDir));
      case HAST -> Optional.of(new HastSplitBrainRecovery(r, new HastDriver(runner, cmd), fs, stateDir));
    };
    return new Stack(Map.copyOf(layers), vip::renewLifetime, recovery);
  }

  public Map<String, Layer> layers(Resource r) {
    // Single commands get a share of the operation timeout; the layer as a whole gets all of it.
    Duration cmd = r.operationTimeout().dividedBy(2);
    FilesystemDriver fs = new FilesystemDriver(runner, cmd);
    Layer replication = switch (r.replication().type()) {
      case SHARED -> new SharedDiskLayer(r.filesystem().device(), fs, watchdog, reservation(r, cmd));
      case DRBD -> new DrbdLayer(r.replication().replicatedResource().orElseThrow(), new DrbdDriver(runner, cmd), Duration.ofMillis(500));
      case HAST -> new HastLayer(r.replication().replicatedResource().orElseThrow(), new HastDriver(runner, cmd));
    };
    Layer nfs = switch (r.nfs().server()) {
      case GANESHA -> new GaneshaLayer(r, runDir(r), ganeshaBinary, cmd);
      case KERNEL -> new KernelNfsLayer(r, runner, cmd, runDir(r));
    };
    return Map.of(
        "replication", replication,
        "filesystem", new FilesystemLayer(r.filesystem(), fs),
        "nfs", nfs,
        "floating-ip", new FloatingIpLayer(r.floatingIp(), new IpDriver(runner, cmd), Optional.empty()));
  }

  private Optional<ScsiReservation> reservation(Resource r, Duration cmd) {
    if (r.replication().fencing() != HanfsConfig.Fencing.SCSI_RESERVATION) return Optional.empty();
    // Without a node (fence-local from a config without HANFS_NODE) the layer can still release.
    return Optional.of(new ScsiReservation(r.filesystem().device(), reservationKey.orElse(ScsiReservation.NO_KEY), runner, cmd));
  }

  public static LayerFactory forConfig(HanfsConfig config, CommandRunner runner) {
    return forConfig(config, config.localNode().orElse(""), runner);
  }

  public static LayerFactory forConfig(HanfsConfig config, String nodeName, CommandRunner runner) {
    java.util.OptionalLong key = java.util.OptionalLong.empty();
    for (int i = 0; i < config.nodes().size(); i++) {
      if (config.nodes().get(i).name().equals(nodeName)) key = java.util.OptionalLong.of(ScsiReservation.keyOf(i));
    }
    return new LayerFactory(runner, config.stateDir(), Path.of("/usr/bin/ganesha.nfsd"),
        config.watchdog().map(w -> new WatchdogDevice(w, runner)), key);
  }
}
