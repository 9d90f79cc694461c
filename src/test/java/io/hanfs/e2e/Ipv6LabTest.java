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

    String other = Scenarios.other(before);
    int violationsBefore = lab.violations.size();
    ClusterLab.check(lab.lab.nslab(Duration.ofSeconds(120), "hanfs", "w", "switchover", "home", "--to", other));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !(lab.activeNode().equals(java.util.Optional.of(other)) && lab.vipOwners().equals(List.of(other)))) {
      ClusterLab.sleep(100);
    }
    assertEquals(List.of(other), lab.vipOwners(), "the VIP is on exactly the new active node: " + lab.cluster());
    assertEquals(java.util.Optional.of(other), lab.activeNode());
    // The unsolicited neighbour advertisement (send_ua) points the client at the new node's MAC at once.
    String mac;
    try {
      mac = ClusterLab.JSON.readTree(Lab.exec(List.of("ip", "-n", "hfv-" + other, "-j", "link", "show", "eth1"), ClusterLab.SHORT, Map.of()).out())
          .get(0).path("address").asText();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    String neigh = "";
    deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline && !neigh.contains(mac)) {
      neigh = Lab.exec(List.of("ip", "-n", "hfv-client", "-6", "neigh", "show", vip, "dev", "eth1"), ClusterLab.SHORT, Map.of()).out();
      if (!neigh.contains(mac)) ClusterLab.sleep(100);
    }
    assertTrue(neigh.contains(mac), "the client's neighbour entry for " + vip + " is " + neigh + ", not " + other + "'s " + mac);
    awaitWritesSince(System.currentTimeMillis(), Duration.ofSeconds(20));
    lab.stopClient();
    assertEquals(List.of(), lab.violations.subList(violationsBefore, lab.violations.size()), "more than one node had the IPv6 VIP");
    assertEquals(List.of(), lab.lostRecords(), "acknowledged records lost");
    JsonNode c = lab.cluster().orElseThrow();
    assertEquals(other, c.path("resources").get(0).path("activeNode").asText(), c.toString());
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
