package io.hanfs.config;

import static io.hanfs.config.ConfigLoaderTest.VALID;
import static io.hanfs.config.ConfigLoaderTest.top;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Legal but dangerous: said by validate (exit 0) and in the daemon's log. */
class ConfigWarningsTest {
  /** VALID's own warning (a shared disk without a watchdog) left out. */
  static List<String> warnings(String text) throws Exception {
    return ConfigLoader.parse(text).warnings().stream().filter(w -> !w.contains("without hanfs.watchdog")).toList();
  }

  @Test
  void theExampleHasNoneOfThese() throws Exception {
    assertEquals(List.of(), warnings(VALID));
  }

  @Test
  void readWriteNoRootSquashToEveryHostIsWarned() throws Exception {
    for (String everyone : List.of("\"*\"", "\"0.0.0.0/0\"")) {
      List<String> w = warnings(VALID.replace("clients = \"192.168.33.0/24\"", "clients = " + everyone));
      assertEquals(1, w.size(), w.toString());
      assertTrue(w.get(0).contains("/srv/nfs/home/export read-write with no_root_squash to every host"), w.toString());
    }
    // Read-only, or root squashed: no warning.
    assertEquals(List.of(), warnings(VALID.replace("clients = \"192.168.33.0/24\", options = \"rw,sync,no_root_squash\"",
        "clients = \"*\", options = \"rw,sync\"")));
  }

  @Test
  void loopbackNodesInAClusterAndAMarginNotBelowTheDurationAreWarned() throws Exception {
    List<String> loop = warnings(VALID.replace("192.168.33.22", "127.0.0.2"));
    assertEquals(1, loop.size(), loop.toString());
    assertTrue(loop.get(0).contains("loopback addresses in a cluster of 3 nodes"), loop.toString());
    List<String> margin = warnings(top(" lease { duration = 2s, margin = 2s }"));
    assertEquals(1, margin.size(), margin.toString());
    assertTrue(margin.get(0).contains("lease.margin (2000 ms) is not below lease.duration (2000 ms)"), margin.toString());
  }

  @Test
  void postgresqlDefaultsToVerifyFull() throws Exception {
    HanfsConfig pg = ConfigLoader.parse(top(" ledger { store = postgresql, url = \"jdbc:postgresql://10.0.0.5:5432/hanfs\", user = hanfs, "
        + "password-file = \"/etc/hanfs/ledger.password\" }"));
    assertEquals("jdbc:postgresql://10.0.0.5:5432/hanfs?sslmode=verify-full", pg.ledger().url().orElseThrow());
  }
}
