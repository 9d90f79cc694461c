package io.hanfs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import io.hanfs.config.HanfsConfig.Export;
import io.hanfs.config.HanfsConfig.Filesystem;
import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.config.HanfsConfig.Fsck;
import io.hanfs.config.HanfsConfig.Management;
import io.hanfs.config.HanfsConfig.Nfs;
import io.hanfs.config.HanfsConfig.NfsServer;
import io.hanfs.config.HanfsConfig.Node;
import io.hanfs.config.HanfsConfig.Replication;
import io.hanfs.config.HanfsConfig.ReplicationType;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.config.HanfsConfig.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses and validates a hanfs config file. Every error is collected with its path, line and fix;
 * nothing is touched on the machine. Used by {@code hanfs validate} and by {@code hanfs run}
 * before it starts anything.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static HanfsConfig load(Path file) throws InvalidConfigException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(List.of(new ConfigError(file.toString(), 0,
          "the config file does not exist or is not a regular file", "pass the path of your hanfs.conf")));
    }
    String text;
    try {
      if (Files.size(file) > ConfigText.MAX_BYTES) {
        throw new InvalidConfigException(List.of(new ConfigError(file.toString(), 0, "the file is " + Files.size(file)
            + " bytes, more than a config holds (" + ConfigText.MAX_BYTES + ")", "pass the path of your hanfs.conf")));
      }
      text = Files.readString(file);
    } catch (java.io.IOException e) {
      throw new InvalidConfigException(List.of(new ConfigError(file.toString(), 0,
          "cannot be read: " + e.getMessage(), "pass a readable UTF-8 text file")));
    }
    return fromConfig(ConfigText.parse(text, file.toString()));
  }

  public static HanfsConfig parse(String text) throws InvalidConfigException {
    return fromConfig(ConfigText.parse(text, "(text)"));
  }

  private static Optional<HanfsConfig.Watchdog> watchdog(ObjectReader h, HanfsConfig.Lease lease) {
    Optional<ObjectReader> reader = h.object("watchdog", false);
    if (reader.isEmpty()) return Optional.empty();
    ObjectReader w = reader.get();
    Optional<Path> device = path(w, "device", true, "\"/dev/watchdog\"");
    Optional<Duration> timeout = w.duration("timeout", Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(5));
    w.finish();
    if (device.isEmpty() || timeout.isEmpty()) return Optional.empty();
    if (timeout.get().toMillis() % 1000 != 0) {
      w.error("timeout", timeout.get().toMillis() + " ms is not whole seconds (watchdog drivers count seconds)", "use e.g. timeout = 5s");
      return Optional.empty();
    }
    Duration longest = HanfsConfig.Watchdog.longestFor(lease);
    if (timeout.get().compareTo(longest) > 0) {
      w.error("timeout", timeout.get().toSeconds() + " s is longer than the lease allows (" + longest.toMillis()
          + " ms: lease.duration less two renewals, plus lease.margin, less " + HanfsConfig.Watchdog.FEED_SLACK.toMillis()
          + " ms): a frozen node would still run when another node may mount", "shorten timeout, or lengthen lease.duration or lease.margin");
      return Optional.empty();
    }
    return Optional.of(new HanfsConfig.Watchdog(device.get(), timeout.get()));
  }

  static HanfsConfig fromConfig(Config root) throws InvalidConfigException {
    List<ConfigError> errors = new ArrayList<>();
    ConfigObject top = root.root();
    ObjectReader rootReader = new ObjectReader(top, "", errors);
    Optional<ObjectReader> hanfsReader = rootReader.object("hanfs", true);
    // Pekko settings beside hanfs's own: the daemon hands them to its actor system.
    rootReader.pass("pekko");
    if (root.hasPath("pekko.management")) {
      // Its bind address, port and routes are hanfs's: a bind-hostname here would open the
      // control routes beyond loopback with nothing in hanfs.management saying so.
      errors.add(new ConfigError("pekko.management", root.getValue("pekko.management").origin().lineNumber(),
          "the management endpoint is set in hanfs.management, not in the pekko block", "remove pekko.management; use hanfs.management { hostname, port }"));
    }
    PekkoBlock.check(root, Reference.CONFIG, errors);
    rootReader.finish();
    if (hanfsReader.isEmpty()) throw new InvalidConfigException(errors);
    ObjectReader h = hanfsReader.get();

    String clusterName = h.string("cluster-name", false, "hanfs").orElse("hanfs");
    if (!Syntax.isName(clusterName)) {
      h.error("cluster-name", "\"" + clusterName + "\" is not a plain name", "use lower-case letters, digits and -, starting with a letter");
    }
    Optional<String> localNode = h.string("node", false, "nfs01");
    Path stateDir = path(h, "state-dir", false, "/var/lib/hanfs").orElse(Path.of("/var/lib/hanfs"));
    int remotingPort = h.integer("remoting-port", 1, 65535, Optional.of(25520)).orElse(25520);
    Management management = ManagementSection.read(h);

    HanfsConfig.Lease lease = new HanfsConfig.Lease(Duration.ofSeconds(2), Duration.ofMillis(400), Duration.ofSeconds(15));
    Optional<ObjectReader> leaseReader = h.object("lease", false);
    if (leaseReader.isPresent()) {
      ObjectReader l = leaseReader.get();
      Optional<Duration> duration = l.duration("duration", Duration.ofMillis(1500), Duration.ofSeconds(60), lease.duration());
      Optional<Duration> margin = l.duration("margin", Duration.ofMillis(200), Duration.ofSeconds(30), lease.margin());
      Optional<Duration> grace = l.duration("restart-grace", Duration.ofSeconds(0), Duration.ofMinutes(10), lease.restartGrace());
      l.finish();
      if (duration.isPresent() && margin.isPresent() && grace.isPresent()) lease = new HanfsConfig.Lease(duration.get(), margin.get(), grace.get());
    }

    HanfsConfig.Ledger ledger = HanfsConfig.Ledger.H2;
    Optional<ObjectReader> ledgerReader = h.object("ledger", false);
    if (ledgerReader.isPresent()) {
      ObjectReader l = ledgerReader.get();
      Optional<HanfsConfig.LedgerStoreKind> store = l.enumValue("store", HanfsConfig.LedgerStoreKind.class, Optional.of(HanfsConfig.LedgerStoreKind.H2));
      Optional<String> url = l.string("url", false, "\"jdbc:postgresql://10.0.0.5:5432/hanfs\"");
      Optional<String> user = l.string("user", false, "hanfs");
      Optional<Path> passwordFile = path(l, "password-file", false, "\"/etc/hanfs/ledger.password\"");
      Optional<String> sslMode = l.string("ssl-mode", false, "verify-full");
      l.finish();
      sslMode.ifPresent(m -> {
        if (!List.of("disable", "prefer", "require", "verify-ca", "verify-full").contains(m)) {
          l.error("ssl-mode", "\"" + m + "\" is not a PostgreSQL sslmode", "use disable, prefer, require, verify-ca or verify-full");
        }
      });
      // TLS that checks the server's name unless the config says otherwise: the ledger decides who may be promoted.
      url = url.map(u -> u + "?sslmode=" + sslMode.orElse("verify-full"));
      if (store.orElse(HanfsConfig.LedgerStoreKind.H2) == HanfsConfig.LedgerStoreKind.POSTGRESQL) {
        if (!l.has("url")) l.error("url", "is missing (store = postgresql needs the database)", "add url = \"jdbc:postgresql://HOST:5432/DATABASE\"");
        url.ifPresent(u -> {
          if (!io.hanfs.persistence.ledger.LedgerStore.POSTGRES_URL.matcher(u).matches()) {
            l.error("url", "\"" + u + "\" is not a plain PostgreSQL URL", "write jdbc:postgresql://HOST[:PORT]/DATABASE (TLS: ssl-mode = verify-full); driver parameters in the URL are refused");
          }
        });
        if (user.isEmpty()) l.error("user", "is missing (store = postgresql needs a database user)", "add user = hanfs");
        user.ifPresent(u -> {
          if (!Syntax.isName(u.replace('_', '-'))) l.error("user", "\"" + u + "\" is not a plain user name", "use letters, digits, _ and -");
        });
      } else {
        for (String k : List.of("url", "user", "password-file", "ssl-mode")) {
          if (l.has(k)) l.error(k, "is only for store = postgresql", "remove it, or set store = postgresql");
        }
      }
      if (store.isPresent()) ledger = new HanfsConfig.Ledger(store.get(), url, user, passwordFile);
    }
    if (ledger.store() == HanfsConfig.LedgerStoreKind.H2 && !io.hanfs.persistence.ledger.LedgerStore.SAFE_PATH.matcher(stateDir.toString()).matches()) {
      h.error("state-dir", "\"" + stateDir + "\" has characters the embedded ledger's JDBC URL would interpret",
          "use only letters, digits, '.', '_', '-' and '/' (or ledger.store = postgresql)");
    }

    HanfsConfig.Tls tls = HanfsConfig.Tls.DEFAULT;
    Optional<ObjectReader> tlsReader = h.object("tls", false);
    if (tlsReader.isPresent()) {
      ObjectReader t = tlsReader.get();
      boolean enabled = t.bool("enabled", true).orElse(true);
      Path key = path(t, "key-file", false, "\"/etc/hanfs/tls/node.key\"").orElse(tls.keyFile());
      Path cert = path(t, "cert-file", false, "\"/etc/hanfs/tls/node.crt\"").orElse(tls.certFile());
      Path ca = path(t, "ca-file", false, "\"/etc/hanfs/tls/ca.crt\"").orElse(tls.caFile());
      t.finish();
      tls = new HanfsConfig.Tls(enabled, key, cert, ca);
    }

    Optional<HanfsConfig.Watchdog> watchdog = watchdog(h, lease);

    List<Node> nodes = new ArrayList<>();
    Map<String, String> nodePaths = new HashMap<>();
    Map<String, String> addressPaths = new HashMap<>();
    for (ObjectReader n : h.objects("nodes", true)) {
      Optional<String> name = n.string("name", true, "nfs01");
      Optional<String> address = n.string("address", true, "\"192.168.33.21\"");
      boolean rolesGiven = n.has("roles");
      Optional<List<String>> roleNames = n.strings("roles", false, "[data]");
      n.finish();
      name.ifPresent(nm -> {
        if (!Syntax.isName(nm)) n.error("name", "\"" + nm + "\" is not a plain name", "use lower-case letters, digits and -, starting with a letter, at most 32");
        String prev = nodePaths.putIfAbsent(nm, n.path());
        if (prev != null) n.error("name", "node \"" + nm + "\" is already defined at " + prev, "give every node a unique name");
      });
      address.ifPresent(a -> {
        if (!Syntax.isIpv4(a) && !Syntax.isHostname(a)) n.error("address", "\"" + a + "\" is not an IPv4 address or host name", "use e.g. \"192.168.33.21\"");
        String prev = addressPaths.putIfAbsent(a, n.path());
        if (prev != null) n.error("address", "address " + a + " is already used by " + prev, "give every node its own address");
      });
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (String r : rolesGiven ? roleNames.orElse(List.of()) : List.of("data")) {
        try {
          roles.add(Role.valueOf(r.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          n.error("roles", "\"" + r + "\" is not a role", "use data or witness");
        }
      }
      if (rolesGiven && roleNames.isPresent() && roleNames.get().isEmpty()) n.error("roles", "is empty", "use [data] or [witness]");
      if (name.isPresent() && address.isPresent()) nodes.add(new Node(name.get(), address.get(), Set.copyOf(roles.isEmpty() ? EnumSet.of(Role.DATA) : roles)));
    }
    if (nodes.stream().noneMatch(Node::isData) && errors.isEmpty()) {
      h.error("nodes", "has no node with the data role", "give at least one node roles = [data]");
    }
    if (nodes.size() == 2 && errors.isEmpty()) {
      h.error("nodes", "has two voting nodes: a majority of two needs both, so either failing stops the service",
          "add a third node with roles = [witness] (it holds no data and needs little)");
    }
    localNode.ifPresent(ln -> {
      if (!nodePaths.containsKey(ln)) h.error("node", "\"" + ln + "\" is not in hanfs.nodes", "use one of " + nodePaths.keySet());
    });

    List<Resource> resources = new ArrayList<>();
    Map<String, String> resourceNames = new HashMap<>();
    for (ObjectReader r : h.objects("resources", false)) {
      readResource(r, nodes, nodePaths).ifPresent(res -> {
        String prev = resourceNames.putIfAbsent(res.name(), r.path());
        if (prev != null) r.error("name", "resource \"" + res.name() + "\" is already defined at " + prev, "give every resource a unique name");
        resources.add(res);
      });
    }
    h.finish();
    crossResourceChecks(h, resources, errors);
    if (!errors.isEmpty()) throw new InvalidConfigException(errors);
    HanfsConfig config = new HanfsConfig(clusterName, localNode, stateDir, List.copyOf(nodes), management, remotingPort, lease, ledger, tls, watchdog, List.copyOf(resources));
    List<ConfigError> wrong = SemanticChecks.errors(config);
    if (!wrong.isEmpty()) throw new InvalidConfigException(wrong);
    return config;
  }

  private static Optional<Resource> readResource(ObjectReader r, List<Node> nodes, Map<String, String> nodePaths) {
    Optional<String> name = r.string("name", true, "home");
    name.ifPresent(nm -> {
      if (!Syntax.isName(nm)) r.error("name", "\"" + nm + "\" is not a plain name", "use lower-case letters, digits and -, starting with a letter, at most 32");
    });

    Optional<Replication> replication = r.object("replication", true).flatMap(o -> {
      Optional<ReplicationType> type = o.enumValue("type", ReplicationType.class, Optional.empty());
      Optional<String> drbdRes = o.string("resource", false, "r0");
      Optional<HanfsConfig.Fencing> fencing = o.enumValue("fencing", HanfsConfig.Fencing.class, Optional.of(HanfsConfig.Fencing.NONE));
      Optional<String> policy = o.string("split-brain-policy", false, "disconnect");
      o.finish();
      policy.ifPresent(pn -> {
        if (io.hanfs.sbr.data.SplitBrainVerdict.Policy.fromConfig(pn).isEmpty()) {
          o.error("split-brain-policy", "\"" + pn + "\" is not a split-brain policy",
              "use one of discard-zero-changes, discard-younger-primary, discard-older-primary, discard-least-changes, disconnect");
        }
      });
      if (type.isPresent() && type.get() == ReplicationType.SHARED) {
        if (fencing.isPresent() && fencing.get() == HanfsConfig.Fencing.RESOURCE_ONLY) {
          o.error("fencing", "resource-only is DRBD's fence-peer hook; a shared disk has one copy", "use fencing = scsi-reservation (SCSI-3 persistent reservations) or remove it");
        }
        if (o.has("split-brain-policy")) o.error("split-brain-policy", "is only for replicated storage (a shared disk has one copy)", "remove it");
      }
      if (fencing.isEmpty() || policy.isPresent() && io.hanfs.sbr.data.SplitBrainVerdict.Policy.fromConfig(policy.get()).isEmpty()) return Optional.empty();
      if (type.isEmpty()) return Optional.empty();
      boolean replicated = type.get() != ReplicationType.SHARED;
      String tool = type.get() == ReplicationType.HAST ? "HAST" : "DRBD";
      if (replicated) {
        if (drbdRes.isEmpty() && !o.has("resource")) {
          o.error("resource", "is missing (type = " + tool.toLowerCase() + " needs the " + tool + " resource name)", "add resource = " + (tool.equals("HAST") ? "home" : "r0"));
          return Optional.empty();
        }
        if (drbdRes.isPresent() && !Syntax.isDrbdResource(drbdRes.get())) {
          o.error("resource", "\"" + drbdRes.get() + "\" is not a " + tool + " resource name", "use letters, digits, _ . -");
          return Optional.empty();
        }
      } else if (drbdRes.isPresent()) {
        o.error("resource", "is only for type = drbd or hast", "remove it, or set type = drbd");
      }
      if (replicated && fencing.get() == HanfsConfig.Fencing.SCSI_RESERVATION) {
        o.error("fencing", "scsi-reservation is for a shared disk (type = shared), where every node reaches one LUN", "remove it" + (tool.equals("DRBD") ? ", or use fencing = resource-only" : ""));
        return Optional.empty();
      }
      if (type.get() == ReplicationType.HAST && fencing.get() == HanfsConfig.Fencing.RESOURCE_ONLY) {
        o.error("fencing", "HAST has no fence-peer hook (hastd cannot outdate its peer)", "remove it; the ledger alone decides which HAST copy is current");
        return Optional.empty();
      }
      return drbdRes.isEmpty() && replicated ? Optional.empty() : Optional.of(new Replication(type.get(), drbdRes, fencing.get(), policy.orElse("disconnect")));
    });

    Optional<Filesystem> filesystem = r.object("filesystem", true).flatMap(o -> {
      Optional<Path> device = path(o, "device", true, "\"/dev/drbd0\"");
      Optional<Path> mountpoint = path(o, "mountpoint", true, "\"/srv/nfs/home\"");
      Optional<String> fstype = o.string("fstype", false, "ext4");
      String fs = fstype.orElse("ext4");
      if (!List.of("ext4", "xfs").contains(fs)) {
        o.error("fstype", "\"" + fs + "\" is not supported", "use ext4 or xfs");
      }
      Optional<Fsck> fsck = o.enumValue("fsck", Fsck.class, Optional.of(Fsck.AUTO));
      Optional<List<String>> opts = o.strings("options", false, "\"noatime\"");
      opts.ifPresent(list -> list.forEach(opt -> {
        if (!Syntax.isMountOption(opt)) o.error("options", "\"" + opt + "\" is not a mount option", "use plain options like noatime or commit=5, comma-separated");
      }));
      Optional<Boolean> xfsRepair = o.bool("xfs-repair", false);
      if (mountpoint.isPresent() && mountpoint.get().getNameCount() == 0) {
        o.error("mountpoint", "is /", "mount the resource below / (e.g. /srv/nfs/home)");
      }
      o.finish();
      if (device.isEmpty() || mountpoint.isEmpty() || fsck.isEmpty() || opts.isEmpty() || xfsRepair.isEmpty()) return Optional.empty();
      return Optional.of(new Filesystem(device.get(), mountpoint.get(), fs, fsck.get(), opts.get(), xfsRepair.get()));
    });

    Optional<Nfs> nfs = r.object("nfs", true).flatMap(o -> {
      Optional<NfsServer> server = o.enumValue("server", NfsServer.class, Optional.of(NfsServer.GANESHA));
      Optional<Path> stateDir = path(o, "state-dir", true, "\"/srv/nfs/home/.nfs-state\"");
      // grace = 0s: no grace period (NFS-Ganesha only): faster takeover, but clients cannot reclaim
      // their open and lock state on the new node before others may take it.
      Optional<Duration> grace = o.duration("grace", Duration.ZERO, Duration.ofSeconds(180), Duration.ofSeconds(10));
      Optional<Duration> lease = o.duration("lease", Duration.ofSeconds(1), Duration.ofSeconds(120), Duration.ofSeconds(10));
      List<Export> exports = new ArrayList<>();
      List<ObjectReader> exportReaders = o.objects("exports", true);
      for (ObjectReader e : exportReaders) readExport(e).ifPresent(exports::add);
      if (o.has("exports") && exportReaders.isEmpty()) o.error("exports", "is empty", "add at least one export { path, clients, options, fsid }");
      o.finish();
      stateDir.ifPresent(sd -> filesystemMountpoint(r).ifPresent(mp -> {
        if (!Syntax.isInside(sd, mp) || sd.equals(mp)) {
          o.error("state-dir", sd + " is not below the resource's mountpoint " + mp,
              "put the NFS state on the replicated filesystem, e.g. " + mp.resolve(".nfs-state"));
        }
      }));
      if (server.isPresent() && server.get() == NfsServer.KERNEL) {
        // The kernel takes grace and lease times from 10 s up (/proc/fs/nfsd/nfsv4gracetime, nfsv4leasetime).
        if (grace.isPresent() && grace.get().compareTo(Duration.ofSeconds(10)) < 0) {
          o.error("grace", grace.get().toSeconds() + "s is below what the kernel NFS server accepts", "use 10s or more with server = kernel");
        }
        if (lease.isPresent() && lease.get().compareTo(Duration.ofSeconds(10)) < 0) {
          o.error("lease", lease.get().toSeconds() + "s is below what the kernel NFS server accepts", "use 10s or more with server = kernel");
        }
      }
      if (server.isEmpty() || stateDir.isEmpty() || grace.isEmpty() || lease.isEmpty() || exports.size() != exportReaders.size() || exports.isEmpty()) return Optional.empty();
      return Optional.of(new Nfs(server.get(), stateDir.get(), grace.get(), lease.get(), List.copyOf(exports)));
    });

    Optional<FloatingIp> vip = r.object("floating-ip", true).flatMap(o -> {
      Optional<String> address = o.string("address", true, "\"192.168.33.20/24\"");
      Optional<String> iface = o.string("interface", true, "eth1");
      Optional<Integer> garp = o.integer("gratuitous-arp", 0, 20, Optional.of(3));
      o.finish();
      int prefix = address.map(Syntax::cidrPrefix).orElse(-1);
      if (address.isPresent() && prefix < 0) {
        o.error("address", "\"" + address.get() + "\" is not an IPv4 address with a prefix length", "write it as a.b.c.d/prefix, e.g. 192.168.33.20/24");
      } else if (address.isPresent() && (prefix == 0 || address.get().startsWith("0.") || address.get().startsWith("127."))) {
        o.error("address", "\"" + address.get() + "\" cannot be a floating IP", "use a unicast address in the clients' subnet");
      }
      if (iface.isPresent() && !Syntax.isInterface(iface.get())) {
        o.error("interface", "\"" + iface.get() + "\" is not a plain interface name", "use a name like eth1 or bond0.100 (at most 15 characters)");
      }
      if (address.isEmpty() || prefix <= 0 || iface.isEmpty() || !Syntax.isInterface(iface.get()) || garp.isEmpty()) return Optional.empty();
      String ip = address.get().substring(0, address.get().indexOf('/'));
      return Optional.of(new FloatingIp(ip, prefix, iface.get(), garp.get()));
    });

    Optional<String> preferred = r.string("preferred-node", false, "nfs01");
    preferred.ifPresent(p -> {
      Optional<Node> n = nodes.stream().filter(x -> x.name().equals(p)).findFirst();
      if (n.isEmpty()) {
        if (!nodePaths.containsKey(p)) r.error("preferred-node", "\"" + p + "\" is not in hanfs.nodes", "use one of " + nodePaths.keySet());
      } else if (!n.get().isData()) {
        r.error("preferred-node", "\"" + p + "\" is not a data node", "prefer a node with roles = [data]");
      }
    });
    Optional<Boolean> failback = r.bool("failback", false);
    Optional<Integer> threshold = r.integer("migration-threshold", 1, 1000, Optional.of(3));
    Optional<Duration> failureTimeout = r.duration("failure-timeout", Duration.ofSeconds(1), Duration.ofDays(7), Duration.ofMinutes(10));
    Optional<Duration> monitor = r.duration("monitor-interval", Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofSeconds(5));
    Optional<Duration> opTimeout = r.duration("operation-timeout", Duration.ofSeconds(1), Duration.ofMinutes(30), Duration.ofSeconds(60));
    r.finish();
    if (name.isEmpty() || replication.isEmpty() || filesystem.isEmpty() || nfs.isEmpty() || vip.isEmpty()
        || failback.isEmpty() || threshold.isEmpty() || failureTimeout.isEmpty() || monitor.isEmpty() || opTimeout.isEmpty()) {
      return Optional.empty();
    }
    if (replication.get().type() == ReplicationType.HAST) {
      // hastd creates the GEOM provider /dev/hast/NAME on the primary only; any other device
      // would be mounted without HAST's replication under it.
      Path expected = Path.of("/dev/hast").resolve(replication.get().replicatedResource().orElseThrow());
      if (!filesystem.get().device().equals(expected)) {
        r.error("filesystem.device", filesystem.get().device() + " is not the HAST provider of resource "
            + replication.get().replicatedResource().get(), "set device = \"" + expected + "\"");
        return Optional.empty();
      }
    }
    return Optional.of(new Resource(name.get(), replication.get(), filesystem.get(), nfs.get(), vip.get(), preferred,
        failback.get(), threshold.get(), failureTimeout.get(), monitor.get(), opTimeout.get()));
  }

  private static Optional<Path> filesystemMountpoint(ObjectReader r) {
    // Re-read leniently for a cross-field check; errors of the field itself are reported elsewhere.
    List<ConfigError> scratch = new ArrayList<>();
    return r.objectQuietly("filesystem", scratch)
        .flatMap(o -> o.string("mountpoint", false, ""))
        .filter(s -> Syntax.pathProblem(s).isEmpty())
        .map(Path::of);
  }

  private static Optional<Export> readExport(ObjectReader e) {
    Optional<Path> path = path(e, "path", true, "\"/srv/nfs/home/export\"");
    Optional<List<String>> clients = e.strings("clients", true, "\"192.168.33.0/24\"");
    Optional<List<String>> options = e.strings("options", false, "\"rw,sync,no_root_squash\"");
    Optional<Integer> fsid = e.integer("fsid", 1, 65535, Optional.empty());
    e.finish();
    clients.ifPresent(list -> {
      if (list.isEmpty()) e.error("clients", "is empty", "name who may mount it, e.g. \"192.168.33.0/24\"");
      list.forEach(c -> {
        if (!Syntax.isClientSpec(c)) e.error("clients", "\"" + c + "\" is not a client address, CIDR, host name or *", "use e.g. 192.168.33.0/24");
      });
    });
    boolean optionsOk = true;
    for (String opt : options.orElse(List.of())) {
      Optional<String> problem = Syntax.exportOptionProblem(opt);
      if (problem.isPresent()) {
        optionsOk = false;
        e.error("options", problem.get(), "use options from " + new java.util.TreeSet<>(Syntax.EXPORT_FLAGS) + " or anonuid=N, anongid=N, sec=sys:krb5");
      }
    }
    List<String> opts = options.orElse(List.of());
    if (opts.contains("rw") && opts.contains("ro")) {
      optionsOk = false;
      e.error("options", "has both rw and ro", "keep one of them");
    }
    if (path.isEmpty() || clients.isEmpty() || clients.get().isEmpty() || options.isEmpty() || fsid.isEmpty() || !optionsOk) return Optional.empty();
    return Optional.of(new Export(path.get(), clients.get(), opts, fsid.get()));
  }

  private static Optional<Path> path(ObjectReader o, String key, boolean required, String example) {
    return o.string(key, required, example).flatMap(s -> {
      Optional<String> problem = Syntax.pathProblem(s);
      if (problem.isPresent()) {
        o.error(key, problem.get(), "write an absolute, normalised path such as " + example);
        return Optional.empty();
      }
      return Optional.of(Path.of(s));
    });
  }

  private static void crossResourceChecks(ObjectReader h, List<Resource> resources, List<ConfigError> errors) {
    Map<Integer, String> fsids = new HashMap<>();
    Map<Path, String> exportPaths = new HashMap<>();
    Map<String, String> vips = new HashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      String rp = "resources[" + i + "]";
      String vipPrev = vips.putIfAbsent(r.floatingIp().address(), r.name());
      if (vipPrev != null) {
        h.error(rp + ".floating-ip.address", "floating IP " + r.floatingIp().address() + " is also used by resource " + vipPrev, "give every resource its own floating IP");
      }
      for (int j = 0; j < r.nfs().exports().size(); j++) {
        Export e = r.nfs().exports().get(j);
        String ep = rp + ".nfs.exports[" + j + "]";
        String prev = fsids.putIfAbsent(e.fsid(), r.name() + " " + e.path());
        if (prev != null) h.error(ep + ".fsid", "fsid " + e.fsid() + " is also used by " + prev, "give every export a unique fsid");
        String prevPath = exportPaths.putIfAbsent(e.path(), r.name());
        if (prevPath != null) h.error(ep + ".path", "export path " + e.path() + " is also exported by resource " + prevPath, "export each path once");
        if (!Syntax.isInside(e.path(), r.filesystem().mountpoint())) {
          h.error(ep + ".path", e.path() + " is not on the resource's filesystem " + r.filesystem().mountpoint(),
              "export a path below " + r.filesystem().mountpoint());
        }
      }
      for (int k = 0; k < resources.size(); k++) {
        if (k == i) continue;
        Resource other = resources.get(k);
        Path mine = r.filesystem().mountpoint();
        Path theirs = other.filesystem().mountpoint();
        if (Syntax.isInside(mine, theirs) && (!mine.equals(theirs) || k < i)) {
          h.error(rp + ".filesystem.mountpoint", mine + (mine.equals(theirs) ? " is also the mountpoint of " : " is inside the mountpoint of ") + "resource " + other.name(),
              "use separate mountpoints that do not nest");
        }
        if (r.filesystem().device().equals(other.filesystem().device()) && k < i) {
          h.error(rp + ".filesystem.device", "device " + r.filesystem().device() + " is also used by resource " + other.name(), "give every resource its own device");
        }
      }
    }
  }

  /** Pekko's reference settings on this classpath, read once (what PekkoBlock checks keys against). */
  private static final class Reference {
    static final Config CONFIG = com.typesafe.config.ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader());
  }
}
