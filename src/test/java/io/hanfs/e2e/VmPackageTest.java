package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package on a real system, in every run: one TCG data guest (d1) installs this
 * build's package with dpkg, gets the files an administrator would write (config, TLS, the
 * DRBD resource, up and waiting for its peer), and starts the daemon from /usr/bin/hanfs under
 * the lab's service supervisor (the unit's restart and fence step, see {@link
 * VmCluster#startDaemon}); the witness runs on the host and speaks the notify protocol to the
 * lab's listener. The test waits until d1 is a member the leader sees, then asks the node's own
 * management endpoint inside the guest. The cluster stays in maintenance (its second data node never comes): this is
 * the package's test; {@link VmClusterTest} (long run) fails over on two guests.
 */
class VmPackageTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static VmLab lab;
  static VmCluster cluster;
  static VmLab.Guest d1;

  @BeforeAll
  static void up() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -Dhanfs.skipLab=true");
    lab = new VmLab(dir);
    // The only guest: both host cores for its JVM's start (the witness on the host is idle by then).
    lab.cpusPerGuest = 2;
    long t0 = System.nanoTime();
    lab.prepare(Map.of("d1", true));
    cluster = new VmCluster(lab);
    // The witness's JVM starts on the host while the guest boots (in maintenance: nothing to place).
    cluster.startWitness(true);
    long t1 = System.nanoTime();
    // Boots the guest and installs the package there (dpkg -i, VmLab.Guest#installPackage).
    lab.bootAll();
    long t2 = System.nanoTime();
    System.out.printf("vm package: prepared %.1f s, d1 booted with the package installed %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    d1 = lab.guest("d1");
  }

  @AfterAll
  static void down() {
    if (cluster != null) cluster.saveAllLogs();
    if (lab != null) lab.close();
  }

  @Test
  void theInstalledPackageStartsAndItsNodeJoins() throws Exception {
    try {
      assertTrue(d1.check("dpkg-query", "-W", "-f", "${Status} ${Version}", "hanfs").out().startsWith("install ok installed"), "dpkg: the package is installed");
      assertEquals("700 root", d1.check("stat", "-c", "%a %U", "/var/lib/hanfs").out().strip(), "the state directory: root only");
      for (String f : List.of("/usr/bin/hanfs", "/etc/hanfs/hanfs.env", "/etc/hanfs/hanfs.conf", "/lib/systemd/system/hanfs.service",
          "/usr/share/bash-completion/completions/hanfs")) {
        assertTrue(d1.run("test", "-e", f).ok(), "the package installs " + f);
      }
      String unit = d1.agent.readFile("/lib/systemd/system/hanfs.service");
      for (String line : List.of("Type=notify", "WatchdogSec=", "EnvironmentFile=", "ExecStart=/usr/bin/hanfs run", "ExecStartPre=/usr/bin/hanfs validate", "ExecStopPost=")) {
        assertTrue(unit.lines().anyMatch(l -> l.startsWith(line)), "the installed unit has " + line + ":\n" + unit);
      }
      // What an administrator writes: the node's name for the unit, the config, TLS, DRBD.
      d1.agent.writeFile("/etc/hanfs/hanfs.env", "HANFS_NODE=d1\n");
      d1.agent.writeFile("/etc/hanfs/hanfs.conf", cluster.hanfsConfig("d1"));
      cluster.writeTls("d1");
      d1.check("mkdir", "-p", "/etc/drbd.d", "/var/lib/hanfs/flags");
      d1.agent.writeFile("/etc/drbd.conf", VmCluster.drbdConfig());
      d1.check("drbdadm", "create-md", "--force", "r0");
      d1.check("drbdadm", "up", "r0");
      assertTrue(cluster.drbd("d1").contains("version: 8.4"), "the guest runs DRBD 8.4: " + cluster.drbd("d1"));
      d1.check("modprobe", "nfsd");
      // Nothing to promote with one data node of two: both daemons start in maintenance.
      d1.agent.writeFile("/var/lib/hanfs/flags/maintenance", "on\n");
      long t = System.nanoTime();
      cluster.startDaemon("d1");

      JsonNode view = awaitMember("d1", Duration.ofMinutes(6));
      long joined = (System.nanoTime() - t) / 1_000_000;
      System.out.printf("vm package: d1's daemon from the package is a member %d ms after the start; leader's view %s%n", joined, view.path("members"));
      System.out.println("vm package: the witness's notify: " + cluster.witness.awaitReadyAndWatchdog(2, Duration.ofMinutes(2)));

      // The node's own endpoint in the guest, with the token the daemon wrote at its first start
      // (the CLI is a JVM of its own: on an emulated CPU beside the daemon it took 165 s to start,
      // so the namespace lab tests it, on these same jars).
      GuestAgent.Result token = d1.run("stat", "-c", "%a", "/var/lib/hanfs/api-token");
      assertEquals("600", token.out().strip(), "the API token the daemon wrote: " + token);
      String bearer = "Authorization: Bearer " + d1.agent.readFile("/var/lib/hanfs/api-token").strip();
      // The daemon binds its management endpoint after it joined (seen 7 s later on an emulated CPU): ask until it answers.
      GuestAgent.Result status;
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      do {
        status = d1.agent.exec(List.of("curl", "-sf", "-m", "30", "-H", bearer, "http://127.0.0.1:7626/hanfs/status"), Duration.ofSeconds(60));
        if (status.exitCode() == 0) break;
        Thread.sleep(1000);
      } while (System.nanoTime() < deadline);
      assertEquals(0, status.exitCode(), "GET /hanfs/status in the guest within 3 min: " + status);
      JsonNode s = JSON.readTree(status.out());
      assertTrue(s.toString().contains("\"d1\"") && s.toString().contains("home"), "d1's status names the node and its resource: " + status.out());
      // A POST without the token changes nothing and says why (403 or 401).
      GuestAgent.Result refused = d1.agent.exec(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "30", "-X", "POST",
          "http://127.0.0.1:7626/hanfs/maintenance/off"), Duration.ofSeconds(60));
      assertTrue(refused.out().strip().matches("40[13]"), "a POST without the API token is refused: " + refused);
    } catch (Throwable e) {
      System.out.println(lab.consoles());
      System.out.println(cluster.logs());
      throw e;
    }
  }

  /** The leader's view (from the witness) once {@code node} is up and reachable in it. */
  static JsonNode awaitMember(String node, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "no answer from the witness";
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> c = cluster.cluster(VmWitness.NODE);
      if (c.isPresent()) {
        last = c.get().path("members").toString();
        for (JsonNode m : c.get().path("members")) {
          if (m.path("node").asText().equals(node) && m.path("status").asText().equalsIgnoreCase("up") && m.path("reachable").asBoolean()) return c.get();
        }
      }
      Thread.sleep(2000);
    }
    throw new AssertionError(node + " is not a member the leader sees up within " + max.toSeconds() + " s: " + last);
  }
}
