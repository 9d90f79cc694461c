package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * hanfs on three TCG guests: d1, d2 (data: real DRBD 8.4 and the kernel NFS server) and w
 * (witness, and the kernel NFS client writing fsync'd records through the floating IP). The
 * scenarios run in order on one lab; each checks the invariants over the sampler's samples and
 * that every acknowledged record is there afterwards. A failure prints the guests' consoles and
 * the daemons' logs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmClusterTest {
  @TempDir static Path dir;
  static VmLab lab;
  static VmCluster cluster;

  @BeforeAll
  static void up() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -Dhanfs.skipLab=true");
    lab = new VmLab(dir);
    Map<String, Boolean> nodes = new LinkedHashMap<>();
    nodes.put("d1", true);
    nodes.put("d2", true);
    nodes.put("w", false);
    long t0 = System.nanoTime();
    try {
      lab.prepare(nodes);
      long t1 = System.nanoTime();
      lab.bootAll();
      long t2 = System.nanoTime();
      cluster = new VmCluster(lab);
      cluster.setUpDrbd();
      long t3 = System.nanoTime();
      cluster.startDaemons();
      // Placement at a cold start goes to the preferred node d1 only if its ledger reported in
      // time; on emulated CPUs either node may win, and the scenarios start from whichever serves.
      String active = cluster.awaitActive("w", Optional.empty(), Duration.ofMinutes(4));
      long t4 = System.nanoTime();
      cluster.mountClient();
      System.out.printf("vm lab: prepared %.1f s, 3 guests up %.1f s, DRBD ready %.1f s, hanfs serving on %s %.1f s, client mounted %.1f s%n",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, active, (t4 - t3) / 1e9, (System.nanoTime() - t4) / 1e9);
      cluster.startSampler();
    } catch (Throwable e) {
      dump();
      throw e;
    }
  }

  static void dump() {
    System.out.println(lab.consoles());
    if (cluster != null) System.out.println(cluster.logs());
    // -Dhanfs.vm.keep=SECONDS keeps a failed lab running to look into it with deploy/lab/vm/guest-exec.
    long keep = Long.getLong("hanfs.vm.keep", 0);
    if (keep > 0) {
      for (VmLab.Guest g : lab.guests.values()) if (g.agent != null) g.agent.close();
      System.out.println("vm lab kept for " + keep + " s: deploy/lab/vm/guest-exec " + lab.dir + "/NODE.qga PROGRAM ARGS...");
      try {
        Thread.sleep(keep * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @AfterAll
  static void down() throws Exception {
    if (cluster != null) cluster.stopSampler();
    if (lab != null) lab.close();
  }

  /** Runs a scenario body; on failure prints consoles and logs. */
  interface Body {
    void run() throws Exception;
  }

  static void scenario(Body b) throws Exception {
    try {
      b.run();
    } catch (Throwable e) {
      dump();
      throw e;
    }
  }

  static void assertAllAcked(String file, List<long[]> acks) throws Exception {
    Set<Long> there = cluster.recordsOnServer(file);
    List<Long> lost = acks.stream().map(a -> a[0]).filter(s -> !there.contains(s)).toList();
    assertTrue(acks.size() > 10, "the client wrote: " + acks.size() + " acks");
    assertEquals(List.of(), lost, "acknowledged records missing");
  }

  @Test
  @Order(1)
  void plannedSwitchoverThereAndBack() throws Exception {
    scenario(() -> {
      cluster.startWriter("switchover");
      Thread.sleep(3000);
      long[] took = new long[2];
      String first = cluster.awaitActive("w", Optional.empty(), Duration.ofMinutes(1));
      String[] to = {VmCluster.other(first), first};
      for (int i = 0; i < 2; i++) {
        long t = System.nanoTime();
        GuestAgent.Result r = cluster.hanfs("w", "switchover", "home", "--to", to[i]);
        assertTrue(r.ok(), r.toString());
        cluster.awaitActive("w", Optional.of(to[i]), Duration.ofMinutes(2));
        took[i] = (System.nanoTime() - t) / 1_000_000;
        Thread.sleep(3000);
      }
      List<long[]> acks = cluster.stopWriter("switchover");
      System.out.printf("vm switchover: %s->%s %d ms, %s->%s %d ms (CLI included), longest client gap %d ms, %d records%n",
          first, to[0], took[0], to[0], first, took[1], VmCluster.longestGapMillis(acks), acks.size());
      assertAllAcked("switchover", acks);
      assertEquals(List.of(), cluster.violations());
    });
  }
}
