package io.hanfs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * hanfs on the VM lab: DRBD r0 between d1 and d2 (protocol C, fence-peer / after-resync-target /
 * split-brain handlers pointing at hanfs), ext4 on it with the initial sync skipped, the hanfs
 * config and daemons on both data guests and the witness (on the host, {@link VmWitness}), the
 * kernel NFS client on the client guest c writing fsync'd records through the floating IP, and a sampler that checks at every sample that at most one node is
 * DRBD Primary and at most one holds the VIP.
 */
final class VmCluster {
  static final String VIP = VmLab.NET + ".100";
  static final String EXPORT = "/srv/nfs/home/export";
  static final String MOUNT = "/mnt/home";
  static final List<String> DATA = List.of("d1", "d2");
  static final Duration T = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  final VmLab lab;
  final VmWitness witness;
  /** One sample of a data node: when, DRBD role, whether it holds the VIP. */
  record Sample(long millis, String node, String role, boolean vip) {}

  final List<Sample> samples = new CopyOnWriteArrayList<>();
  private volatile boolean sampling;
  private Thread sampler;

  VmCluster(VmLab lab) {
    this.lab = lab;
    this.witness = new VmWitness(lab.dir);
    lab.onHost.add(witness);
  }

  /** The shared disk of a {@link VmLab} made with one, as the data guests see it: the client guest's iSCSI LUN. */
  static final String SHARED_DEVICE = "/dev/sda";
  static final String TARGET_IQN = "iqn.2026-12.io.hanfs.lab:shared";

  /**
   * The watchdog's timeout on a shared disk: the shared lab's lease (16 s, margin 3 s) allows up
   * to 14.8 s. Emulated CPUs on a busy host stall a guest for seconds: with the 10 s lease and a
   * 6 s watchdog, a node starved during the cold start was reset before the scenario began.
   */
  static final int WATCHDOG_SECONDS = 14;

  static String other(String node) {
    return node.equals("d1") ? "d2" : "d1";
  }

  VmLab.Guest g(String name) {
    return lab.guest(name);
  }

  static String drbdConfig() {
    return """
        global { usage-count no; }
        resource r0 {
          protocol C;
          # A dedicated replication link: resync (and verify) at link speed, not DRBD 8.4's 250 KiB/s default.
          disk { fencing resource-only; c-plan-ahead 0; resync-rate 100M; }
          handlers {
            fence-peer "/usr/bin/hanfs fence-peer";
            after-resync-target "/usr/bin/hanfs unfence-peer";
            split-brain "/usr/bin/hanfs split-brain";
          }
          net { verify-alg sha256; after-sb-0pri disconnect; after-sb-1pri disconnect; after-sb-2pri disconnect; }
          device /dev/drbd0;
          disk /dev/vdd;
          meta-disk internal;
          on d1 { address %1$s.11:7789; }
          on d2 { address %1$s.12:7789; }
        }
        """.formatted(VmLab.NET);
  }

  String hanfsConfig(String node) {
    return hanfsConfig(node, lab.sharedDisk, "/var/lib/hanfs", "");
  }

  /**
   * The lab's config for {@code node}: its state directory, and {@code tls} (a tls { } block, or
   * empty for the default paths under /etc/hanfs/tls that the guests have).
   */
  static String hanfsConfig(String node, boolean shared, String stateDir, String tls) {
    String replication = shared
        ? "replication { type = shared, fencing = scsi-reservation }\n            filesystem { device = \"" + SHARED_DEVICE + "\", mountpoint = \"/srv/nfs/home\", fstype = ext4 }"
        : "replication { type = drbd, resource = r0, fencing = resource-only, split-brain-policy = discard-younger-primary }\n"
            + "            filesystem { device = \"/dev/drbd0\", mountpoint = \"/srv/nfs/home\", fstype = ext4 }";
    // softdog, loaded before the daemons start: a frozen daemon's node resets before the lease may go elsewhere.
    String watchdog = shared ? "watchdog { device = \"/dev/watchdog\", timeout = " + WATCHDOG_SECONDS + "s }" : "";
    return """
        # Emulated CPUs (TCG, three guests on two host cores) stall for seconds: longer failure
        # detection and leases than on real machines, set the way an operator would.
        # A first TLS handshake of a JVM on an emulated CPU takes longer than Artery's 20 s:
        # cut off, it starts over and never ends.
        pekko.remote.artery.advanced.handshake-timeout = 60s
        pekko.cluster {
          failure-detector.acceptable-heartbeat-pause = 15s
          split-brain-resolver.stable-after = 20s
        }
        hanfs {
          cluster-name = vmlab
          node = %2$s
          state-dir = "%9$s"
          %10$s
          lease { %7$s }
          %5$s
          nodes = [ { name = d1, address = "%1$s.11", roles = [data] },
                    { name = d2, address = "%1$s.12", roles = [data] },
                    { name = w, address = "%8$s", roles = [witness] } ]
          resources = [ {
            name = home
            %6$s
            nfs {
              server = kernel
              state-dir = "/srv/nfs/home/.nfs-state"
              grace = 10s
              lease = 10s
              exports = [ { path = "%3$s", clients = "%1$s.0/24", options = "rw,sync,no_root_squash", fsid = 1 } ]
            }
            floating-ip { address = "%4$s/24", interface = lab0, gratuitous-arp = 2 }
            preferred-node = d1
            # The default: each monitor round starts processes, seconds of an emulated CPU.
            monitor-interval = 5s
            operation-timeout = 60s
          } ]
        }
        """.formatted(VmLab.NET, node, EXPORT, VIP, watchdog, replication, shared ? "duration = 16s, margin = 3s" : "duration = 10s, margin = 2s", VmWitness.ADDRESS,
            stateDir, tls);
  }

