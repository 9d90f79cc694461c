package io.hanfs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  /** A valid two-resource cluster; each test breaks one thing in it. */
  static final String VALID = """
      hanfs {
        node = nfs01
        nodes = [ { name = nfs01, address = "192.168.33.21", roles = [data] },
                  { name = nfs02, address = "192.168.33.22", roles = [data] },
                  { name = arbiter, address = "192.168.33.23", roles = [witness] } ]
        resources = [ {
          name = home
          replication { type = drbd, resource = r0 }
          filesystem  { device = "/dev/drbd0", mountpoint = "/srv/nfs/home", fstype = xfs, fsck = auto }
          nfs { server = kernel, state-dir = "/srv/nfs/home/.nfs-state", grace = 10s
                exports = [ { path = "/srv/nfs/home/export", clients = "192.168.33.0/24", options = "rw,sync,no_root_squash", fsid = 1 } ] }
          floating-ip { address = "192.168.33.20/24", interface = eth1, gratuitous-arp = 3 }
          preferred-node = nfs01, failback = off
        }, {
          name = data
          replication { type = shared }
          filesystem  { device = "/dev/sdb1", mountpoint = "/srv/nfs/data", fstype = ext4 }
          nfs { state-dir = "/srv/nfs/data/.nfs-state"
                exports = [ { path = "/srv/nfs/data", clients = ["192.168.33.0/24", "*.lab.example"], options = [ro], fsid = 2 } ] }
          floating-ip { address = "192.168.33.30/24", interface = "bond0.100" }
        } ]
      }
      """;

  static List<ConfigError> errorsOf(String text) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.parse(text));
    return e.errors();
  }

  static ConfigError onlyError(String text) {
    List<ConfigError> errors = errorsOf(text);
    assertEquals(1, errors.size(), () -> "expected one error, got " + errors);
    return errors.get(0);
  }

  static String describe(List<ConfigError> errors) {
    return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void validConfigBecomesRecordsWithDefaults() throws Exception {
    HanfsConfig c = ConfigLoader.parse(VALID);
    assertEquals(3, c.nodes().size());
    assertEquals("nfs01", c.localNode().orElseThrow());
    Resource home = c.resource("home").orElseThrow();
    assertEquals(HanfsConfig.ReplicationType.DRBD, home.replication().type());
    assertEquals("r0", home.replication().replicatedResource().orElseThrow());
    assertEquals(Duration.ofSeconds(10), home.nfs().grace());
    assertEquals("192.168.33.20", home.floatingIp().address());
    assertEquals(24, home.floatingIp().prefixLength());
    assertEquals(List.of("rw", "sync", "no_root_squash"), home.nfs().exports().get(0).options());
    Resource data = c.resource("data").orElseThrow();
    assertEquals(HanfsConfig.NfsServer.GANESHA, data.nfs().server(), "ganesha is the default server");
    assertEquals(3, data.migrationThreshold());
    assertEquals(List.of("192.168.33.0/24", "*.lab.example"), data.nfs().exports().get(0).clients());
    assertTrue(data.nfs().exports().get(0).readOnly());
    assertEquals(7626, c.management().port());
    assertEquals("127.0.0.1", c.management().hostname());
  }

  @Test
  void unknownKeyIsNamedWithItsPathAndLine() {
    ConfigError e = onlyError(VALID.replace("gratuitous-arp = 3", "gratuitous-arp = 3, gratuitus-arp = 2"));
    assertEquals("hanfs.resources[0].floating-ip.gratuitus-arp", e.path());
    assertTrue(e.problem().contains("not a known setting"), e.toString());
    assertEquals(12, e.line());
  }

  @Test
  void wrongTypeIsReported() {
    ConfigError e = onlyError(VALID.replace("gratuitous-arp = 3", "gratuitous-arp = lots"));
    assertEquals("hanfs.resources[0].floating-ip.gratuitous-arp", e.path());
    assertTrue(e.problem().contains("whole number"), e.toString());
  }

  @Test
  void outOfRangeNumberIsReported() {
    ConfigError e = onlyError(VALID.replace("fsid = 2", "fsid = 70000"));
    assertEquals("hanfs.resources[1].nfs.exports[0].fsid", e.path());
    assertTrue(e.fix().contains("1 to 65535"), e.toString());
  }

  @Test
  void badDurationIsReported() {
    ConfigError e = onlyError(VALID.replace("grace = 10s", "grace = soon"));
    assertEquals("hanfs.resources[0].nfs.grace", e.path());
  }

  @Test
  void nfsv4MinorVersionsAreNamedOnceEachAndAtLeastOne() throws Exception {
    assertEquals(java.util.List.of(0, 1, 2), ConfigLoader.parse(VALID).resources().get(0).nfs().v4Minors(), "all by default");
    assertEquals(java.util.List.of(1, 2),
        ConfigLoader.parse(VALID.replace("grace = 10s", "grace = 10s, v4-minor-versions = [\"4.2\", \"4.1\"]")).resources().get(0).nfs().v4Minors());
    for (String bad : new String[] {"[\"4.3\"]", "[\"4.1\", \"4.1\"]", "[]", "\"3\""}) {
      ConfigError e = onlyError(VALID.replace("grace = 10s", "grace = 10s, v4-minor-versions = " + bad));
      assertEquals("hanfs.resources[0].nfs.v4-minor-versions", e.path(), bad);
      assertTrue(e.fix().contains("4.1"), e.toString());
    }
  }

  @Test
  void theKernelServerNeedsTenSecondsOfGraceAndLease() {
    ConfigError e = onlyError(VALID.replace("grace = 10s", "grace = 5s"));
    assertEquals("hanfs.resources[0].nfs.grace", e.path());
    assertTrue(e.fix().contains("10s"), e.toString());
  }

  @Test
  void twoVotersAreRefused() {
    String text = VALID.replaceAll(",\\s*\\{ name = arbiter[^}]*\\} \\]", " ]");
    ConfigError e = onlyError(text);
    assertEquals("hanfs.nodes", e.path());
    assertTrue(e.fix().contains("witness"), e.toString());
  }

  @Test
  void duplicateNodeNames() {
    ConfigError e = onlyError(VALID.replace("name = nfs02, address", "name = nfs01, address"));
    assertEquals("hanfs.nodes[1].name", e.path());
    assertTrue(e.problem().contains("already defined"), e.toString());
  }

  @Test
  void duplicateResourceNames() {
    ConfigError e = onlyError(VALID.replace("name = data\n", "name = home\n"));
    assertTrue(e.problem().contains("resource \"home\" is already defined"), e.toString());
  }

  @Test
  void localNodeMustBeInTheList() {
    ConfigError e = onlyError(VALID.replaceFirst("  node = nfs01", "  node = nfs09"));
    assertEquals("hanfs.node", e.path());
    assertTrue(e.fix().contains("nfs01"), e.toString());
  }

  @Test
  void preferredNodeMustBeAKnownDataNode() {
    ConfigError unknown = onlyError(VALID.replace("preferred-node = nfs01", "preferred-node = nfs03"));
    assertEquals("hanfs.resources[0].preferred-node", unknown.path());
    ConfigError witness = onlyError(VALID.replace("preferred-node = nfs01", "preferred-node = arbiter"));
    assertTrue(witness.problem().contains("not a data node"), witness.toString());
  }

  @Test
  void badCidr() {
    for (String bad : List.of("192.168.33.300/24", "192.168.33.20", "192.168.33.20/33", "fe80::1/64", "vip/24")) {
      ConfigError e = onlyError(VALID.replace("192.168.33.20/24", bad));
      assertEquals("hanfs.resources[0].floating-ip.address", e.path(), bad);
    }
    ConfigError loopback = onlyError(VALID.replace("192.168.33.20/24", "127.0.0.5/8"));
    assertTrue(loopback.problem().contains("cannot be a floating IP"), loopback.toString());
  }

  @Test
  void badNodeAddress() {
    ConfigError e = onlyError(VALID.replace("address = \"192.168.33.22\"", "address = \"192.168.33.999\""));
    assertEquals("hanfs.nodes[1].address", e.path());
    ConfigError dup = onlyError(VALID.replace("address = \"192.168.33.22\"", "address = \"192.168.33.21\""));
    assertTrue(dup.problem().contains("already used"), dup.toString());
  }

  @Test
  void badClientSpec() {
    ConfigError e = onlyError(VALID.replace("clients = \"192.168.33.0/24\"", "clients = \"192.168.33.0/99\""));
    assertEquals("hanfs.resources[0].nfs.exports[0].clients", e.path());
  }

  @Test
  void interfaceMustBeAPlainName() {
    ConfigError e = onlyError(VALID.replace("interface = eth1", "interface = \"../eth1\""));
    assertEquals("hanfs.resources[0].floating-ip.interface", e.path());
    ConfigError tooLong = onlyError(VALID.replace("interface = eth1", "interface = averyveryverylongname"));
    assertEquals("hanfs.resources[0].floating-ip.interface", tooLong.path());
  }

  @Test
  void relativeAndUnnormalisedPaths() {
    ConfigError rel = onlyError(VALID.replace("device = \"/dev/sdb1\"", "device = \"dev/sdb1\""));
    assertEquals("hanfs.resources[1].filesystem.device", rel.path());
    assertTrue(rel.problem().contains("relative"), rel.toString());
    ConfigError dots = onlyError(VALID.replace("device = \"/dev/sdb1\"", "device = \"/dev/../etc/sdb1\""));
    assertTrue(dots.problem().contains("not normalised"), dots.toString());
    ConfigError slash = onlyError(VALID.replace("device = \"/dev/sdb1\"", "device = \"/dev//sdb1\""));
    assertTrue(slash.problem().contains("not normalised"), slash.toString());
    ConfigError dash = onlyError(VALID.replace("device = \"/dev/sdb1\"", "device = \"/dev/-rf\""));
    assertTrue(dash.problem().contains("option"), dash.toString());
  }

  @Test
  void exportOptionSyntax() {
    ConfigError e = onlyError(VALID.replace("options = \"rw,sync,no_root_squash\"", "options = \"rw,sink\""));
    assertEquals("hanfs.resources[0].nfs.exports[0].options", e.path());
    assertTrue(e.problem().contains("sink"), e.toString());
    ConfigError fsid = onlyError(VALID.replace("options = \"rw,sync,no_root_squash\"", "options = \"rw,fsid=7\""));
    assertTrue(fsid.problem().contains("own fsid field"), fsid.toString());
    ConfigError both = onlyError(VALID.replace("options = \"rw,sync,no_root_squash\"", "options = \"rw,ro\""));
    assertTrue(both.problem().contains("both rw and ro"), both.toString());
    ConfigError sec = onlyError(VALID.replace("options = \"rw,sync,no_root_squash\"", "options = \"rw,sec=krb9\""));
    assertTrue(sec.problem().contains("krb9"), sec.toString());
  }

  @Test
  void duplicateFsid() {
    ConfigError e = onlyError(VALID.replace("fsid = 2", "fsid = 1"));
    assertEquals("resources[1].nfs.exports[0].fsid", e.path().replace("hanfs.", ""));
    assertTrue(e.problem().contains("fsid 1 is also used"), e.toString());
  }

  @Test
  void duplicateExportPath() {
    String text = VALID.replace("exports = [ { path = \"/srv/nfs/home/export\", clients = \"192.168.33.0/24\", options = \"rw,sync,no_root_squash\", fsid = 1 } ]",
        "exports = [ { path = \"/srv/nfs/home/export\", clients = \"192.168.33.0/24\", fsid = 1 }, { path = \"/srv/nfs/home/export\", clients = \"10.0.0.0/8\", fsid = 3 } ]");
    ConfigError e = onlyError(text);
    assertEquals("hanfs.resources[0].nfs.exports[1].path", e.path());
  }

  @Test
  void exportMustBeOnTheResourcesFilesystem() {
    ConfigError e = onlyError(VALID.replace("path = \"/srv/nfs/data\"", "path = \"/srv/other\""));
    assertTrue(e.problem().contains("not on the resource's filesystem"), e.toString());
  }

  @Test
  void mountpointInsideAnotherResourcesMountpoint() {
    String text = VALID.replace("mountpoint = \"/srv/nfs/data\"", "mountpoint = \"/srv/nfs/home/data\"")
        .replace("state-dir = \"/srv/nfs/data/.nfs-state\"", "state-dir = \"/srv/nfs/home/data/.nfs-state\"")
        .replace("path = \"/srv/nfs/data\"", "path = \"/srv/nfs/home/data\"");
    List<ConfigError> errors = errorsOf(text);
    assertTrue(errors.stream().anyMatch(e -> e.path().equals("hanfs.resources[1].filesystem.mountpoint")
        && e.problem().contains("inside the mountpoint of resource home")), describe(errors));
  }

  @Test
  void nfsStateMustLiveOnTheReplicatedFilesystem() {
    ConfigError e = onlyError(VALID.replace("state-dir = \"/srv/nfs/home/.nfs-state\"", "state-dir = \"/var/lib/nfs\""));
    assertEquals("hanfs.resources[0].nfs.state-dir", e.path());
  }

  @Test
  void shellMetacharactersAnywhereAreRefused() {
    for (String evil : List.of("r0;reboot", "r0 && reboot", "$(reboot)", "`reboot`", "r0|tee", "r0\\nx")) {
      List<ConfigError> errors = errorsOf(VALID.replace("resource = r0", "resource = \"" + evil + "\""));
      assertTrue(errors.stream().anyMatch(e -> e.path().equals("hanfs.resources[0].replication.resource")
          && e.problem().contains("metacharacter")), evil + ": " + describe(errors));
    }
    ConfigError iface = onlyError(VALID.replace("interface = eth1", "interface = \"eth1;ip link del eth0\""));
    assertTrue(iface.problem().contains("metacharacter"), iface.toString());
    ConfigError option = onlyError(VALID.replace("resource = r0", "resource = \"-r0\""));
    assertTrue(option.problem().contains("option"), option.toString());
  }

  @Test
  void missingRequiredSettings() {
    ConfigError e = onlyError(VALID.replace("replication { type = drbd, resource = r0 }", "replication { type = drbd }"));
    assertEquals("hanfs.resources[0].replication.resource", e.path());
    ConfigError noVip = onlyError(VALID.replace("floating-ip { address = \"192.168.33.30/24\", interface = \"bond0.100\" }", ""));
    assertEquals("hanfs.resources[1].floating-ip", noVip.path());
    assertTrue(noVip.problem().contains("missing"));
  }

  @Test
  void hastReplicationNeedsItsProviderAndHasNoFencing() throws Exception {
    String hast = VALID.replace("replication { type = drbd, resource = r0 }", "replication { type = hast, resource = home }");
    ConfigError device = onlyError(hast);
    assertEquals("hanfs.resources[0].filesystem.device", device.path());
    assertTrue(device.fix().contains("/dev/hast/home"), device.toString());
    HanfsConfig ok = ConfigLoader.parse(hast.replace("device = \"/dev/drbd0\"", "device = \"/dev/hast/home\""));
    assertEquals(HanfsConfig.ReplicationType.HAST, ok.resources().get(0).replication().type());
    assertEquals(java.util.Optional.of("home"), ok.resources().get(0).replication().replicatedResource());
    ConfigError fencing = onlyError(hast.replace("device = \"/dev/drbd0\"", "device = \"/dev/hast/home\"")
        .replace("type = hast, resource = home", "type = hast, resource = home, fencing = resource-only"));
    assertEquals("hanfs.resources[0].replication.fencing", fencing.path());
    ConfigError noName = onlyError(hast.replace("type = hast, resource = home", "type = hast"));
    assertEquals("hanfs.resources[0].replication.resource", noName.path());
    assertTrue(noName.problem().contains("HAST"), noName.toString());
  }

  @Test
  void aPekkoBlockBesideHanfsIsAllowedAnythingElseIsNot() throws Exception {
    ConfigLoader.parse("pekko.cluster.failure-detector.acceptable-heartbeat-pause = 8s\n" + VALID);
    ConfigError e = onlyError("akka.loglevel = DEBUG\n" + VALID);
    assertEquals("akka", e.path());
  }

  @Test
  void unknownEnumValue() {
    ConfigError e = onlyError(VALID.replace("type = shared", "type = nbd"));
    assertEquals("hanfs.resources[1].replication.type", e.path());
    assertTrue(e.fix().contains("drbd"), e.toString());
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    String text = VALID.replace("gratuitous-arp = 3", "gratuitous-arp = 99")
        .replace("interface = eth1", "interface = \"eth 1\"")
        .replace("fstype = ext4", "fstype = zfs")
        .replace("preferred-node = nfs01", "preferred-node = nobody")
        .replace("address = \"192.168.33.23\"", "address = \"192.168.33.23\", colour = blue");
    List<ConfigError> errors = errorsOf(text);
    assertEquals(5, errors.size(), describe(errors));
  }

  @Test
  void syntaxErrorNamesTheLine() {
    ConfigError e = onlyError("hanfs {\n  nodes = [ { name = a \n");
    assertTrue(e.problem().contains("cannot be parsed"), e.toString());
    assertTrue(e.line() > 0, e.toString());
  }

  @Test
  void missingFileIsAClearError(@TempDir Path dir) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.conf")));
    assertTrue(e.getMessage().contains("does not exist"));
  }

  @Test
  void loadsFromAFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("hanfs.conf");
    Files.writeString(f, VALID);
    assertEquals(2, ConfigLoader.load(f).resources().size());
  }

  /** VALID with {@code settings} added at the top level. */
  static String top(String settings) {
    return VALID.replace("hanfs {\n", "hanfs {\n" + settings + "\n");
  }

  /**
   * 500 ms is the shortest lease; below it the error names the field and the range. Lease and margin
   * together must leave the floating IP a kernel lifetime of a whole second.
   */
  @Test
  void theLeaseIsAtLeastHalfASecondAndLeavesTheVipASecond() throws Exception {
    assertEquals(Duration.ofMillis(500), ConfigLoader.parse(top("lease { duration = 500ms, margin = 1700ms }")).lease().duration());
    ConfigError noVip = onlyError(top("lease { duration = 500ms, margin = 1s }"));
    assertEquals("hanfs.lease.duration", noVip.path(), noVip.toString());
    assertTrue(noVip.problem().contains("1500 ms") && noVip.fix().contains("2200 ms"), noVip.toString());
    assertEquals("hanfs.lease.duration", onlyError(top("lease { duration = 1500ms }")).path(), "1.5 s with the default 400 ms margin");
    ConfigError tooShort = onlyError(top("lease { duration = 400ms }"));
    assertEquals("hanfs.lease.duration", tooShort.path(), tooShort.toString());
    assertTrue(tooShort.toString().contains("500"), tooShort.toString());
  }

  /** A watchdog must reset a node before the lease can go elsewhere; a shared disk without one is a warning. */
  @Test
  void watchdogTimeoutMustFitTheLeaseAndSharedDisksWithoutOneWarn() throws Exception {
    HanfsConfig plain = ConfigLoader.parse(VALID);
    assertTrue(plain.watchdog().isEmpty());
    assertEquals(1, plain.warnings().size(), plain.warnings().toString());
    assertTrue(plain.warnings().get(0).contains("resource data") && plain.warnings().get(0).contains("watchdog"), plain.warnings().toString());
    // A LUN with SCSI reservations fences the old holder itself: no watchdog needed.
    assertEquals(List.of(), ConfigLoader.parse(VALID.replace("replication { type = shared }", "replication { type = shared, fencing = scsi-reservation }")).warnings());
    HanfsConfig wd = ConfigLoader.parse(top("watchdog { device = \"/dev/watchdog\", timeout = 1s }"));
    assertEquals(Duration.ofSeconds(1), wd.watchdog().orElseThrow().timeout());
    assertEquals(List.of(), wd.warnings());
    // The default lease (3 s, margin 400 ms) allows 2.45 s: 3 s is too long.
    assertTrue(ConfigLoader.parse(top("watchdog { device = \"/dev/watchdog\", timeout = 2s }")).watchdog().isPresent());
    ConfigError tooLong = onlyError(top("watchdog { device = \"/dev/watchdog\", timeout = 3s }"));
    assertEquals("hanfs.watchdog.timeout", tooLong.path());
    assertTrue(tooLong.problem().contains("longer than the lease allows") && tooLong.fix().contains("lease.margin"), tooLong.toString());
    assertTrue(ConfigLoader.parse(top("lease { duration = 10s, margin = 2s }\nwatchdog { device = \"/dev/watchdog\", timeout = 5s }")).watchdog().isPresent());
    ConfigError fraction = onlyError(top("watchdog { device = \"/dev/watchdog\", timeout = 1500ms }"));
    assertTrue(fraction.path().equals("hanfs.watchdog.timeout") && fraction.problem().contains("whole seconds"), fraction.toString());
    ConfigError noDevice = onlyError(top("watchdog { timeout = 1s }"));
    assertEquals("hanfs.watchdog.device", noDevice.path(), noDevice.toString());
    ConfigError relative = onlyError(top("watchdog { device = \"dev/watchdog\" }"));
    assertEquals("hanfs.watchdog.device", relative.path(), relative.toString());
  }

  @Test
  void ledgerDefaultsToTheEmbeddedStoreAndReplicationToNoFencingAndManualSplitBrain() throws Exception {
    HanfsConfig c = ConfigLoader.parse(VALID);
    assertEquals(HanfsConfig.LedgerStoreKind.H2, c.ledger().store());
    assertEquals(HanfsConfig.Fencing.NONE, c.resource("home").orElseThrow().replication().fencing());
    assertEquals("disconnect", c.resource("home").orElseThrow().replication().splitBrainPolicy());
    HanfsConfig pg = ConfigLoader.parse(top(" ledger { store = postgresql, url = \"jdbc:postgresql://10.0.0.5:5432/hanfs\", ssl-mode = verify-full, user = hanfs, password-file = \"/etc/hanfs/ledger.password\" }")
        .replace("resource = r0 }", "resource = r0, fencing = resource-only, split-brain-policy = discard-zero-changes }"));
    assertEquals(HanfsConfig.LedgerStoreKind.POSTGRESQL, pg.ledger().store());
    assertEquals("jdbc:postgresql://10.0.0.5:5432/hanfs?sslmode=verify-full", pg.ledger().url().orElseThrow());
    assertEquals(HanfsConfig.Fencing.RESOURCE_ONLY, pg.resource("home").orElseThrow().replication().fencing());
    assertEquals("discard-zero-changes", pg.resource("home").orElseThrow().replication().splitBrainPolicy());
  }

  @Test
  void postgresLedgerNeedsAPlainUrlAndAUser() {
    ConfigError missing = onlyError(top(" ledger { store = postgresql, user = hanfs }"));
    assertEquals("hanfs.ledger.url", missing.path());
    ConfigError evil = onlyError(top(" ledger { store = postgresql, user = hanfs, url = \"jdbc:postgresql://db/hanfs;socketFactory=x.Y\" }"));
    assertEquals("hanfs.ledger.url", evil.path());
    assertTrue(evil.toString().contains("metacharacter") || evil.fix().contains("driver parameters in the URL are refused"), evil.toString());
    ConfigError evil2 = onlyError(top(" ledger { store = postgresql, user = hanfs, url = \"jdbc:postgresql://db:5432/hanfs/x=1\" }"));
    assertTrue(evil2.fix().contains("driver parameters in the URL are refused"), evil2.toString());
    ConfigError stray = onlyError(top(" ledger { url = \"jdbc:postgresql://db/hanfs\" }"));
    assertEquals("hanfs.ledger.url", stray.path());
    assertTrue(stray.problem().contains("only for store = postgresql"), stray.toString());
  }

  @Test
  void embeddedLedgerNeedsAStateDirAJdbcUrlCannotMisread() {
    ConfigError e = onlyError(top(" state-dir = \"/var/lib/hanfs+x\""));
    assertEquals("hanfs.state-dir", e.path());
    assertTrue(e.problem().contains("JDBC URL"), e.toString());
  }

  @Test
  void splitBrainPolicyAndFencingAreCheckedAndOnlyForReplicatedStorage() throws Exception {
    ConfigError policy = onlyError(VALID.replace("resource = r0 }", "resource = r0, split-brain-policy = discard-secondary }"));
    assertEquals("hanfs.resources[0].replication.split-brain-policy", policy.path());
    assertTrue(policy.fix().contains("discard-zero-changes"), policy.toString());
    ConfigError fencing = onlyError(VALID.replace("resource = r0 }", "resource = r0, fencing = stonith }"));
    assertEquals("hanfs.resources[0].replication.fencing", fencing.path());
    ConfigError shared = onlyError(VALID.replace("replication { type = shared }", "replication { type = shared, fencing = resource-only }"));
    assertEquals("hanfs.resources[1].replication.fencing", shared.path());
    assertTrue(shared.fix().contains("scsi-reservation"), shared.toString());
    // SCSI-3 persistent reservations: for a shared LUN only.
    HanfsConfig pr = ConfigLoader.parse(VALID.replace("replication { type = shared }", "replication { type = shared, fencing = scsi-reservation }"));
    assertEquals(HanfsConfig.Fencing.SCSI_RESERVATION, pr.resources().get(1).replication().fencing());
    ConfigError drbdPr = onlyError(VALID.replace("resource = r0 }", "resource = r0, fencing = scsi-reservation }"));
    assertTrue(drbdPr.path().equals("hanfs.resources[0].replication.fencing") && drbdPr.problem().contains("type = shared"), drbdPr.toString());
  }

  static String withManagement(String block) {
    return VALID.replaceFirst("node = nfs01", "node = nfs01\n        management { " + block + " }");
  }

  /** Beyond loopback only over HTTPS (the token never in clear text), and only hanfs.management sets the endpoint. */
  @Test
  void theManagementEndpointLeavesLoopbackOnlyOverHttps() throws Exception {
    for (String host : List.of("192.168.33.21", "nfs01.lab.example", "node-address")) {
      ConfigError e = onlyError(withManagement("hostname = \"" + host + "\""));
      assertEquals("hanfs.management.hostname", e.path(), e.toString());
      assertTrue(e.problem().contains("not a loopback address") && e.fix().contains("https = on"), e.toString());
      HanfsConfig.Management m = ConfigLoader.parse(withManagement("hostname = \"" + host + "\", https = on")).management();
      assertTrue(m.https() && !m.clientCertificates() && m.hostname().equals(host), m.toString());
    }
    HanfsConfig.Management m = ConfigLoader.parse(withManagement("hostname = node-address, https = on, client-certificates = required")).management();
    assertEquals("https://192.168.33.21:7626", m.url(new HanfsConfig.Node("nfs01", "192.168.33.21", java.util.Set.of())));
    ConfigError every = onlyError(withManagement("hostname = \"0.0.0.0\", https = on"));
    assertTrue(every.path().equals("hanfs.management.hostname") && every.fix().contains("node-address"), every.toString());
    ConfigError clientCerts = onlyError(withManagement("client-certificates = required"));
    assertTrue(clientCerts.path().equals("hanfs.management.client-certificates") && clientCerts.fix().contains("https = on"), clientCerts.toString());
    assertEquals("hanfs.management.client-certificates", onlyError(withManagement("https = on, client-certificates = optional")).path());
    assertEquals("hanfs.management.https", onlyError(withManagement("https = maybe")).path());
    ConfigError noTls = onlyError(withManagement("https = on").replaceFirst("node = nfs01", "node = nfs01\n        tls { enabled = false }"));
    assertTrue(noTls.path().equals("hanfs.management.https") && noTls.fix().contains("hanfs.tls"), noTls.toString());
    assertEquals("127.0.0.2", ConfigLoader.parse(VALID.replaceFirst("node = nfs01", "node = nfs01\n        management { hostname = \"127.0.0.2\" }")).management().hostname());
    assertEquals("localhost", ConfigLoader.parse(VALID.replaceFirst("node = nfs01", "node = nfs01\n        management { hostname = localhost }")).management().hostname());
    for (String key : List.of("http.bind-hostname = \"0.0.0.0\"", "http.hostname = \"0.0.0.0\"", "http.route-providers-read-only = false", "http.routes.cluster-management = \"x\"")) {
      ConfigError e = onlyError("pekko.management." + key + "\n" + VALID);
      assertEquals("pekko.management", e.path(), e.toString());
      assertTrue(e.fix().contains("hanfs.management"), e.toString());
    }
    // Other Pekko settings still pass through.
    ConfigLoader.parse("pekko.cluster.failure-detector.acceptable-heartbeat-pause = 15s\n" + VALID);
  }
}
