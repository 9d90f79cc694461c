package io.hanfs.config;

import static io.hanfs.config.ConfigLoaderTest.VALID;
import static io.hanfs.config.ConfigLoaderTest.errorsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** IPv6 node addresses, floating IPs and management addresses: accepted, kept in RFC 5952 form, refused with the field and a fix. */
class Ipv6ConfigTest {
  static final String V6 = VALID.replace("\"192.168.33.21\"", "\"FD00:33:0:0::21\"").replace("\"192.168.33.22\"", "\"fd00:33::22\"")
      .replace("\"192.168.33.23\"", "\"fd00:33::0023\"").replace("192.168.33.20/24", "fd00:33::20/64").replace("192.168.33.30/24", "2001:db8:0:0:1:0:0:30/80");

  @Test
  void ipv6NodesAndFloatingIpsAreAcceptedInRfc5952Form() throws Exception {
    HanfsConfig c = ConfigLoader.parse(V6);
    assertEquals(List.of("fd00:33::21", "fd00:33::22", "fd00:33::23"), c.nodes().stream().map(HanfsConfig.Node::address).toList());
    HanfsConfig.FloatingIp home = c.resource("home").orElseThrow().floatingIp();
    assertEquals("fd00:33::20", home.address());
    assertEquals(64, home.prefixLength());
    assertEquals("fd00:33::20/64", home.cidr());
    assertEquals("2001:db8::1:0:0:30/80", c.resource("data").orElseThrow().floatingIp().cidr());
  }

  /** Export client specs in IPv6: an address or a prefix; a bad prefix or a zone id is refused with the field. */
  @Test
  void ipv6ExportClientsAreAcceptedAndBadOnesRefused() throws Exception {
    HanfsConfig c = ConfigLoader.parse(V6.replace("clients = \"192.168.33.0/24\"", "clients = [\"fd00:33::/64\", \"fd00:44::7\"]"));
    assertEquals(List.of("fd00:33::/64", "fd00:44::7"), c.resource("home").orElseThrow().nfs().exports().get(0).clients());
    for (String bad : List.of("fd00:33::/129", "fe80::7%eth0", "fd00:::7", "fd00:33::/64/2")) {
      ConfigError e = ConfigLoaderTest.onlyError(V6.replace("clients = \"192.168.33.0/24\"", "clients = \"" + bad + "\""));
      assertEquals("hanfs.resources[0].nfs.exports[0].clients", e.path(), bad + ": " + e);
    }
  }

  @Test
  void anIpv4ConfigIsReadAsBefore() throws Exception {
    HanfsConfig c = ConfigLoader.parse(VALID);
    assertEquals("192.168.33.21", c.nodes().get(0).address());
    assertEquals("192.168.33.20/24", c.resource("home").orElseThrow().floatingIp().cidr());
  }

  @Test
  void mixedFamiliesAreAllowed() throws Exception {
    HanfsConfig c = ConfigLoader.parse(VALID.replace("192.168.33.30/24", "fd00:33::30/64"));
    assertEquals("fd00:33::30/64", c.resource("data").orElseThrow().floatingIp().cidr());
  }

  @Test
  void oneAddressWrittenTwoWaysIsOneAddress() {
    List<ConfigError> errors = errorsOf(V6.replace("\"fd00:33::22\"", "\"fd00:33:0::21\""));
    assertTrue(errors.stream().anyMatch(e -> e.path().equals("hanfs.nodes[1].address") && e.problem().contains("already used")), errors.toString());
    List<ConfigError> vips = errorsOf(V6.replace("2001:db8:0:0:1:0:0:30/80", "fd00:33:0:0:0:0:0:20/64"));
    assertTrue(vips.stream().anyMatch(e -> e.path().equals("hanfs.resources[1].floating-ip.address") && e.problem().contains("also used")), vips.toString());
  }

