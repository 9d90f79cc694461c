package io.hanfs.config;

import static io.hanfs.config.ConfigLoaderTest.VALID;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The security review's kind of corpus: configs an attacker or a careless hand would write, each
 * refused by validate with an error that names the field (the path given here) and a fix. Parsing
 * touches nothing, so "changes nothing" holds by construction; what is asserted is the refusal.
 */
class HostileConfigCorpusTest {
  record Case(String what, String text, String field) {
    @Override
    public String toString() {
      return what;
    }
  }

  /** VALID with {@code from} replaced (the first occurrence) by {@code to}. */
  static String with(String from, String to) {
    assertTrue(VALID.contains(from), from);
    return VALID.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
  }

  static String inHanfs(String settings) {
    return with("  node = nfs01\n", "  node = nfs01\n  " + settings + "\n");
  }

  static Stream<Case> corpus() {
    List<Case> c = new ArrayList<>();
    // One file: include in every form, anywhere.
    for (String inc : List.of("include \"/etc/shadow\"", "include file(\"/etc/hanfs/secret.conf\")", "include url(\"http://169.254.169.254/latest\")",
        "include required(file(\"/nonexistent\"))", "include classpath(\"application.conf\")")) {
      c.add(new Case(inc + " at the top", inc + "\n" + VALID, "(top level)"));
      c.add(new Case(inc + " in hanfs", inHanfs(inc), "hanfs"));
    }
    // Keys given twice.
    c.add(new Case("node twice", inHanfs("node = nfs02"), "hanfs.node"));
    c.add(new Case("hanfs block twice", VALID + "hanfs { cluster-name = evil }\n", "hanfs"));
    c.add(new Case("dotted key after block", VALID + "hanfs.cluster-name = evil\nhanfs.cluster-name = other\n", "hanfs.cluster-name"));
    c.add(new Case("fsid twice in one export", with("fsid = 1", "fsid = 1, fsid = 9"), "hanfs.resources[0].nfs.exports[0].fsid"));
    // The pekko block: safety settings and typos.
    for (String[] p : List.of(new String[] {"pekko.actor.allow-java-serialization = on", "pekko.actor.allow-java-serialization"},
        new String[] {"pekko.cluster.downing-provider-class = \"\"", "pekko.cluster.downing-provider-class"},
        new String[] {"pekko.cluster.split-brain-resolver.active-strategy = keep-oldest", "pekko.cluster.split-brain-resolver.active-strategy"},
        new String[] {"pekko.remote.artery.transport = tcp", "pekko.remote.artery.transport"},
        new String[] {"pekko.remote.artery.canonical.hostname = \"0.0.0.0\"", "pekko.remote.artery.canonical"},
        new String[] {"pekko.remote.artery.bind.hostname = \"0.0.0.0\"", "pekko.remote.artery.bind"},
        new String[] {"pekko.management.http.bind-hostname = \"0.0.0.0\"", "pekko.management"},
        new String[] {"pekko.cluster.seed-nodes = [\"pekko://hanfs@10.9.9.9:25520\"]", "pekko.cluster.seed-nodes"},
        new String[] {"pekko.actor.serializers.java = \"org.apache.pekko.serialization.JavaSerializer\"", "pekko.actor.serializers"},
        new String[] {"pekko.persistence.journal.plugin = evil", "pekko.persistence"},
        new String[] {"pekko.extensions = [\"com.evil.Ext\"]", "pekko.extensions"},
        new String[] {"pekko.loglevl = DEBUG", "pekko.loglevl"},
        new String[] {"pekko.actor.debug.recieve = on", "pekko.actor.debug.recieve"})) {
      c.add(new Case(p[0], p[0] + "\n" + VALID, p[1]));
    }
    // Names that would be paths, shell or JSON in other places.
    c.add(new Case("cluster name with a slash", inHanfs("cluster-name = \"a/b\""), "hanfs.cluster-name"));
    c.add(new Case("node name with a semicolon", VALID.replace("nfs02", "\"nfs02;reboot\""), "hanfs.nodes[1].name"));
    c.add(new Case("resource name with ..", with("name = home", "name = \"../home\""), "hanfs.resources[0].name"));
    c.add(new Case("upper-case resource name", with("name = home", "name = Home"), "hanfs.resources[0].name"));
    // Addresses.
    c.add(new Case("node at 0.0.0.0", with("\"192.168.33.22\"", "\"0.0.0.0\""), "hanfs.nodes[1].address"));
    c.add(new Case("node at a multicast address", with("\"192.168.33.22\"", "\"224.0.0.1\""), "hanfs.nodes[1].address"));
    c.add(new Case("node at 300.1.1.1", with("\"192.168.33.22\"", "\"300.1.1.1\""), "hanfs.nodes[1].address"));
    c.add(new Case("node address with a shell", with("\"192.168.33.22\"", "\"$(reboot)\""), "hanfs.nodes[1].address"));
    c.add(new Case("VIP is the network", with("192.168.33.20/24", "192.168.33.0/24"), "hanfs.resources[0].floating-ip.address"));
    c.add(new Case("VIP is the broadcast", with("192.168.33.20/24", "192.168.33.255/24"), "hanfs.resources[0].floating-ip.address"));
    c.add(new Case("VIP is multicast", with("192.168.33.20/24", "239.1.1.1/24"), "hanfs.resources[0].floating-ip.address"));
    c.add(new Case("VIP is 255.255.255.255", with("192.168.33.20/24", "255.255.255.255/24"), "hanfs.resources[0].floating-ip.address"));
    c.add(new Case("VIP is a node's own", with("192.168.33.20/24", "192.168.33.22/24"), "hanfs.resources[0].floating-ip.address"));
    c.add(new Case("VIP prefix 33", with("192.168.33.20/24", "192.168.33.20/33"), "hanfs.resources[0].floating-ip.address"));
    c.add(new Case("VIP without prefix", with("192.168.33.20/24", "192.168.33.20"), "hanfs.resources[0].floating-ip.address"));
    // IPv6: literals are accepted (Ipv6ConfigTest); what no node or floating IP can be is refused.
    for (String[] v : List.of(new String[] {"node with a zone id", "\"fe80::1%eth1\""}, new String[] {"node at a link-local address", "\"fe80::1\""},
        new String[] {"node at ::", "\"::\""}, new String[] {"node at an IPv6 multicast address", "\"ff02::1\""},
        new String[] {"node in brackets", "\"[fd00::22]\""}, new String[] {"node at an IPv4-mapped address", "\"::ffff:c0a8:2116\""},
        new String[] {"node with two ::", "\"fd00::1::2\""}, new String[] {"node with a 5-digit group", "\"fd00::12345\""},
        new String[] {"node with a dotted quad tail", "\"::ffff:192.168.33.22\""}, new String[] {"node with nine groups", "\"1:2:3:4:5:6:7:8:9\""})) {
      c.add(new Case(v[0], with("\"192.168.33.22\"", v[1]), "hanfs.nodes[1].address"));
    }
    for (String[] v : List.of(new String[] {"IPv6 VIP prefix 129", "fd00:33::20/129"}, new String[] {"IPv6 VIP prefix 0", "fd00:33::20/0"},
        new String[] {"IPv6 VIP without prefix", "fd00:33::20"}, new String[] {"IPv6 VIP with a zone id", "fe80::20%eth1/64"},
        new String[] {"IPv6 VIP link-local", "fe80::20/64"}, new String[] {"IPv6 VIP multicast", "ff05::20/64"}, new String[] {"IPv6 VIP loopback", "::1/128"},
        new String[] {"IPv6 VIP unspecified", "::/64"}, new String[] {"IPv6 VIP is the subnet-router anycast", "fd00:33::/64"},
        new String[] {"IPv6 VIP in brackets", "[fd00:33::20]/64"}, new String[] {"IPv6 VIP with a shell", "fd00:33::20/64;reboot"})) {
      c.add(new Case(v[0], with("192.168.33.20/24", v[1]), "hanfs.resources[0].floating-ip.address"));
    }
    c.add(new Case("IPv6 VIP is a node's own (written another way)", with("\"192.168.33.22\"", "\"fd00:33:0::22\"").replace("192.168.33.20/24", "fd00:33::0:22/64"),
        "hanfs.resources[0].floating-ip.address"));
    c.add(new Case("management on every IPv6 address", inHanfs("management { hostname = \"::\", https = on }"), "hanfs.management.hostname"));
    c.add(new Case("management on a public IPv6 address without https", inHanfs("management { hostname = \"fd00:33::21\" }"), "hanfs.management.hostname"));
    c.add(new Case("management on a bracketed address", inHanfs("management { hostname = \"[::1]\" }"), "hanfs.management.hostname"));
    c.add(new Case("interface with a shell", with("interface = eth1", "interface = \"eth1;reboot\""), "hanfs.resources[0].floating-ip.interface"));
    c.add(new Case("interface path", with("interface = eth1", "interface = \"../../x\""), "hanfs.resources[0].floating-ip.interface"));
    c.add(new Case("interface too long", with("interface = eth1", "interface = averyveryverylongname"), "hanfs.resources[0].floating-ip.interface"));
    // The filesystem.
    c.add(new Case("device with a shell", with("\"/dev/drbd0\"", "\"/dev/drbd0;reboot\""), "hanfs.resources[0].filesystem.device"));
    c.add(new Case("relative device", with("\"/dev/drbd0\"", "\"drbd0\""), "hanfs.resources[0].filesystem.device"));
    c.add(new Case("mountpoint /", VALID.replace("/srv/nfs/home", "/"), "hanfs.resources[0].filesystem.mountpoint"));
    for (String sys : List.of("/etc", "/usr", "/boot", "/var/lib", "/proc/self", "/dev/shm", "/tmp")) {
      c.add(new Case("mountpoint " + sys, VALID.replace("/srv/nfs/home", sys), "hanfs.resources[0].filesystem.mountpoint"));
    }
    c.add(new Case("relative mountpoint", VALID.replace("\"/srv/nfs/home\"", "\"srv/home\""), "hanfs.resources[0].filesystem.mountpoint"));
    c.add(new Case("mountpoint with ..", VALID.replace("\"/srv/nfs/home\"", "\"/srv/../etc\""), "hanfs.resources[0].filesystem.mountpoint"));
    c.add(new Case("fstype with an option", with("fstype = xfs", "fstype = \"xfs -o x\""), "hanfs.resources[0].filesystem.fstype"));
    c.add(new Case("fstype unknown", with("fstype = xfs", "fstype = ntfs"), "hanfs.resources[0].filesystem.fstype"));
    // NFS and exports.
    c.add(new Case("export outside the mountpoint", with("path = \"/srv/nfs/home/export\"", "path = \"/etc\""), "hanfs.resources[0].nfs.exports[0].path"));
    c.add(new Case("export of the NFS state dir", with("path = \"/srv/nfs/home/export\"", "path = \"/srv/nfs/home/.nfs-state\""),
        "hanfs.resources[0].nfs.exports[0].path"));
    c.add(new Case("NFS state dir outside the mountpoint", with("\"/srv/nfs/home/.nfs-state\"", "\"/var/lib/nfs\""), "hanfs.resources[0].nfs.state-dir"));
    c.add(new Case("clients with a space", with("clients = \"192.168.33.0/24\"", "clients = \"192.168.33.0/24 *\""), "hanfs.resources[0].nfs.exports[0].clients"));
    c.add(new Case("clients with a shell", with("clients = \"192.168.33.0/24\"", "clients = \"$(reboot)\""), "hanfs.resources[0].nfs.exports[0].clients"));
    c.add(new Case("clients with options", with("clients = \"192.168.33.0/24\"", "clients = \"10.0.0.0/8(rw,no_root_squash)\""),
        "hanfs.resources[0].nfs.exports[0].clients"));
    c.add(new Case("bad netgroup", with("clients = \"192.168.33.0/24\"", "clients = \"@\""), "hanfs.resources[0].nfs.exports[0].clients"));
    c.add(new Case("options with a semicolon", with("options = \"rw,sync,no_root_squash\"", "options = \"rw;sync\""), "hanfs.resources[0].nfs.exports[0].options"));
    c.add(new Case("unknown option", with("options = \"rw,sync,no_root_squash\"", "options = \"rw,evil\""), "hanfs.resources[0].nfs.exports[0].options"));
    c.add(new Case("fsid in options", with("options = \"rw,sync,no_root_squash\"", "options = \"rw,fsid=0\""), "hanfs.resources[0].nfs.exports[0].options"));
    c.add(new Case("anonuid not a number", with("options = \"rw,sync,no_root_squash\"", "options = \"rw,anonuid=root\""), "hanfs.resources[0].nfs.exports[0].options"));
    c.add(new Case("bad sec flavour", with("options = \"rw,sync,no_root_squash\"", "options = \"rw,sec=krb4\""), "hanfs.resources[0].nfs.exports[0].options"));
    c.add(new Case("rw and ro", with("options = \"rw,sync,no_root_squash\"", "options = \"rw,ro\""), "hanfs.resources[0].nfs.exports[0].options"));
    c.add(new Case("fsid negative", with("fsid = 1", "fsid = -1"), "hanfs.resources[0].nfs.exports[0].fsid"));
    c.add(new Case("fsid too large", with("fsid = 1", "fsid = 70000"), "hanfs.resources[0].nfs.exports[0].fsid"));
    c.add(new Case("grace as text", with("grace = 10s", "grace = soon"), "hanfs.resources[0].nfs.grace"));
    c.add(new Case("a 200 KB mount option", with("options = \"rw,sync,no_root_squash\"", "options = \"" + "rw,".repeat(70_000) + "sync\""),
        "hanfs.resources[0].nfs.exports[0].options"));
    // Replication.
    c.add(new Case("DRBD resource all", with("resource = r0", "resource = all"), "hanfs.resources[0].replication.resource"));
    c.add(new Case("DRBD resource with a shell", with("resource = r0", "resource = \"r0;reboot\""), "hanfs.resources[0].replication.resource"));
    c.add(new Case("replication type unknown", with("type = drbd", "type = rsync"), "hanfs.resources[0].replication.type"));
    // Management, ports, the state directory.
    c.add(new Case("management on every address", inHanfs("management { hostname = \"0.0.0.0\" }"), "hanfs.management.hostname"));
    c.add(new Case("management on a public address", inHanfs("management { hostname = \"192.168.33.21\" }"), "hanfs.management.hostname"));
    c.add(new Case("management on every address over https", inHanfs("management { hostname = \"0.0.0.0\", https = on }"), "hanfs.management.hostname"));
    c.add(new Case("management on the node's address without https", inHanfs("management { hostname = node-address }"), "hanfs.management.hostname"));
    c.add(new Case("management client certificates without https", inHanfs("management { client-certificates = required }"), "hanfs.management.client-certificates"));
    c.add(new Case("management https without tls", inHanfs("management { https = on }\n  tls { enabled = false }"), "hanfs.management.https"));
    c.add(new Case("scsi reservations on DRBD", with("resource = r0", "resource = r0, fencing = scsi-reservation"), "hanfs.resources[0].replication.fencing"));
    c.add(new Case("management port 0", inHanfs("management { port = 0 }"), "hanfs.management.port"));
    c.add(new Case("management port 70000", inHanfs("management { port = 70000 }"), "hanfs.management.port"));
    c.add(new Case("remoting port = management port", inHanfs("remoting-port = 7626"), "hanfs.remoting-port"));
    c.add(new Case("remoting port 0", inHanfs("remoting-port = 0"), "hanfs.remoting-port"));
    c.add(new Case("state dir /", inHanfs("state-dir = \"/\""), "hanfs.state-dir"));
    c.add(new Case("state dir /etc", inHanfs("state-dir = \"/etc\""), "hanfs.state-dir"));
    c.add(new Case("relative state dir", inHanfs("state-dir = \"state\""), "hanfs.state-dir"));
    c.add(new Case("state dir on the replicated filesystem", inHanfs("state-dir = \"/srv/nfs/home/hanfs\""), "hanfs.resources[0].filesystem.mountpoint"));
    c.add(new Case("state dir with a JDBC separator", inHanfs("state-dir = \"/var/lib/hanfs;INIT=RUNSCRIPT\""), "hanfs.state-dir"));
    // Lease, ledger, watchdog, TLS.
    c.add(new Case("lease of 1 ms", inHanfs("lease { duration = 1ms }"), "hanfs.lease.duration"));
    c.add(new Case("lease margin of an hour", inHanfs("lease { margin = 1h }"), "hanfs.lease.margin"));
    c.add(new Case("restart grace of an hour", inHanfs("lease { restart-grace = 1h }"), "hanfs.lease.restart-grace"));
    c.add(new Case("ledger URL with driver parameters", inHanfs("ledger { store = postgresql, user = hanfs, url = \"jdbc:postgresql://db/h;socketFactory=x.Y\" }"),
        "hanfs.ledger.url"));
    c.add(new Case("ledger ssl-mode unknown", inHanfs("ledger { store = postgresql, user = hanfs, url = \"jdbc:postgresql://db:5432/h\", "
        + "password-file = \"/etc/hanfs/p\", ssl-mode = off }"), "hanfs.ledger.ssl-mode"));
    c.add(new Case("ledger store unknown", inHanfs("ledger { store = mysql }"), "hanfs.ledger.store"));
    c.add(new Case("relative ledger password file", inHanfs("ledger { store = postgresql, user = hanfs, url = \"jdbc:postgresql://db:5432/h\", "
        + "password-file = \"p\" }"), "hanfs.ledger.password-file"));
    c.add(new Case("relative watchdog", inHanfs("watchdog { device = \"watchdog\", timeout = 5s }"), "hanfs.watchdog.device"));
    c.add(new Case("watchdog timeout under a second", inHanfs("watchdog { device = \"/dev/watchdog\", timeout = 500ms }"), "hanfs.watchdog.timeout"));
    c.add(new Case("watchdog longer than the lease", inHanfs("watchdog { device = \"/dev/watchdog\", timeout = 30s }"), "hanfs.watchdog.timeout"));
    c.add(new Case("relative TLS key", inHanfs("tls { key-file = \"node.key\" }"), "hanfs.tls.key-file"));
    // Unknown keys.
    c.add(new Case("unknown top-level block", "evil { x = 1 }\n" + VALID, "evil"));
    c.add(new Case("unknown hanfs key", inHanfs("fence-command = \"reboot\""), "hanfs.fence-command"));
    c.add(new Case("unknown resource key", with("preferred-node = nfs01", "preferred-node = nfs01, start-script = \"/tmp/x\""), "hanfs.resources[0].start-script"));
    c.add(new Case("a file too large", VALID + "#" + "x".repeat(300_000), "(text)"));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedWithTheFieldAndAFix(Case c) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.parse(c.text()), c.what() + " was accepted");
    assertTrue(e.errors().stream().anyMatch(err -> err.path().equals(c.field()) || err.path().startsWith(c.field() + ".")),
        c.what() + ": no error names " + c.field() + ": " + e.errors());
    assertTrue(e.errors().stream().noneMatch(err -> err.fix().isBlank()), c.what() + ": every error says the fix: " + e.errors());
    assertFalse(e.getMessage().length() > 20_000, "the message stays readable");
  }

  @org.junit.jupiter.api.Test
  void theCorpusIsLarge() {
    assertTrue(corpus().count() >= 80, "cases: " + corpus().count());
  }
}
