package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * {@code hanfs drill} as an operator runs it: from the client namespace, records through the VIP
 * with libnfs, the management API of the witness over HTTPS with its certificate and token, a
 * switchover there and back on the three-node lab; with -DlongLab=true also the active daemon
 * killed (SIGTERM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrillLabTest {
  ClusterLab lab;

  @BeforeAll
  void up() throws IOException {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -DskipLab=true");
    lab = new ClusterLab("hfd", "10.213.14");
    lab.up();
  }

  @AfterAll
  void down() throws IOException {
    if (lab != null) lab.close();
  }

  @Test
  void aDrillFromTheClientSwitchesOverAndBackAndEveryAcknowledgedRecordReadsBack() {
    String active = lab.settle(Duration.ofSeconds(90));
    String other = Scenarios.other(active);
    String dir = lab.lab.dir().toString();
    List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.lab.name + "-client", lab.lab.root.resolve("deploy/hanfs").toString(),
        "drill", "home", "--url", "nfs://" + lab.lab.vip() + lab.lab.srv() + "/home/export?version=4", "-c", dir + "/hanfs.conf", "--settle", "2s",
        "--timeout", "60"));
    // The kill adds some 20 s (the killed node's lease runs out first): only in the long run.
    boolean kill = Boolean.getBoolean("hanfs.longLab");
    if (kill) argv.addAll(List.of("--kill-active", lab.lab.root.resolve("deploy/lab/nslab") + " kill"));
    // The witness's certificate and token: a client of the cluster's CA, as an operator's machine would hold;
    // the lab's settings for the kill command (nslab kill NODE: SIGTERM to its daemon, which its supervisor restarts).
    Map<String, String> env = new java.util.HashMap<>(lab.lab.env);
    env.putAll(Map.of("HANFS_NODE", "w", "HANFS_STATE_DIR", dir + "/state/w", "HANFS_LAB_NODES", "n1 n2 w", "HANFS_LAB_SUPERVISE", "1"));
    long t0 = System.nanoTime();
    Lab.Result r = Lab.exec(argv, Duration.ofSeconds(150), env);
    long took = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("hanfs drill took " + took + " ms\n" + r.out() + "\nstderr:\n" + r.err());
    assertEquals(0, r.code(), r.toString());
    String out = r.out();
    assertTrue(out.contains("switchover " + active + " -> " + other + ": requested at"), out);
    assertTrue(out.contains("switchover " + other + " -> " + active + ": requested at"), out);
    assertTrue(out.lines().anyMatch(l -> l.contains(" promoted ") && l.contains(other)), "promoted on " + other + ":\n" + out);
    assertTrue(out.lines().anyMatch(l -> l.contains(" promoted ") && l.contains(active)), "promoted on " + active + ":\n" + out);
    if (kill) {
      // A SIGTERM'd daemon stops its stack or leaves it running for its restart to adopt: either way the resource is served again.
      assertTrue(out.contains("kill of the active daemon on " + active + ": active again on "), out);
    }
    assertEquals(kill ? 3 : 2, out.lines().filter(l -> l.contains("client: longest I/O gap")).count(), out);
    assertTrue(out.contains("acknowledged records are there with their content"), out);
  }
}
