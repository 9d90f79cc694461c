package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Export;
import io.hanfs.config.HanfsConfig.Filesystem;
import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.config.HanfsConfig.Fsck;
import io.hanfs.config.HanfsConfig.Nfs;
import io.hanfs.config.HanfsConfig.NfsServer;
import io.hanfs.config.HanfsConfig.Replication;
import io.hanfs.config.HanfsConfig.ReplicationType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layers of one resource, bottom up: {@code replication}, {@code filesystem}, {@code nfs}
 * (with its exports) and {@code floating-ip}. Each is read from the resource's reader {@code r}
 * and is empty when it has an error (already recorded).
 */
final class ResourceLayers {
  private ResourceLayers() {}

  static Optional<Replication> replication(ObjectReader r) {
    return r.object("replication", true).flatMap(o -> {
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
  }

  static Optional<Filesystem> filesystem(ObjectReader r) {
    return r.object("filesystem", true).flatMap(o -> {
      Optional<Path> device = o.absolutePath("device", true, "\"/dev/drbd0\"");
      Optional<Path> mountpoint = o.absolutePath("mountpoint", true, "\"/srv/nfs/home\"");
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
  }

  static Optional<Nfs> nfs(ObjectReader r) {
    return r.object("nfs", true).flatMap(o -> {
      Optional<NfsServer> server = o.enumValue("server", NfsServer.class, Optional.of(NfsServer.GANESHA));
      Optional<Path> stateDir = o.absolutePath("state-dir", true, "\"/srv/nfs/home/.nfs-state\"");
      // grace = 0s: no grace period (NFS-Ganesha only): faster takeover, but clients cannot reclaim
      // their open and lock state on the new node before others may take it.
      Optional<Duration> grace = o.duration("grace", Duration.ZERO, Duration.ofSeconds(180), Duration.ofSeconds(10));
      Optional<Duration> lease = o.duration("lease", Duration.ofSeconds(1), Duration.ofSeconds(120), Duration.ofSeconds(10));
      Optional<List<Integer>> minors = v4Minors(o);
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
      if (server.isEmpty() || stateDir.isEmpty() || grace.isEmpty() || lease.isEmpty() || minors.isEmpty() || exports.size() != exportReaders.size()
          || exports.isEmpty()) return Optional.empty();
      return Optional.of(new Nfs(server.get(), stateDir.get(), grace.get(), lease.get(), List.copyOf(exports), minors.get()));
    });
  }

  /** nfs.v4-minor-versions: "4.0", "4.1", "4.2" (all by default), sorted, at least one. */
  private static Optional<List<Integer>> v4Minors(ObjectReader o) {
    if (!o.has("v4-minor-versions")) return Optional.of(Nfs.ALL_V4_MINORS);
    Optional<List<String>> raw = o.strings("v4-minor-versions", false, "[\"4.1\", \"4.2\"]");
    if (raw.isEmpty()) return Optional.empty();
    java.util.TreeSet<Integer> minors = new java.util.TreeSet<>();
    for (String v : raw.get()) {
      int at = List.of("4.0", "4.1", "4.2").indexOf(v);
      if (at < 0 || !minors.add(at)) {
        o.error("v4-minor-versions", "\"" + v + "\" is " + (at < 0 ? "not an NFSv4 minor version this server serves" : "named twice"),
            "list each of \"4.0\", \"4.1\", \"4.2\" at most once, e.g. [\"4.1\", \"4.2\"]");
        return Optional.empty();
      }
    }
    if (minors.isEmpty()) {
      o.error("v4-minor-versions", "is empty", "name at least one of \"4.0\", \"4.1\", \"4.2\", or leave the key out for all three");
      return Optional.empty();
    }
    return Optional.of(List.copyOf(minors));
  }

  static Optional<FloatingIp> floatingIp(ObjectReader r) {
    return r.object("floating-ip", true).flatMap(o -> {
      Optional<String> address = o.string("address", true, "\"192.168.33.20/24\"");
      Optional<String> iface = o.string("interface", true, "eth1");
      Optional<Integer> garp = o.integer("gratuitous-arp", 0, 20, Optional.of(3));
      Optional<Boolean> reconnect = o.bool("client-reconnect", true);
      o.finish();
      boolean v6 = address.isPresent() && address.get().contains(":");
      int prefix = address.map(a -> v6 ? Syntax.ipv6CidrPrefix(a) : Syntax.cidrPrefix(a)).orElse(-1);
      if (v6 && address.get().contains("%")) {
        o.error("address", "\"" + address.get() + "\" has a zone id (%...)", "leave it out: the interface field names the link, e.g. fd00:33::20/64");
      } else if (v6 && prefix < 0) {
        o.error("address", "\"" + address.get() + "\" is not an IPv6 address with a prefix length (1 to 128)", "write it as address/prefix, e.g. fd00:33::20/64");
      } else if (prefix < 0 && address.isPresent()) {
        o.error("address", "\"" + address.get() + "\" is not an IPv4 or IPv6 address with a prefix length", "write it as a.b.c.d/prefix, e.g. 192.168.33.20/24, or fd00:33::20/64");
      } else if (address.isPresent() && (prefix == 0 || !v6 && (address.get().startsWith("0.") || address.get().startsWith("127.")))) {
        o.error("address", "\"" + address.get() + "\" cannot be a floating IP", "use a unicast address in the clients' subnet");
      }
      if (iface.isPresent() && !Syntax.isInterface(iface.get())) {
        o.error("interface", "\"" + iface.get() + "\" is not a plain interface name", "use a name like eth1 or bond0.100 (at most 15 characters)");
      }
      if (address.isEmpty() || prefix <= 0 || iface.isEmpty() || !Syntax.isInterface(iface.get()) || garp.isEmpty() || reconnect.isEmpty()) {
        return Optional.empty();
      }
      String ip = IpLiteral.canonical(address.get().substring(0, address.get().indexOf('/')));
      return Optional.of(new FloatingIp(ip, prefix, iface.get(), garp.get(), reconnect.get()));
    });
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
    Optional<Path> path = e.absolutePath("path", true, "\"/srv/nfs/home/export\"");
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
}
