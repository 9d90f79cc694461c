package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Export;
import io.hanfs.config.HanfsConfig.Node;
import io.hanfs.config.HanfsConfig.Resource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Values that are well-formed but the wrong things, checked over the whole config once every
 * field parsed, pure: a DRBD resource named {@code all}, a floating IP that is its network's or
 * broadcast address, multicast, loopback or a node's own, a node address 0.0.0.0, a mountpoint or
 * state directory that is a system directory or holds the other, an export of the NFS state
 * directory, the remoting port equal to the management port, HTTPS without the node's certificate, two resources on one replicated
 * resource, two resources on the kernel NFS server (one per node: one nfsd, one statd,
 * one /var/lib/nfs). Each error names the field and the fix.
 */
final class SemanticChecks {
  private SemanticChecks() {}

  /** Directories no resource may be mounted on, nor the state directory be. */
  static final Set<Path> SYSTEM_DIRS = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/opt", "/proc", "/root",
      "/run", "/sbin", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/log", "/var/lib/nfs").stream().map(Path::of).collect(java.util.stream.Collectors.toSet());

  /** Trees whose insides are the kernel's or the system's, never a resource's. */
  static final List<Path> SYSTEM_TREES = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"), Path.of("/run"), Path.of("/boot"), Path.of("/etc"), Path.of("/usr"));

  static List<ConfigError> errors(HanfsConfig c) {
    List<ConfigError> out = new ArrayList<>();
    for (int i = 0; i < c.nodes().size(); i++) {
      Node n = c.nodes().get(i);
      Optional<Long> a = ipv4(n.address());
      if (a.isPresent() && (a.get() == 0 || isMulticast(a.get()) || a.get() == 0xFFFFFFFFL)) {
        out.add(error("hanfs.nodes[" + i + "].address", n.address() + " is not an address a node can be reached at", "give the node's own unicast address"));
      }
      String field = "hanfs.nodes[" + i + "].address";
      ipv6Problem(n.address()).ifPresent(p -> out.add(error(field, n.address() + " is " + p + ", not an address a node can be reached at",
          "give the node's own global or unique-local IPv6 address (e.g. fd00:33::21)")));
    }
    if (c.remotingPort() == c.management().port()) {
      out.add(error("hanfs.remoting-port", "is the management port too (" + c.management().port() + ")", "use two different ports, e.g. 25520 and 7626"));
    }
    if (c.management().https() && !c.tls().enabled()) {
      out.add(error("hanfs.management.https", "HTTPS serves the node's certificate from hanfs.tls, which is disabled", "enable hanfs.tls, or set https = off on a loopback hostname"));
    }
    boolean stateIsSystem = isSystemDir(c.stateDir());
    if (stateIsSystem) {
      out.add(error("hanfs.state-dir", c.stateDir() + " is a system directory", "use a directory of its own, e.g. /var/lib/hanfs"));
    }
    Map<String, String> replicated = new HashMap<>();
    Optional<String> kernelNfs = Optional.empty();
    for (int i = 0; i < c.resources().size(); i++) {
      Resource r = c.resources().get(i);
      String rp = "hanfs.resources[" + i + "]";
      Path mp = r.filesystem().mountpoint().normalize();
      r.replication().replicatedResource().ifPresent(tool -> {
        if (tool.equals("all")) {
          out.add(error(rp + ".replication.resource", "\"all\" means every " + r.replication().type() + " resource to drbdadm and hastctl", "name the one resource this one replicates"));
        }
        String prev = replicated.putIfAbsent(r.replication().type() + "/" + tool, r.name());
        if (prev != null) out.add(error(rp + ".replication.resource", r.replication().type() + " resource " + tool + " is also resource " + prev + "'s", "give every resource its own replicated resource"));
      });
      // "/" itself, a shared device and nested mountpoints are the field checks' (ResourceLayers, CrossResourceChecks).
      if (mp.getNameCount() > 0 && isSystemDir(mp)) {
        out.add(error(rp + ".filesystem.mountpoint", mp + " is a system directory", "mount the resource on a directory of its own, e.g. /srv/nfs/" + r.name()));
      }
      Path state = c.stateDir().normalize();
      if (mp.getNameCount() > 0 && !isSystemDir(mp) && !stateIsSystem && (state.startsWith(mp) || mp.startsWith(state))) {
        out.add(error(rp + ".filesystem.mountpoint", mp + " and the state directory " + state + " hold one another: the state would move with the data, or the data hide the state",
            "keep hanfs.state-dir on the node's own disk, apart from every mountpoint"));
      }
      for (int j = 0; j < r.nfs().exports().size(); j++) {
        Export e = r.nfs().exports().get(j);
        if (e.path().normalize().startsWith(r.nfs().stateDir().normalize())) {
          out.add(error(rp + ".nfs.exports[" + j + "].path", e.path() + " is inside the NFS state directory " + r.nfs().stateDir() + ": clients would see and change the server's lock and client records",
              "export the data, e.g. " + mp.resolve("export")));
        }
      }
      if (r.nfs().server() == HanfsConfig.NfsServer.KERNEL) {
        if (kernelNfs.isPresent()) {
          out.add(error(rp + ".nfs.server", "resource " + kernelNfs.get() + " uses the kernel NFS server too; a node has one (one nfsd, one statd, one /var/lib/nfs), and both resources may land on one node",
              "serve one resource with the kernel server and the others with server = ganesha, or all exports from one resource"));
        }
        kernelNfs = Optional.of(r.name());
      }
      floatingIpErrors(c, r, rp + ".floating-ip.address", out);
    }
    return out;
  }

