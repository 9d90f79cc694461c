package io.hanfs.node.resource.nfs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig.Resource;
import org.junit.jupiter.api.Test;

class GaneshaConfigTest {
  static final String CONF = """
      hanfs {
        nodes = [ { name = n1, address = "10.1.1.1" } ]
        resources = [ {
          name = home
          replication { type = shared }
          filesystem { device = "/dev/sdb", mountpoint = "/srv/home" }
          nfs { state-dir = "/srv/home/.state", grace = 5s, lease = 4s
                exports = [ { path = "/srv/home/a", clients = "10.1.1.0/24", options = "rw,no_root_squash", fsid = 7 },
                            { path = "/srv/home/b", clients = ["10.1.1.0/24", "10.2.0.0/16"], options = "ro,all_squash,anonuid=99,sec=sys:krb5", fsid = 8 } ] }
          floating-ip { address = "10.1.1.100/24", interface = eth0 }
        } ]
      }
      """;

  @Test
  void onlyTheNfsv4MinorVersionsTheConfigNamesAreServed() throws Exception {
    assertTrue(!GaneshaConfig.render(ConfigLoader.parse(CONF).resources().get(0)).contains("Minor_Versions"), "all three by default: Ganesha's own default");
    String c = GaneshaConfig.render(ConfigLoader.parse(CONF.replace("lease = 4s", "lease = 4s, v4-minor-versions = [\"4.2\", \"4.1\"]")).resources().get(0));
    assertTrue(c.contains("NFSv4 {\n") && c.contains("  Minor_Versions = 1, 2;\n"), c);
  }

  @Test
  void rendersCoreGraceRecoveryScopeAndExports() throws Exception {
    Resource r = ConfigLoader.parse(CONF).resources().get(0);
    String c = GaneshaConfig.render(r);
    assertTrue(c.contains("Protocols = 4;"), c);
    assertTrue(c.contains("Grace_Period = 5;"), c);
    assertTrue(c.contains("Lease_Lifetime = 4;"), c);
    assertTrue(c.contains("RecoveryRoot = \"/srv/home/.state/ganesha\";"), c);
    assertTrue(c.contains("Server_Scope = \"10.1.1.100\";"), c);
    assertTrue(c.contains("Export_Id = 7;\n  Path = \"/srv/home/a\";"), c);
    assertTrue(c.contains("Squash = No_Root_Squash;"), c);
    assertTrue(c.contains("Clients = 10.1.1.0/24, 10.2.0.0/16;\n    Access_Type = RO;"), c);
    assertTrue(c.contains("Squash = All_Squash;"), c);
    assertTrue(c.contains("Anonymous_uid = 99;"), c);
    assertTrue(c.contains("SecType = sys, krb5;"), c);
    assertTrue(c.contains("Access_Type = None;"), "nothing is exported to clients outside CLIENT blocks");
  }

  @Test
  void zeroGraceIsGraceless() throws Exception {
    String c = GaneshaConfig.render(ConfigLoader.parse(CONF.replace("grace = 5s", "grace = 0s")).resources().get(0));
    assertTrue(c.contains("Graceless = true;") && !c.contains("Grace_Period"), c);
  }

  @Test
  void exportsFollowExports5DefaultsReadOnlyAndSecure() throws Exception {
    String plain = GaneshaConfig.render(ConfigLoader.parse(CONF.replace("options = \"rw,no_root_squash\"", "options = \"sync\"")).resources().get(0));
    assertTrue(plain.contains("PrivilegedPort = true;"), "secure unless insecure: " + plain);
    assertTrue(plain.contains("Clients = 10.1.1.0/24;\n    Access_Type = RO;"), "read-only unless rw: " + plain);
    String open = GaneshaConfig.render(ConfigLoader.parse(CONF.replace("options = \"rw,no_root_squash\"", "options = \"rw,insecure\"")).resources().get(0));
    assertTrue(open.contains("PrivilegedPort = false;") && open.contains("Clients = 10.1.1.0/24;\n    Access_Type = RW;"), open);
  }

  @Test
  void aNetgroupIsAClient() throws Exception {
    String c = GaneshaConfig.render(ConfigLoader.parse(CONF.replace("clients = \"10.1.1.0/24\", options", "clients = \"@trusted-hosts\", options")).resources().get(0));
    assertTrue(c.contains("Clients = @trusted-hosts;"), c);
  }
}
