package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Membership on the three-node namespace lab, with mutual TLS as always: a cold start without
 * the first listed node serves from the other one; the first listed node, killed and restarted
 * by its supervisor five times, is a member again on each first start; strangers on the lab
 * bridge (another CA's certificate, or the lab CA's for an address outside the config) and
 * garbage on the cluster port change nothing while the client writes; a node with other lease
 * settings is refused with the reason and a partition then never shows two VIP owners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipLabTest {
  ClusterLab lab;

  @BeforeAll
  void up() throws IOException {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -DskipLab=true");
    lab = new ClusterLab("hfm", "10.213.11");
  }

  @AfterAll
  void down() throws IOException {
    if (lab != null) lab.close();
  }

  @Test
  @Order(1)
  void coldStartWithoutTheFirstListedNodeServesFromTheOther() {
    lab.up(List.of("w", "n2"));
    assertEquals("n2", lab.awaitActive(Duration.ofSeconds(90)), "n1 is down: n2 serves");
    ClusterLab.check(lab.lab.nslab(Duration.ofSeconds(60), "start", "n1"));
    lab.awaitMemberOfAll("n1", Duration.ofSeconds(90));
    lab.startClient();
  }

  @Test
  @Order(2)
  void theFirstListedNodeRejoinsOnEveryFirstStart() {
    // Three rounds in the default run (each some 15 s), five in the long run.
    int rounds = Boolean.getBoolean("hanfs.longLab") ? 5 : 3;
    for (int i = 1; i <= rounds; i++) {
      long exitsBefore = lab.logLines("n1", "nslab: n1 daemon pid");
      long rejoinMs = lab.killAndAwaitRejoin("n1");
      assertEquals(exitsBefore + 1, lab.logLines("n1", "nslab: n1 daemon pid"), "one exit per kill: no restart for an island");
      assertEquals(0, lab.logLines("n1", "cluster of its own"), "n1 never formed a cluster of its own");
      System.out.println("kill -9 of n1 #" + i + ": a member again after " + rejoinMs + " ms");
    }
    lab.settle(Duration.ofSeconds(90));
  }

  @Test
  @Order(3)
  void strangersAndGarbageChangeNothing() {
    String active = lab.settle(Duration.ofSeconds(90));
    long from = System.currentTimeMillis();
    int violationsBefore = lab.violations.size();
    long garbageBefore = lab.logLines("w", "Unrecognized SSL message");
    for (String kind : List.of("rogue-ca", "outsider")) {
      ClusterLab.check(lab.lab.nslab(Duration.ofSeconds(90), "stranger", "start", kind));
      ClusterLab.sleep(5000); // what is asserted is that nothing happens while the stranger runs
      assertEquals(Set.of("n1", "n2", "w"), lab.membersSeenBy("w"), "the stranger (" + kind + ") is no member");
      if (kind.equals("rogue-ca")) {
        // The management endpoint (HTTPS, client certificates required): another CA's client
        // certificate or none gets no answer; the node's own without the token gets a 401.
        for (String how : List.of("other-ca", "no-cert")) {
          Lab.Result r = lab.lab.nslab(ClusterLab.SHORT, "http", "n1", "GET", "/hanfs/status", how);
          assertTrue(!r.ok() && !r.out().strip().endsWith("200"), how + ": " + r);
        }
        Lab.Result anonymous = lab.lab.nslab(ClusterLab.SHORT, "http", "n1", "POST", "/hanfs/resources/home/demote", "anonymous");
        assertTrue(anonymous.out().strip().endsWith("401"), anonymous.toString());
      }
      ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "stranger", "stop"));
    }
    assertTrue(lab.logLines("w", "TLS") > 0, "w logged the strangers' refused connections:\n" + lab.log("w"));
    for (int i = 0; i < 3; i++) {
      Lab.Result g = lab.lab.nslab(ClusterLab.SHORT, "client", "bash", "-c",
          "exec 3<>/dev/tcp/10.213.11.13/25520 && head -c 4096 /dev/urandom >&3; sleep 0.3");
      assertTrue(g.ok(), g.toString());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (lab.logLines("w", "Unrecognized SSL message") == garbageBefore && System.nanoTime() < deadline) ClusterLab.sleep(100);
    assertEquals(garbageBefore + 1, lab.logLines("w", "Unrecognized SSL message"), "three garbage connections, one log line");
    assertEquals(active, lab.settle(Duration.ofSeconds(30)), "nothing moved");
    assertEquals(List.of(), lab.violations.subList(violationsBefore, lab.violations.size()));
    assertTrue(lab.outageMillis(from, System.currentTimeMillis()) < 3000, "the client kept writing");
    assertEquals(List.of(), lab.lostRecords());
  }

  @Test
  @Order(4)
  void aNodeWithOtherLeaseSettingsIsRefusedAndAPartitionShowsOneOwnerAtMost() {
    String active = lab.settle(Duration.ofSeconds(90));
    String other = Scenarios.other(active);
    int violationsBefore = lab.violations.size();
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "stop", other));
    ClusterLab.check(lab.lab.nslabWith(Map.of("HANFS_LAB_LEASE", "10s"), Duration.ofSeconds(60), "start", other));
    lab.awaitMemberOfAll(other, Duration.ofSeconds(90));
    // The restarted node's voter refuses the active node's renewals, with the reason in its log.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String refusal = "refusing " + active + "'s lease requests: lease settings differ: hanfs.lease.duration is 3000 ms there, 10000 ms here";
    while (lab.logLines(other, refusal) == 0 && System.nanoTime() < deadline) ClusterLab.sleep(200);
    assertEquals(1, lab.logLines(other, refusal), lab.log(other));
    // Cut the active node off: it stops serving; the other one cannot win a lease under its settings.
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "net", active, "partition"));
    try {
      deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      String status = "";
      while (System.nanoTime() < deadline) {
        status = lab.lab.nslab(ClusterLab.SHORT, "hanfs", other, "status").out();
        if (status.contains("lease settings differ")) break;
        ClusterLab.sleep(500);
      }
      assertTrue(status.contains("lease settings differ"), "the refused node's status says why:\n" + status + "\n" + lab.log(other));
      assertTrue(!lab.vipOwners().contains(other), "the node with other settings never took the VIP");
    } finally {
      ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "net", active, "heal"));
    }
    ClusterLab.check(lab.lab.nslab(ClusterLab.SHORT, "stop", other));
    ClusterLab.check(lab.lab.nslab(Duration.ofSeconds(60), "start", other));
    lab.settle(Duration.ofSeconds(120));
    assertEquals(List.of(), lab.violations.subList(violationsBefore, lab.violations.size()), "never two VIP owners");
    assertEquals(List.of(), lab.lostRecords());
  }
}