  /**
   * The lab's SAN: the client guest serves its disk (vdd) as an iSCSI LUN with the kernel's LIO target, which
   * emulates SPC-3 persistent reservations; each data guest logs in with its own initiator name
   * (the reservation keys are per initiator). Then ext4 made from d1, softdog on both data nodes.
   */
  void setUpSharedDisk() throws Exception {
    VmLab.Guest w = g(VmLab.CLIENT);
    String tpg = "/sys/kernel/config/target/iscsi/" + TARGET_IQN + "/tpgt_1";
    w.agent.writeFile("/run/iscsi-target", """
        set -e
        modprobe target_core_iblock
        modprobe iscsi_target_mod
        mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
        core=/sys/kernel/config/target/core/iblock_0/shared
        mkdir -p $core
        echo udev_path=/dev/vdd > $core/control
        echo 1 > $core/enable
        # Every change of the reservations writes LIO's APTPL file there (or fails with NOT READY).
        mkdir -p /var/target/pr
        echo hanfs-lab-shared > $core/wwn/vpd_unit_serial
        mkdir -p %1$s/lun/lun_0
        ln -s $core %1$s/lun/lun_0/shared
        mkdir %1$s/np/%2$s:3260
        echo 0 > %1$s/attrib/authentication
        echo 1 > %1$s/attrib/generate_node_acls
        echo 0 > %1$s/attrib/demo_mode_write_protect
        echo 1 > %1$s/enable
        """.formatted(tpg, w.address));
    w.agent.check(List.of("sh", "/run/iscsi-target"), Duration.ofMinutes(1));
    for (String n : DATA) {
      VmLab.Guest d = g(n);
      d.agent.writeFile("/etc/iscsi/initiatorname.iscsi", "InitiatorName=iqn.2026-12.io.hanfs.lab:" + n + "\n");
      // iscsid detached from the agent's pipes (the agent waits for them to close).
      d.agent.writeFile("/run/iscsi-login", """
          set -e
          modprobe iscsi_tcp
          modprobe sd_mod
          mkdir -p /run/lock/iscsi
          iscsid < /dev/null > /var/log/iscsid.log 2>&1
          iscsiadm -m discovery -t sendtargets -p %1$s
          iscsiadm -m node -T %2$s -p %1$s --login
          """.formatted(w.address, TARGET_IQN));
      d.agent.check(List.of("sh", "/run/iscsi-login"), Duration.ofMinutes(2));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!d.agent.exec(List.of("test", "-b", SHARED_DEVICE), Duration.ofSeconds(10)).ok()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(n + ": no " + SHARED_DEVICE + " after the iSCSI login: " + d.agent.exec(List.of("iscsiadm", "-m", "session", "-P", "3"), Duration.ofSeconds(20))
              + "\n" + d.agent.exec(List.of("dmesg"), Duration.ofSeconds(20)).out().lines().filter(l -> l.contains("scsi") || l.contains("sd ")).toList());
        }
        Thread.sleep(200);
      }
    }
    VmLab.Guest d1 = g("d1");
    d1.agent.check(List.of("mkfs.ext4", "-q", SHARED_DEVICE), Duration.ofMinutes(3));
    d1.check("mkdir", "-p", "/srv/nfs/home");
    d1.check("mount", SHARED_DEVICE, "/srv/nfs/home");
    d1.check("mkdir", "-p", EXPORT);
    d1.check("umount", "/srv/nfs/home");
    for (String n : DATA) g(n).check("modprobe", "softdog");
  }

  /** DRBD up and connected on both data nodes, ext4 made on d1 without an initial sync. */
  void setUpDrbd() throws Exception {
    for (String n : DATA) {
      g(n).check("mkdir", "-p", "/etc/drbd.d");
      g(n).agent.writeFile("/etc/drbd.conf", drbdConfig());
      g(n).check("drbdadm", "create-md", "--force", "r0");
      g(n).check("drbdadm", "up", "r0");
    }
    awaitDrbd("d1", "cs:Connected", Duration.ofSeconds(90));
    VmLab.Guest d1 = g("d1");
    d1.check("drbdadm", "--", "--clear-bitmap", "new-current-uuid", "r0");
    d1.check("drbdadm", "primary", "r0");
    d1.agent.check(List.of("mkfs.ext4", "-q", "/dev/drbd0"), Duration.ofMinutes(3));
    d1.check("mkdir", "-p", "/srv/nfs/home");
    d1.check("mount", "/dev/drbd0", "/srv/nfs/home");
    d1.check("mkdir", "-p", EXPORT);
    d1.check("umount", "/srv/nfs/home");
    d1.check("drbdadm", "secondary", "r0");
    awaitDrbd("d2", "ds:UpToDate/UpToDate", Duration.ofSeconds(60));
  }

  String drbd(String node) throws IOException {
    return g(node).agent.readFile("/proc/drbd");
  }

  /** Whether {@code node}'s kernel has the resource's filesystem mounted. */
  boolean mounted(String node) throws IOException {
    return g(node).agent.readFile("/proc/mounts").lines().anyMatch(l -> l.split(" ").length > 1 && l.split(" ")[1].equals("/srv/nfs/home"));
  }

  /**
   * Whether {@code node} has the floating IP, from its kernel's routing trie (a local address is a
   * "/32 host LOCAL" leaf): a file read, where `ip addr` is a process on an emulated CPU.
   */
  boolean hasVip(String node) throws IOException {
    return localAddress(g(node).agent.readFile("/proc/net/fib_trie"), VIP);
  }

  static boolean localAddress(String fibTrie, String address) {
    List<String> lines = fibTrie.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("|-- " + address)) continue;
      for (int j = i + 1; j < lines.size() && lines.get(j).strip().startsWith("/"); j++) {
        if (lines.get(j).strip().startsWith("/32 host LOCAL")) return true;
      }
    }
    return false;
  }

  void awaitDrbd(String node, String text, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = drbd(node);
      if (last.contains(text)) return;
      Thread.sleep(500);
    }
    throw new IllegalStateException(node + ": no " + text + " in /proc/drbd within " + max.toSeconds() + " s:\n" + last);
  }

  /** A rebooted data node as its boot would leave it: DRBD config back, resource up (it resyncs), daemon started. */
  void rejoin(String node) throws IOException {
    g(node).check("mkdir", "-p", "/etc/drbd.d", "/etc/hanfs");
    g(node).agent.writeFile("/etc/drbd.conf", drbdConfig());
    g(node).check("drbdadm", "up", "r0");
    g(node).agent.writeFile("/etc/hanfs/hanfs.conf", hanfsConfig(node));
    writeTls(node);
    startDaemon(node);
  }

  private java.nio.file.Path tls;

  /**
   * The node's TLS files at the config's default paths (/etc/hanfs/tls), made once per lab by
   * hanfs certs' code with a CA of this lab's own, kept on the host.
   */
  void writeTls(String node) throws IOException {
    try {
      tlsFiles();
      // Few guest calls: each costs about a second on an emulated CPU.
      g(node).check("install", "-d", "-m", "700", "/etc/hanfs/tls");
      for (String f : List.of("node.key", "node.crt", "ca.crt")) {
        g(node).agent.writeFile("/etc/hanfs/tls/" + f, java.nio.file.Files.readString(tls.resolve("nodes").resolve(node).resolve(f)));
      }
      g(node).check("chmod", "600", "/etc/hanfs/tls/node.key", "/etc/hanfs/tls/node.crt", "/etc/hanfs/tls/ca.crt");
    } catch (java.security.GeneralSecurityException | io.hanfs.config.InvalidConfigException e) {
      throw new IOException("cannot make the lab's TLS files: " + e.getMessage(), e);
    }
  }

  /** The lab's TLS files on the host: tls/nodes/NODE/{node.key,node.crt,ca.crt}. */
  private java.nio.file.Path tlsFiles() throws IOException, java.security.GeneralSecurityException, io.hanfs.config.InvalidConfigException {
    if (tls == null) {
      // In the lab's own directory, which goes with the lab (it held them in /var/tmp, for ever).
      java.nio.file.Path dir = java.nio.file.Files.createDirectories(lab.dir.resolve("tls"));
      io.hanfs.config.HanfsConfig c = io.hanfs.config.ConfigLoader.parse(hanfsConfig("d1"));
      io.hanfs.app.tls.Certs.issue(c, dir.resolve("ca"), c.nodes(), dir.resolve("nodes"), false, false, Duration.ofDays(2));
      tls = dir;
    }
    return tls;
  }

  /** The witness's daemon on the host, with the lab's config and its TLS files there. */
  void startWitness(boolean maintenance) throws IOException {
    try {
      java.nio.file.Path files = tlsFiles().resolve("nodes").resolve(VmWitness.NODE);
      String tlsBlock = "tls { key-file = \"%s\", cert-file = \"%s\", ca-file = \"%s\" }".formatted(
          files.resolve("node.key"), files.resolve("node.crt"), files.resolve("ca.crt"));
      witness.start(hanfsConfig(VmWitness.NODE, lab.sharedDisk, witness.stateDir().toString(), tlsBlock), maintenance);
    } catch (java.security.GeneralSecurityException | io.hanfs.config.InvalidConfigException e) {
      throw new IOException("cannot make the lab's TLS files: " + e.getMessage(), e);
    }
  }

  /**
   * Starts the daemons in maintenance mode (the flag file a daemon reads at start), waits until
   * every node stands by, then ends maintenance: two JVMs starting at once on emulated CPUs
   * starve each other for minutes, and nothing is promoted meanwhile.
   */
  void startDaemonsInMaintenance(Duration standingBy) throws Exception {
    for (String n : DATA) {
      g(n).check("mkdir", "-p", "/var/lib/hanfs/flags");
      g(n).agent.writeFile("/var/lib/hanfs/flags/maintenance", "on\n");
    }
    startDaemons(true);
    awaitStandingBy(standingBy);
    maintenance(false);
  }

  /** Writes every node's config and starts its daemon (as a service manager would, detached, logging to /var/log/hanfs.log). */
  void startDaemons() throws IOException {
    startDaemons(false);
  }

  private void startDaemons(boolean maintenance) throws IOException {
    // The witness first: the seed the data nodes join is up while their configs are written.
    startWitness(maintenance);
    for (String n : DATA) {
      VmLab.Guest guest = g(n);
      guest.check("mkdir", "-p", "/etc/hanfs");
      guest.agent.writeFile("/etc/hanfs/hanfs.conf", hanfsConfig(guest.name));
      writeTls(guest.name);
      startDaemon(guest.name);
    }
  }

  /**
   * Supervised as deploy/systemd/hanfs.service does it: an inittab respawn entry (busybox init is
   * PID 1) runs the daemon and starts it again whenever it exits; after an exit that is not a
   * clean stop (0, or 143 for SIGTERM) it first runs the local fence step, `hanfs fence-local`
   * (the unit's ExecStopPost), which takes the node's stack down without the cluster.
   */
  void startDaemon(String node) throws IOException {
    g(node).agent.writeFile("/etc/hanfs/hanfs-daemon", """
        #!/bin/sh
        # The lab's service unit; the pid file names the daemon's JVM (bin/hanfs execs it).
        # Every command with its time in the log: the timelines and the bench read them.
        # The collector's pauses in a file of their own: the test prints the long ones on failure.
        export JAVA_TOOL_OPTIONS="-Xlog:gc:file=/var/log/hanfs-gc.log:time,uptime"
        """ + "export HANFS_JAVA_OPTS=\"" + EMULATED_CPU_JAVA_OPTS + "\"\n" + """
        HANFS_CDS=on HANFS_DEBUG_LOGGERS=io.hanfs.exec /usr/bin/hanfs run >> /var/log/hanfs.log 2>&1 &
        pid=$!
        echo $pid > /run/hanfs.pid
        wait $pid
        rc=$?
        echo "hanfs-daemon: pid $pid exited with $rc" >> /var/log/hanfs.log
        if [ $rc -ne 0 ] && [ $rc -ne 143 ]; then
          /usr/bin/hanfs fence-local >> /var/log/hanfs.log 2>&1
          echo "hanfs-daemon: fence-local exited with $?" >> /var/log/hanfs.log
        fi
        exit $rc
        """);
    g(node).check("chmod", "755", "/etc/hanfs/hanfs-daemon");
    String inittab = g(node).check("cat", "/etc/inittab").out();
    if (!inittab.contains("hanfs-daemon")) g(node).agent.writeFile("/etc/inittab", inittab + "::respawn:/etc/hanfs/hanfs-daemon\n");
    g(node).check("kill", "-HUP", "1");
  }

  /**
   * The package's JVM options (deploy/hanfs) as an operator would adjust them for a machine some
   * hundred times slower than a real one, which the TCG guests are: the defaults trade CPU for
   * memory (a heap kept within 30 % of the live set, a 4 MB young generation, C1 at a tenfold
   * threshold). Here that meant a full collection of 1-2 s every 10-20 s and code interpreted ten
   * times longer (the TLS handshakes above all): cold starts that did not end in 8 minutes.
   */
  static final String EMULATED_CPU_JAVA_OPTS = "-Xms64m -Xmn16m -Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m"
      + " -XX:MaxMetaspaceSize=128m -XX:MaxDirectMemorySize=32m -Xss512k -XX:CICompilerCount=1 -XX:+ExitOnOutOfMemoryError"
      + " -Djdk.lang.Process.launchMechanism=VFORK";

  /** kill -9 of the daemon by its pid file (the process the guest's service start made). */
  void killDaemon(String node) throws IOException {
    String pid = g(node).check("cat", "/run/hanfs.pid").out().strip();
    if (!pid.matches("\\d{1,7}")) throw new IOException(node + ": pid file holds " + pid);
    g(node).check("kill", "-KILL", pid);
  }

  /** The leader's view, as the witness's management endpoint gives it ({@code via}: the witness, or a data guest). */
  Optional<JsonNode> cluster(String via) {
    try {
      if (via.equals(VmWitness.NODE)) {
        Http r = witness.http("GET", "/hanfs/cluster", Duration.ofSeconds(5));
        return r.ok() ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
      }
      GuestAgent.Result r = g(via).agent.exec(List.of("curl", "-sf", "-m", "5", "http://127.0.0.1:7626/hanfs/cluster"), Duration.ofSeconds(15));
      return r.ok() ? Optional.of(JSON.readTree(r.out())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The node the leader says serves home, once it is settled (no transition), seen from {@code via}. */
  Optional<String> active(String via) {
    return cluster(via).flatMap(c -> {
      for (JsonNode r : c.path("resources")) {
        if (!r.path("name").asText().equals("home")) continue;
        if (r.path("transition").isTextual() && !r.path("transition").asText().isEmpty()) return Optional.empty();
        String a = r.path("activeNode").asText("");
        return a.isEmpty() ? Optional.empty() : Optional.of(a);
      }
      return Optional.empty();
    });
  }

  /**
   * Waits until the leader sees all three nodes Up and reachable and home settled: each scenario
   * starts from a whole cluster (a guest that just booted or a respawned daemon takes minutes on
   * emulated CPUs).
   */
  /**
   * Every node a member and both data nodes standing by (probed, ledgers read), as the leader
   * sees it: the daemons' cold start, the heaviest phase on emulated CPUs, is over.
   */
  void awaitStandingBy(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> c = cluster(VmWitness.NODE);
      if (c.isPresent()) {
        long up = upMembers(c.get());
        JsonNode roles = JSON.createObjectNode();
        for (JsonNode r : c.get().path("resources")) if (r.path("name").asText().equals("home")) roles = r.path("roleByNode");
        last = up + " members up, roles " + roles;
        if (up == 3 && roles.path("d1").asText().equals("secondary") && roles.path("d2").asText().equals("secondary")) return;
      }
      Thread.sleep(2000);
    }
    throw new IllegalStateException("the cluster is not standing by within " + max.toSeconds() + " s (" + last + ")\n" + logs());
  }

  /** The members the leader sees up and reachable. */
  static long upMembers(JsonNode cluster) {
    long up = 0;
    for (JsonNode m : cluster.path("members")) if (m.path("status").asText().equalsIgnoreCase("up") && m.path("reachable").asBoolean()) up++;
    return up;
  }

  /** Maintenance mode for the whole cluster, through the witness's management endpoint (with its API token). */
  void maintenance(boolean on) throws IOException {
    Http r = witness.http("POST", "/hanfs/maintenance/" + (on ? "on" : "off"), Duration.ofSeconds(60));
    if (!r.ok()) throw new IOException("maintenance " + (on ? "on" : "off") + ": HTTP " + r.status() + " " + r.body());
  }

  String awaitWholeCluster(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> c = cluster(VmWitness.NODE);
      if (c.isPresent()) {
        long up = upMembers(c.get());
        List<String> seen = new ArrayList<>();
        for (JsonNode m : c.get().path("members")) {
          seen.add(m.path("node").asText(m.path("address").asText("?")) + " " + m.path("status").asText() + (m.path("reachable").asBoolean() ? "" : " unreachable"));
        }
        Optional<String> a = active(VmWitness.NODE);
        last = up + " members up " + seen + ", active " + a;
        if (up == 3 && a.isPresent()) return a.get();
      }
      Thread.sleep(2000);
    }
    throw new IllegalStateException("the cluster is not whole within " + max.toSeconds() + " s (" + last + ")\n" + logs());
  }

  /** The leader's word on a data node's copy of home ("may be promoted", "refused: ..."). */
  String dataOf(String node) {
    return cluster(VmWitness.NODE).map(c -> {
      for (JsonNode r : c.path("resources")) {
        if (r.path("name").asText().equals("home")) return r.path("dataByNode").path(node).asText("");
      }
      return "";
    }).orElse("(no answer)");
  }

  String awaitActive(String via, Optional<String> expected, Duration max) throws Exception {
    return awaitActive(via, expected, max, Duration.ofSeconds(1));
  }

  /** The first node to serve after the daemons' cold start. */
  String awaitColdStart(Duration max) throws Exception {
    return awaitActive(VmWitness.NODE, Optional.empty(), max, Duration.ofSeconds(2));
  }

  private String awaitActive(String via, Optional<String> expected, Duration max, Duration every) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    long pause = every.toMillis();
    Optional<String> a = Optional.empty();
    while (System.nanoTime() < deadline) {
      a = active(via);
      if (a.isPresent() && (expected.isEmpty() || expected.equals(a))) return a.get();
      Thread.sleep(pause);
    }
    throw new IllegalStateException("home not active" + expected.map(e -> " on " + e).orElse("") + " within " + max.toSeconds()
        + " s (last: " + a + "); cluster: " + cluster(via).map(JsonNode::toString).orElse("no answer") + "\n" + logs());
  }

  /** Every daemon's decisions and warnings (no stack frames, no heartbeat noise), the last 60 lines. */
  String logs() {
    StringBuilder b = new StringBuilder();
    b.append("==== w (host) hanfs.log, last 60 lines ====\n");
    List<String> wl = witness.logText().lines().filter(VmCluster::worthShowing).toList();
    wl.subList(Math.max(0, wl.size() - 60), wl.size()).forEach(l -> b.append(l.length() > 400 ? l.substring(0, 400) : l).append('\n'));
    for (String n : DATA) {
      VmLab.Guest guest = g(n);
      if (guest == null) continue;
      try {
        GuestAgent.Result r = guest.agent == null ? null
            : guest.agent.exec(List.of("grep", "-E", "WARN|ERROR|Exception|i\\.h\\.|JOINING|Welcome from|is now Up|REACHABLE", "/var/log/hanfs.log"), Duration.ofSeconds(20));
        String text = r == null ? "(guest down)" : String.join("\n", r.out().lines()
            .filter(VmCluster::worthShowing).map(l -> l.length() > 400 ? l.substring(0, 400) : l)
            .reduce(new java.util.ArrayList<String>(), (acc, l) -> { acc.add(l); if (acc.size() > 60) acc.remove(0); return acc; }, (x, y) -> x));
        b.append("==== ").append(guest.name).append(" hanfs.log ====\n").append(text).append('\n');
        saveFullLogs(guest);
        b.append("==== ").append(guest.name).append(" GC pauses over 300 ms ====\n").append(longGcPauses(guest)).append('\n');
      } catch (IOException e) {
        b.append("==== ").append(guest.name).append(": ").append(e.getMessage()).append('\n');
      }
    }
    return b.toString();
  }

  private static final Pattern SHOWN = Pattern.compile("WARN|ERROR|Exception|i\\.h\\.|JOINING|Welcome from|is now Up|REACHABLE");

  /** A line of a daemon's log a failure shows: decisions and warnings, no stack frames, no heartbeat noise. */
  static boolean worthShowing(String l) {
    return SHOWN.matcher(l).find() && !l.startsWith("\t") && !l.contains("heartbeat") && !l.contains(" DEBUG ");
  }

  /**
   * The guest's whole daemon and collector logs, kept under target/vm-logs (a failure prints only
   * their last lines).
   */
  /** Every daemon's whole logs (the data guests' and the witness's) under target/vm-logs: a passing run's too, to compare. */
  void saveAllLogs() {
    for (String n : DATA) if (g(n) != null && g(n).agent != null) saveFullLogs(g(n));
    try {
      java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "vm-logs"));
      java.nio.file.Files.writeString(dir.resolve("w-" + System.currentTimeMillis() / 1000 + "-hanfs.log"), witness.logText());
    } catch (IOException e) {
      System.out.println("w: cannot save its log: " + e.getMessage());
    }
  }

  static void saveFullLogs(VmLab.Guest guest) {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "vm-logs"));
      long stamp = System.currentTimeMillis() / 1000;
      for (String log : List.of("hanfs.log", "hanfs-gc.log")) {
        java.nio.file.Files.writeString(dir.resolve(guest.name + "-" + stamp + "-" + log), guest.agent.readFile("/var/log/" + log));
      }
    } catch (IOException | RuntimeException e) {
      System.out.println(guest.name + ": cannot save its logs: " + e.getMessage());
    }
  }

  /** The daemon's collector pauses of 300 ms or more (its JVM logs them, see startDaemon): a stalled daemon's first suspect. */
  static String longGcPauses(VmLab.Guest guest) {
    try {
      Pattern ms = Pattern.compile("Pause.* ([0-9.]+)ms$");
      return String.join("\n", guest.agent.readFile("/var/log/hanfs-gc.log").lines().filter(l -> {
        Matcher m = ms.matcher(l);
        return m.find() && Double.parseDouble(m.group(1)) >= 300;
      }).toList());
    } catch (IOException | RuntimeException e) {
      return "(no GC log: " + e.getMessage() + ")";
    }
  }

  /** The decisions and layer steps of every daemon since {@code sinceHHMMSS} (guest clock), for a scenario's timeline. */
  /** The lines of the nodes' daemon logs that contain {@code text}, once there are at least {@code count} (or what there is after {@code max}). */
  List<String> awaitLogLines(List<String> nodes, String text, int count, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    List<String> found = new ArrayList<>();
    while (true) {
      found.clear();
      for (String n : nodes) {
        String out = g(n).agent.exec(List.of("grep", "-F", text, "/var/log/hanfs.log"), Duration.ofSeconds(20)).out();
        out.lines().map(l -> n + " " + l.replaceAll(" pekko://\\S+", "")).forEach(found::add);
      }
      if (found.size() >= count || System.nanoTime() > deadline) return found;
      Thread.sleep(1000);
    }
  }

  String timeline(String since) {
    return timeline(since, false);
  }

  /** The timeline with every command the daemons ran and its time (the bench's step-by-step view). */
  String timeline(String since, boolean commands) {
    String pattern = "Leader .* resource home|cold start|join-coordinator|Welcome from|Remoting started|ResourceAgent|LayerActor|DrbdLayer|hanfs-daemon|fence-local|exec \\[drbdadm, (primary|secondary|connect|disconnect)"
        + (commands ? "|exec \\[" : "");
    StringBuilder b = new StringBuilder();
    Pattern shown = Pattern.compile(pattern);
    timelineLines(VmWitness.NODE, witness.logText().lines().filter(l -> shown.matcher(l).find()), since, b);
    for (String n : DATA) {
      VmLab.Guest guest = g(n);
      if (guest.agent == null) continue;
      try {
        String out = guest.agent.exec(List.of("grep", "-E", pattern, "/var/log/hanfs.log"), Duration.ofSeconds(20)).out();
        timelineLines(n, out.lines(), since, b);
      } catch (IOException e) {
        b.append(guest.name).append(": ").append(e.getMessage()).append('\n');
      }
    }
    return b.toString();
  }

  private static void timelineLines(String node, java.util.stream.Stream<String> lines, String since, StringBuilder b) {
    lines.filter(l -> l.length() > 8 && l.substring(0, 8).compareTo(since) >= 0)
        .map(l -> node + " " + l.replaceAll(" pekko://\\S+", "").replaceAll("i\\.h\\.\\S+ +", ""))
        .map(l -> l.length() > 220 ? l.substring(0, 220) : l).forEach(l -> b.append(l).append('\n'));
  }

  /** The time of day (HH:MM:SS, UTC) on {@code node}: a guest's clock, or the host's for the witness. */
  String clock(String node) throws IOException {
    if (node.equals(VmWitness.NODE)) return java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0).toString();
    return g(node).check("date", "+%H:%M:%S").out().strip();
  }

  /** A planned switchover through the witness's management HTTP API, with its API token (what `hanfs switchover` sends). */
  Http switchover(String to) {
    return witness.http("POST", "/hanfs/resources/home/switchover?to=" + to, Duration.ofSeconds(240));
  }

  /** An HTTP answer from a management endpoint (status 0: curl got none). */
  record Http(int status, String body) {
    boolean ok() {
      return status == 200;
    }
  }

  /**
   * What an administrator checks before a planned switchover (`hanfs status`): the target is a
   * settled secondary whose copy the leader says may be promoted (the copy a switchover just left
   * reports its new role a monitor round later).
   */
  void awaitSwitchoverTarget(String to, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> c = cluster(VmWitness.NODE);
      if (c.isPresent()) {
        for (JsonNode r : c.get().path("resources")) {
          if (!r.path("name").asText().equals("home")) continue;
          String role = r.path("roleByNode").path(to).asText("");
          String data = r.path("dataByNode").path(to).asText("");
          last = to + " " + role + ", " + data + ", transition " + r.path("transition");
          if (role.equals("secondary") && data.contains("may be promoted") && active(VmWitness.NODE).isPresent()) return;
        }
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException(to + " is not ready to take home over within " + max.toSeconds() + " s (" + last + ")");
  }

  /**
   * DRBD's online verify (verify-alg sha256): both nodes hash every block of their copy and
   * compare; the out-of-sync count after it is the number of 4 KiB blocks that differ.
   */
  long verifyReplicas(String primary, Duration max) throws Exception {
    g(primary).check("drbdadm", "verify", "r0");
    long deadline = System.nanoTime() + max.toNanos();
    String last = drbd(primary);
    while (System.nanoTime() < deadline && !last.contains("cs:Connected")) {
      Thread.sleep(1000);
      last = drbd(primary);
    }
    if (!last.contains("cs:Connected")) throw new IllegalStateException(primary + ": verify did not end within " + max.toSeconds() + " s:\n" + last);
    Matcher m = Pattern.compile("oos:(\\d+)").matcher(last);
    if (!m.find()) throw new IllegalStateException(primary + ": no oos in /proc/drbd:\n" + last);
    String log = g(primary).check("dmesg").out().lines().filter(l -> l.contains("Online verify")).reduce((a, b) -> b).orElse("");
    System.out.println("vm verify on " + primary + ": oos " + m.group(1) + " KiB; " + log.strip());
    return Long.parseLong(m.group(1));
  }

  /** Runs the hanfs CLI on {@code node}. */
  GuestAgent.Result hanfs(String node, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("/usr/bin/hanfs"));
    argv.addAll(List.of(args));
    return g(node).agent.exec(argv, Duration.ofMinutes(5));
  }

  // ---- the NFS client on the client guest ----

  void mountClient() throws IOException {
    VmLab.Guest c = g(VmLab.CLIENT);
    c.check("mkdir", "-p", MOUNT);
    c.agent.check(List.of("mount", "-t", "nfs", "-o", "vers=4.2,hard", VIP + ":" + EXPORT, MOUNT), Duration.ofMinutes(2));
  }

  void startWriter(String file) throws IOException {
    // A scenario that failed may have left its writer running.
    g(VmLab.CLIENT).run("start-stop-daemon", "--stop", "--pidfile", "/run/writer.pid", "--retry", "5", "--remove-pidfile");
    // At nice 19: the client guest's own work (its NFS client's RPC threads) comes first.
    g(VmLab.CLIENT).check("start-stop-daemon", "--start", "--background", "--nicelevel", "19", "--make-pidfile", "--pidfile", "/run/writer.pid",
        "--output", "/var/log/writer-" + file + ".log", "--exec", "/usr/bin/java", "--",
        "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "/opt/hanfs/test-classes", "io.hanfs.e2e.RecordWriter", MOUNT + "/" + file, "200");
  }

  /** Starts the writer and returns once it acknowledged {@code n} records (its JVM starts slowly on an emulated CPU). */
  void startWriterAndAwait(String file, int n) throws Exception {
    startWriter(file);
    awaitAcks(file, n, Duration.ofMinutes(2));
  }

  int ackCount(String file) throws IOException {
    try {
      return (int) g(VmLab.CLIENT).agent.readFile("/var/log/writer-" + file + ".log").lines().filter(l -> l.startsWith("acked")).count();
    } catch (IOException e) {
      return 0; // not written yet
    }
  }

  /** Waits until the writer acknowledged {@code n} records in all (after a fault: it writes again). */
  void awaitAcks(String file, int n, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (ackCount(file) >= n) return;
      Thread.sleep(500);
    }
    throw new IllegalStateException("the NFS client acknowledged fewer than " + n + " records within " + max.toSeconds() + " s");
  }

  /** Stops the writer; returns the acks it printed (seq -> ack time on the client's clock). */
  List<long[]> stopWriter(String file) throws IOException {
    g(VmLab.CLIENT).run("start-stop-daemon", "--stop", "--pidfile", "/run/writer.pid", "--retry", "5", "--remove-pidfile");
    String log = g(VmLab.CLIENT).check("cat", "/var/log/writer-" + file + ".log").out();
    List<long[]> acks = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^acked (\\d+) (\\d+)$").matcher(log);
    while (m.find()) acks.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
    return acks;
  }

  /** Record numbers in the file as the client reads it back now. */
  java.util.Set<Long> recordsOnServer(String file) throws IOException {
    String text = g(VmLab.CLIENT).agent.check(List.of("cat", MOUNT + "/" + file), Duration.ofMinutes(2)).out();
    java.util.Set<Long> seqs = new java.util.HashSet<>();
    Matcher m = Pattern.compile("(?m)^record (\\d+) \\d+$").matcher(text);
    while (m.find()) seqs.add(Long.parseLong(m.group(1)));
    return seqs;
  }

  /** The longest time between two acks: what the client saw of the outage. */
  /** The writer's account of a scenario: acks, first-to-last span, and every gap over {@code over} ms (guest clock). */
  static String ackSummary(List<long[]> acks, long over) {
    if (acks.isEmpty()) return "no acks";
    List<String> gaps = new ArrayList<>();
    for (int i = 1; i < acks.size(); i++) {
      long gap = acks.get(i)[1] - acks.get(i - 1)[1];
      if (gap > over) gaps.add("#" + acks.get(i)[0] + " +" + (acks.get(i - 1)[1] - acks.get(0)[1]) + " ms: " + gap + " ms");
    }
    return acks.size() + " acks over " + (acks.get(acks.size() - 1)[1] - acks.get(0)[1]) + " ms, gaps over " + over + " ms " + gaps;
  }

  static long longestGapMillis(List<long[]> acks) {
    long gap = 0;
    for (int i = 1; i < acks.size(); i++) gap = Math.max(gap, acks.get(i)[1] - acks.get(i - 1)[1]);
    return gap;
  }

  // ---- invariants ----

  void startSampler() {
    sampling = true;
    sampler = new Thread(() -> {
      while (sampling) {
        for (String n : DATA) {
          VmLab.Guest guest = g(n);
          if (guest.agent == null) continue;
          try {
            String role;
            if (lab.sharedDisk) {
              // On a shared disk "Primary" is the mount: two at once would be two writers.
              role = mounted(n) ? "Primary" : "Secondary";
            } else {
              Matcher m = Pattern.compile("ro:(\\w+)/").matcher(drbd(n));
              role = m.find() ? m.group(1) : "down";
            }
            boolean vip = hasVip(n);
            samples.add(new Sample(System.currentTimeMillis(), n, role, vip));
          } catch (IOException | RuntimeException e) {
            // a crashed or rebooting guest answers nothing: no sample
          }
        }
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "vm-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  void stopSampler() throws InterruptedException {
    sampling = false;
    if (sampler != null) sampler.join(30_000);
  }

  /** Drops DRBD's port on {@code node}'s lab NIC, both ways (the replication link is cut; the rest of the network stays). */
  void cutReplicationLink(String node) throws IOException {
    VmLab.Guest p = g(node);
    p.check("tc", "qdisc", "add", "dev", "lab0", "root", "handle", "1:", "prio");
    p.check("tc", "filter", "add", "dev", "lab0", "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match", "ip", "dport", "7789", "0xffff", "action", "drop");
    p.check("tc", "filter", "add", "dev", "lab0", "parent", "1:", "protocol", "ip", "prio", "2", "u32", "match", "ip", "sport", "7789", "0xffff", "action", "drop");
  }

  void restoreReplicationLink(String node) throws IOException {
    g(node).check("tc", "qdisc", "del", "dev", "lab0", "root");
  }

  /** How many samples showed {@code node} with the floating IP. */
  long vipSamples(String node) {
    return samples.stream().filter(x -> x.node().equals(node) && x.vip()).count();
  }

  /** Windows (start, end millis) in which an operator made a second Primary on purpose. */
  final List<long[]> forcedWindows = new CopyOnWriteArrayList<>();

  /**
   * Samples in which two nodes were Primary (or held the VIP) at once: a sample of one node
   * that falls between two samples of the other showing the same state. Two Primaries inside an
   * operator's forced window are the operator's doing; two VIP owners never are.
   */
  List<String> violations() {
    List<String> v = new ArrayList<>();
    List<Sample> s = List.copyOf(samples);
    for (int i = 0; i < s.size(); i++) {
      Sample mid = s.get(i);
      Optional<Sample> before = s.subList(0, i).stream().filter(x -> !x.node().equals(mid.node())).reduce((a, b) -> b);
      Optional<Sample> after = s.subList(i + 1, s.size()).stream().filter(x -> !x.node().equals(mid.node())).findFirst();
      if (before.isEmpty() || after.isEmpty()) continue;
      boolean forced = forcedWindows.stream().anyMatch(w -> before.get().millis() <= w[1] && after.get().millis() >= w[0]);
      if (!forced && mid.role().equals("Primary") && before.get().role().equals("Primary") && after.get().role().equals("Primary")) {
        v.add("two Primaries around " + mid);
      }
      if (mid.vip() && before.get().vip() && after.get().vip()) v.add("two VIP owners around " + mid);
    }
    return v;
  }
}
