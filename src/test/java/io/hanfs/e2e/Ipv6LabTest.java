package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The three-node namespace lab on IPv6 (nslab HANFS_LAB_IPV6=1): the nodes' addresses (Artery,
 * management over HTTPS, certificates) and the floating IP are in a ULA prefix the lab makes, and
 * the client writes through the VIP over IPv6 while a planned switchover moves it. At every
 * sample at most one node has the address, and afterwards exactly one, with nothing lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ipv6LabTest {
  ClusterLab lab;

  @BeforeAll
  void up() throws IOException {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -DskipLab=true");
    lab = new ClusterLab("hfv", "10.213.13", Map.of("HANFS_LAB_IPV6", "1"));
    lab.up();
    lab.startClient();
  }

  @AfterAll
  void down() throws IOException {
    if (lab != null) lab.close();
  }

  @Test
  void aSwitchoverMovesTheIpv6FloatingIpAndTheClientFollows() {
    String vip = lab.lab.vip();
    assertEquals("fd42:213:13::100", vip);
    String before = lab.settle(Duration.ofSeconds(60));
    // The cluster runs on the IPv6 node addresses: Artery shows them bracketed.
    Lab.Result members = ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "http", "w", "GET", "/cluster/members"));
    assertTrue(members.out().contains("@[fd42:213:13::11]:") && members.out().contains("@[fd42:213:13::13]:"), members.out());
    Lab.Result addr = Lab.exec(List.of("ip", "-n", "hfv-" + before, "-j", "addr", "show", "dev", "eth1"), ClusterLab.SHORT, Map.of());
    assertTrue(addr.out().contains("\"local\":\"" + vip + "\",\"prefixlen\":64"), addr.out());
    awaitWritesSince(System.currentTimeMillis(), Duration.ofSeconds(20));

    Scenarios.Result r = new Scenarios(lab).switchover();
    System.out.println("scenario " + r);
    assertEquals(List.of(), r.violations(), "more than one node had the IPv6 VIP: " + r);
    assertEquals(List.of(), r.lost(), "acknowledged records lost: " + r);
    assertEquals(Scenarios.other(before), r.activeAfter(), r.toString());
    assertEquals(List.of(r.activeAfter()), lab.vipOwners(), "the VIP is on exactly the new active node");
    awaitWritesSince(System.currentTimeMillis(), Duration.ofSeconds(20));
    JsonNode c = lab.cluster().orElseThrow();
    assertEquals(r.activeAfter(), c.path("resources").get(0).path("activeNode").asText(), c.toString());
  }

  /** Waits until the client's writes through the IPv6 VIP are acknowledged again after {@code since}. */
  private void awaitWritesSince(long since, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (lab.acked) {
        if (lab.acked.stream().anyMatch(a -> a[1] > since)) return;
      }
      ClusterLab.sleep(100);
    }
    throw new AssertionError("no write through [" + lab.lab.vip() + "] acknowledged within " + max.toSeconds() + " s; client: "
        + lab.lab.nslab(ClusterLab.SHORT, "client", "nfs-ls", lab.url("").replace("/?version", "?version")));
  }
}
