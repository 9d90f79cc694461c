package io.hanfs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Legal strings that are the wrong things: each refused with its field named, the valid config untouched. */
class SemanticChecksTest {
  static final String VALID = ConfigLoaderTest.VALID;

  static ConfigError refused(String text, String field, String words) {
    ConfigError e = ConfigLoaderTest.onlyError(text);
    assertEquals(field, e.path(), e.toString());
    assertTrue(e.problem().contains(words), e.toString());
    assertTrue(!e.fix().isEmpty(), e.toString());
    return e;
  }

  @Test
  void theValidConfigPasses() throws Exception {
    ConfigLoader.parse(VALID);
  }

  @Test
  void aReplicatedResourceNamedAllIsRefused() {
    refused(VALID.replace("resource = r0", "resource = all"), "hanfs.resources[0].replication.resource", "\"all\" means every");
  }

  @Test
  void floatingIpsThatAreNotAHostsAddressAreRefused() {
    for (String[] c : List.of(new String[] {"192.168.33.0/24", "network"}, new String[] {"192.168.33.255/24", "broadcast"},
        new String[] {"224.0.0.5/24", "not a unicast"}, new String[] {"239.1.2.3/24", "not a unicast"}, new String[] {"192.168.33.21/24", "node nfs01's own"})) {
      refused(VALID.replace("192.168.33.20/24", c[0]), "hanfs.resources[0].floating-ip.address", c[1]);
    }
    // A /31 or /32 has no network or broadcast address to avoid.
    for (String ok : List.of("192.168.33.0/31", "192.168.33.40/32")) {
      try {
        ConfigLoader.parse(VALID.replace("192.168.33.20/24", ok));
      } catch (InvalidConfigException e) {
        throw new AssertionError(ok + ": " + e.getMessage());
      }
    }
  }

  @Test
  void aNodeAtTheUnspecifiedAddressIsRefused() {
    refused(VALID.replace("address = \"192.168.33.22\"", "address = \"0.0.0.0\""), "hanfs.nodes[1].address", "not an address a node can be reached at");
  }

  @Test
  void systemDirectoriesAndTheStateDirAreNoMountpoints() {
    for (String dir : List.of("/etc", "/var/lib", "/usr/local/data", "/proc/x", "/tmp")) {
      refused(VALID.replace("/srv/nfs/home", dir), "hanfs.resources[0].filesystem.mountpoint", "system directory");
    }
    refused(VALID.replace("/srv/nfs/home", "/var/lib/hanfs/data"), "hanfs.resources[0].filesystem.mountpoint", "hold one another");
    refused(VALID.replaceFirst("node = nfs01", "node = nfs01\n        state-dir = \"/srv/nfs/data/hanfs\""), "hanfs.resources[1].filesystem.mountpoint", "hold one another");
    refused(VALID.replaceFirst("node = nfs01", "node = nfs01\n        state-dir = \"/\""), "hanfs.state-dir", "system directory");
  }

  @Test
  void anExportOfTheNfsStateDirectoryIsRefused() {
    refused(VALID.replace("path = \"/srv/nfs/home/export\"", "path = \"/srv/nfs/home/.nfs-state/v4recovery\""), "hanfs.resources[0].nfs.exports[0].path", "inside the NFS state directory");
  }

  @Test
  void theRemotingPortIsNotTheManagementPort() {
    refused(VALID.replaceFirst("node = nfs01", "node = nfs01\n        remoting-port = 7626"), "hanfs.remoting-port", "management port");
  }

  @Test
  void twoResourcesOnOneReplicatedResourceOrKernelServerAreRefused() {
    String two = VALID.replace("replication { type = shared }", "replication { type = drbd, resource = r0 }")
        .replace("device = \"/dev/sdb1\"", "device = \"/dev/drbd1\"");
    refused(two, "hanfs.resources[1].replication.resource", "also resource home's");
    refused(VALID.replace("nfs { state-dir = \"/srv/nfs/data/.nfs-state\"", "nfs { server = kernel, state-dir = \"/srv/nfs/data/.nfs-state\""),
        "hanfs.resources[1].nfs.server", "uses the kernel NFS server too");
  }
}