  @Test
  void errorsNameTheFieldAndTheFix() {
    ConfigError zone = ConfigLoaderTest.onlyError(V6.replace("\"fd00:33::22\"", "\"fe80::22%eth1\""));
    assertEquals("hanfs.nodes[1].address", zone.path());
    assertTrue(zone.problem().contains("zone id") && zone.fix().contains("unique-local"), zone.toString());
    ConfigError linkLocal = ConfigLoaderTest.onlyError(V6.replace("\"fd00:33::22\"", "\"fe80::22\""));
    assertTrue(linkLocal.problem().contains("link-local"), linkLocal.toString());
    ConfigError prefix = ConfigLoaderTest.onlyError(V6.replace("fd00:33::20/64", "fd00:33::20/129"));
    assertEquals("hanfs.resources[0].floating-ip.address", prefix.path());
    assertTrue(prefix.problem().contains("1 to 128") && prefix.fix().contains("fd00:33::20/64"), prefix.toString());
    ConfigError anycast = ConfigLoaderTest.onlyError(V6.replace("fd00:33::20/64", "fd00:33::/64"));
    assertTrue(anycast.problem().contains("subnet-router anycast"), anycast.toString());
    ConfigError v4prefix = ConfigLoaderTest.onlyError(VALID.replace("192.168.33.20/24", "192.168.33.20/33"));
    assertTrue(v4prefix.problem().contains("not an IPv4 or IPv6 address with a prefix length"), v4prefix.toString());
  }

  @Test
  void managementOnIpv6() throws Exception {
    HanfsConfig loop = ConfigLoader.parse(V6.replace("  node = nfs01\n", "  node = nfs01\n  management { hostname = \"0:0::1\" }\n"));
    assertEquals("::1", loop.management().hostname());
    assertEquals("http://[::1]:7626", loop.management().url(loop.nodes().get(0)));
    HanfsConfig byNode = ConfigLoader.parse(V6.replace("  node = nfs01\n", "  node = nfs01\n  management { hostname = node-address, https = on }\n"));
    assertEquals("https://[fd00:33::21]:7626", byNode.management().url(byNode.nodes().get(0)));
  }

  @Test
  void literalsAreParsedStrictlyAndWithoutDns() {
    for (String ok : List.of("::", "::1", "fd00::1", "FD00:0:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "2001:db8::ffff")) {
      assertTrue(IpLiteral.isIpv6(ok), ok);
    }
    for (String bad : List.of("", ":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::2", "1::2:", "12345::", "g::1", "fe80::1%eth0",
        "::ffff:1.2.3.4", "[::1]", "::1 ", "localhost", "1:2:3:4:5:6:7:8::")) {
      assertFalse(IpLiteral.isIpv6(bad), bad);
    }
  }

  @Test
  void formattingFollowsRfc5952() {
    assertEquals("2001:db8::1", IpLiteral.canonical("2001:0DB8:0000:0000:0000:0000:0000:0001"));
    assertEquals("2001:db8:0:1:1:1:1:1", IpLiteral.canonical("2001:db8:0:1:1:1:1:1"), "one zero group is not compressed");
    assertEquals("2001:db8::1:0:0:1", IpLiteral.canonical("2001:db8:0:0:1:0:0:1"), "the first of two equal runs");
    assertEquals("2001:0:0:1::1", IpLiteral.canonical("2001:0:0:1:0:0:0:1"), "the longest run");
    assertEquals("::", IpLiteral.canonical("0:0:0:0:0:0:0:0"));
    assertEquals("::1", IpLiteral.canonical("0::1"));
    assertEquals("1::", IpLiteral.canonical("1:0:0:0:0:0:0:0"));
    assertEquals("192.168.33.21", IpLiteral.canonical("192.168.33.21"));
    assertEquals("nfs01.example", IpLiteral.canonical("nfs01.example"));
  }

  @Test
  void hostsInUrisAreBracketed() {
    assertEquals("[fd00::1]:2552", IpLiteral.hostPort("fd00:0::1", 2552));
    assertEquals("192.168.33.21:2552", IpLiteral.hostPort("192.168.33.21", 2552));
    assertEquals("nfs01:2552", IpLiteral.hostPort("nfs01", 2552));
    assertEquals("fd00::1", IpLiteral.unbracketed("[fd00:0::1]"));
    assertEquals("192.168.33.21", IpLiteral.unbracketed("192.168.33.21"));
    assertEquals(Optional.of("[fd00::1]"), Optional.of(IpLiteral.uriHost("fd00::1")));
  }
}