  private static void floatingIpErrors(HanfsConfig c, Resource r, String path, List<ConfigError> out) {
    if (Syntax.isIpv6(r.floatingIp().address())) {
      ipv6FloatingIpErrors(r, path, out);
      nodeOwnAddressErrors(c, r, path, out);
      return;
    }
    Optional<Long> ip = ipv4(r.floatingIp().address());
    if (ip.isEmpty()) return;
    int prefix = r.floatingIp().prefixLength();
    long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    long network = ip.get() & mask;
    long broadcast = network | (~mask & 0xFFFFFFFFL);
    String fix = "use a free unicast address of the clients' network for the resource";
    // Loopback and 0.x are the field check's (ResourceLayers.floatingIp).
    if (isMulticast(ip.get()) || ip.get() == 0xFFFFFFFFL) {
      out.add(error(path, r.floatingIp().address() + " is not a unicast address clients can reach", fix));
    } else if (prefix <= 30 && (ip.get() == network || ip.get() == broadcast)) {
      out.add(error(path, r.floatingIp().cidr() + " is the " + (ip.get() == network ? "network" : "broadcast") + " address of its subnet", fix));
    }
    nodeOwnAddressErrors(c, r, path, out);
  }

  private static void nodeOwnAddressErrors(HanfsConfig c, Resource r, String path, List<ConfigError> out) {
    for (Node n : c.nodes()) {
      if (n.address().equals(r.floatingIp().address())) {
        out.add(error(path, r.floatingIp().address() + " is node " + n.name() + "'s own address", "use a free unicast address of the clients' network for the resource"));
      }
    }
  }

  private static void ipv6FloatingIpErrors(Resource r, String path, List<ConfigError> out) {
    String fix = "use a free global or unique-local address of the clients' network for the resource (e.g. fd00:33::20/64)";
    Optional<String> problem = ipv6Problem(r.floatingIp().address());
    if (problem.isPresent()) {
      out.add(error(path, r.floatingIp().address() + " is " + problem.get() + ", not a unicast address clients can reach", fix));
      return;
    }
    // All host bits zero is the subnet-router anycast address (RFC 4291 2.6.1): the routers' own.
    byte[] a = IpLiteral.parseIpv6(r.floatingIp().address()).orElseThrow();
    int prefix = r.floatingIp().prefixLength();
    boolean hostBitsZero = true;
    for (int bit = prefix; bit < 128; bit++) hostBitsZero &= (a[bit / 8] >> (7 - bit % 8) & 1) == 0;
    if (prefix < 127 && hostBitsZero) out.add(error(path, r.floatingIp().cidr() + " is the subnet-router anycast address of its subnet", fix));
  }

  /** Why an IPv6 literal cannot be a node's or a floating address (empty when it can, or is no IPv6 literal). */
  static Optional<String> ipv6Problem(String s) {
    Optional<byte[]> parsed = IpLiteral.parseIpv6(s);
    if (parsed.isEmpty()) return Optional.empty();
    byte[] a = parsed.get();
    boolean upperZero = true;
    for (int i = 0; i < 10; i++) upperZero &= a[i] == 0;
    String c = IpLiteral.format(a);
    if (c.equals("::")) return Optional.of("the unspecified address");
    if (c.equals("::1")) return Optional.of("the loopback address");
    if ((a[0] & 0xff) == 0xff) return Optional.of("a multicast address");
    if ((a[0] & 0xff) == 0xfe && (a[1] & 0xc0) == 0x80) return Optional.of("a link-local address (it needs a zone id)");
    if (upperZero && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) return Optional.of("an IPv4-mapped address (write the IPv4 address itself)");
    return Optional.empty();
  }

  static boolean isSystemDir(Path p) {
    Path n = p.normalize();
    if (SYSTEM_DIRS.contains(n)) return true;
    for (Path t : SYSTEM_TREES) if (n.startsWith(t)) return true;
    return false;
  }

  private static boolean isMulticast(long a) {
    return a >> 28 == 0xE;
  }

  private static Optional<Long> ipv4(String s) {
    if (!Syntax.isIpv4(s)) return Optional.empty();
    long v = 0;
    for (String part : s.split("\\.")) v = v << 8 | Integer.parseInt(part);
    return Optional.of(v);
  }

  private static ConfigError error(String path, String problem, String fix) {
    return new ConfigError(path, 0, problem, fix);
  }
}
