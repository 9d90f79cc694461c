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
    Ledger ledger,
    Tls tls,
    Optional<Watchdog> watchdog,
    Optional<Alerts> alerts,
    List<Resource> resources) {

  /**
   * Alert hooks, as Pacemaker's alert agents and keepalived's notify scripts: a script run with
   * the event as JSON on stdin and in its environment, and/or a webhook POSTed the same JSON. At
   * least one is set. Each hook keeps up to {@code queue} events waiting (the oldest dropped when
   * full), delivers one at a time in order, and retries a failed attempt {@code retries} more
   * times, {@link #MIN_BACKOFF} doubling up to {@link #MAX_BACKOFF} apart.
   */
  public record Alerts(Optional<Path> script, Optional<java.net.URI> webhook, Duration timeout, int retries, int queue) {
    public static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_RETRIES = 8;
    public static final int DEFAULT_QUEUE = 1000;
  }

  /**
   * Self-fencing, the SBD way: a watchdog device ({@code /dev/watchdog}: softdog or hardware)
   * that the daemon arms while this node holds a shared-disk resource and feeds only while every
   * active resource's lease leaves more than {@code timeout}: a frozen or hung node resets before
   * the voters may grant the lease to another node. {@code timeout} is whole seconds.
   */
  public record Watchdog(Path device, Duration timeout) {
    /** What feeding may be late by (a GC pause between the check and the write), taken from the lease margin. */
    public static final Duration FEED_SLACK = Duration.ofMillis(200);

    /** The longest timeout the lease allows: a steady renewal leaves at least duration - 2 renew intervals. */
    public static Duration longestFor(Lease lease) {
      return lease.duration().minus(lease.renewInterval().multipliedBy(2)).plus(lease.margin()).minus(FEED_SLACK);
    }
  }

  /**
   * What is legal but dangerous in this config, for {@code hanfs validate} and the daemon's log.
   */
  public List<String> warnings() {
    List<String> out = new java.util.ArrayList<>();
    if (watchdog.isEmpty()) {
      for (Resource r : resources) {
        if (r.replication().shared() && r.replication().fencing() != Fencing.SCSI_RESERVATION) {
          out.add("resource " + r.name() + " is on a shared disk without hanfs.watchdog: another node mounts it only after the old holder "
              + "confirmed its demotion, so a frozen or vanished holder stalls the failover until it comes back; configure "
              + "watchdog { device = \"/dev/watchdog\", timeout = 5s } (softdog or a hardware watchdog) or, on a LUN with SCSI-3 "
              + "persistent reservations, replication { type = shared, fencing = scsi-reservation }");
        }
      }
    }
    for (Resource r : resources) {
      for (Export e : r.nfs().exports()) {
        boolean everyone = e.clients().stream().anyMatch(c -> c.equals("*") || c.equals("0.0.0.0/0") || c.equals("::/0"));
        if (everyone && !e.readOnly() && e.options().contains("rw") && e.options().contains("no_root_squash")) {
          out.add("resource " + r.name() + " exports " + e.path() + " read-write with no_root_squash to every host: root on any machine that "
              + "reaches the floating IP is root on the data; name the client networks, or drop no_root_squash");
        }
      }
    }
    if (nodes.size() > 1 && nodes.stream().anyMatch(n -> n.address().startsWith("127."))) {
      out.add("hanfs.nodes has loopback addresses in a cluster of " + nodes.size() + " nodes: the other machines cannot reach them "
          + "(fine for a lab on one host only); give each node the address its peers reach it at");
    }
    if (lease.margin().compareTo(lease.duration()) >= 0) {
      out.add("hanfs.lease.margin (" + lease.margin().toMillis() + " ms) is not below lease.duration (" + lease.duration().toMillis()
          + " ms): a failover waits out more than a whole extra lease; a margin covers clock drift and pauses, a few hundred ms");
    }
    return out;
  }

  /**
   * Mutual TLS on the cluster transport (on by default): this node's private key and certificate,
   * and the cluster's own CA, which signed every node's certificate ({@code hanfs certs}). A
   * certificate names its node's configured address; peers are accepted only with such a one.
   */
  public record Tls(boolean enabled, Path keyFile, Path certFile, Path caFile) {
    public static final Path DIR = Path.of("/etc/hanfs/tls");
    public static final Tls DEFAULT = new Tls(true, DIR.resolve("node.key"), DIR.resolve("node.crt"), DIR.resolve("ca.crt"));
  }

  /**
   * Where the data nodes' ledgers are journaled: an embedded H2 file under the state directory
   * ({@code h2}, the default) or a PostgreSQL database ({@code postgresql}: url, user and a file
   * holding the password, so the password is not in the config everyone can read).
   */
  public record Ledger(LedgerStoreKind store, Optional<String> url, Optional<String> user, Optional<Path> passwordFile) {
    public static final Ledger H2 = new Ledger(LedgerStoreKind.H2, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public enum LedgerStoreKind { H2, POSTGRESQL }

  /** How a replicated resource guards against a stale peer (DRBD's fencing setting). */
  public enum Fencing {
    /** No fence-peer handler: a peer that cannot be asked may hold newer data. */
    NONE,
    /** DRBD calls {@code hanfs fence-peer} before the primary writes on without its peer. */
    RESOURCE_ONLY,
    /**
     * A shared disk with SCSI-3 persistent reservations (sg_persist): the promoted node registers
     * its key, takes a Write Exclusive, Registrants Only reservation and preempts every other key,
     * so the LUN refuses writes from a node that was active before (frozen, cut off) as fence_scsi does.
     */
    SCSI_RESERVATION
  }

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

  /**
   * The management endpoint. {@code hostname} is an address or name, or {@link #NODE_ADDRESS}:
   * this node's configured address (one shared config for every node). HTTPS uses the node's
   * certificate from hanfs.tls; with client certificates required, every connection must present
   * a certificate signed by the cluster's CA.
   */
  public record Management(String hostname, int port, boolean https, boolean clientCertificates) {
    public static final String NODE_ADDRESS = "node-address";
    public static final Management DEFAULT = new Management("127.0.0.1", 7626, false, false);

    /** The address this node binds and its clients dial. */
    public String host(Node self) {
      return hostname.equals(NODE_ADDRESS) ? self.address() : hostname;
    }

    /** The base URL of this node's endpoint, e.g. https://10.0.0.1:7626. */
    public String url(Node self) {
      return (https ? "https://" : "http://") + IpLiteral.hostPort(host(self), port);
    }
  }

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

  public enum ReplicationType { SHARED, DRBD, HAST }

  /**
   * @param replicatedResource the DRBD or HAST resource name (empty for a shared disk)
   * @param fencing whether a fence-peer handler guards the replication
   * @param splitBrainPolicy a DRBD after-split-brain policy name (see SplitBrainVerdict.Policy)
   */
  public record Replication(ReplicationType type, Optional<String> replicatedResource, Fencing fencing, String splitBrainPolicy) {
    public boolean shared() {
      return type == ReplicationType.SHARED;
    }
  }

  public enum Fsck { AUTO, OFF }

  public record Filesystem(
      Path device, Path mountpoint, String fstype, Fsck fsck, List<String> mountOptions, boolean xfsRepair) {}

  public enum NfsServer { GANESHA, KERNEL }

  /**
   * @param v4Minors the NFSv4 minor versions served (0, 1, 2; sorted): without 0 every client
   *     sends RECLAIM_COMPLETE after a move, so grace can always end on reclaim
   */
  public record Nfs(NfsServer server, Path stateDir, Duration grace, Duration lease, List<Export> exports, List<Integer> v4Minors) {
    public static final List<Integer> ALL_V4_MINORS = List.of(0, 1, 2);
  }

  /** One export; {@code fsid} stays fixed so file handles survive a move to another node. */
  public record Export(Path path, List<String> clients, List<String> options, int fsid) {
    /** As exports(5): read-only unless the options say rw (validate refuses rw with ro). */
    public boolean readOnly() {
      return !options.contains("rw");
    }

    /** As exports(5): clients must use a port below 1024 unless the options say insecure. */
    public boolean secure() {
      return !options.contains("insecure");
    }
  }

  /** @param clientReconnect record the clients' connections and wake them after a move (tickle ACKs, resets) */
  public record FloatingIp(String address, int prefixLength, String interfaceName, int gratuitousArp, boolean clientReconnect) {
    public FloatingIp(String address, int prefixLength, String interfaceName, int gratuitousArp) {
      this(address, prefixLength, interfaceName, gratuitousArp, true);
    }

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
