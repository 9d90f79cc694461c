package io.hanfs.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The whole cluster's config, the same file on every node. Immutable and validated. */
public record HanfsConfig(
    String clusterName,
    Optional<String> localNode,
    Path stateDir,
    List<Node> nodes,
    Management management,
    int remotingPort,
    Lease lease,
    List<Resource> resources) {

  /**
   * The active role's majority lease: the holder renews every {@code duration / 8}; voters grant
   * another holder only {@code margin} after the old grant expired on their own clock. A daemon
   * stopped on purpose gets {@code restartGrace} to come back and adopt the running stack.
   */
  public record Lease(java.time.Duration duration, java.time.Duration margin, java.time.Duration restartGrace) {
    public java.time.Duration renewInterval() {
      return duration.dividedBy(8);
    }
  }

  /** Data nodes and the witness vote on leases. */
  public List<Node> voters() {
    return nodes;
  }

  public enum Role { DATA, WITNESS }

  public record Node(String name, String address, Set<Role> roles) {
    public boolean isData() {
      return roles.contains(Role.DATA);
    }
  }

  public record Management(String hostname, int port) {}

  public record Resource(
      String name,
      Replication replication,
      Filesystem filesystem,
      Nfs nfs,
      FloatingIp floatingIp,
      Optional<String> preferredNode,
      boolean failback,
      int migrationThreshold,
      Duration failureTimeout,
      Duration monitorInterval,
      Duration operationTimeout) {}

  public enum ReplicationType { SHARED, DRBD }

  /** {@code drbdResource} is set for DRBD only. */
  public record Replication(ReplicationType type, Optional<String> drbdResource) {}

  public enum Fsck { AUTO, OFF }

  public record Filesystem(
      Path device, Path mountpoint, String fstype, Fsck fsck, List<String> mountOptions, boolean xfsRepair) {}

  public enum NfsServer { GANESHA, KERNEL }

  public record Nfs(NfsServer server, Path stateDir, Duration grace, Duration lease, List<Export> exports) {}

  /** One export; {@code fsid} stays fixed so file handles survive a move to another node. */
  public record Export(Path path, List<String> clients, List<String> options, int fsid) {
    public boolean readOnly() {
      return options.contains("ro");
    }
  }

  public record FloatingIp(String address, int prefixLength, String interfaceName, int gratuitousArp) {
    public String cidr() {
      return address + "/" + prefixLength;
    }
  }

  public Optional<Node> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  public Optional<Resource> resource(String name) {
    return resources.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
