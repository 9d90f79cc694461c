package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hanfs on three TCG guests: d1, d2 (data, real DRBD 8.4, kernel nfsd) and w (witness + kernel NFS client). */
class VmClusterTest {
  @TempDir static Path dir;
  static VmLab lab;

  @BeforeAll
  static void up() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -Dhanfs.skipLab=true");
    lab = new VmLab(dir);
    Map<String, Boolean> nodes = new LinkedHashMap<>();
    nodes.put("d1", true);
    nodes.put("d2", true);
    nodes.put("w", false);
    long t0 = System.nanoTime();
    lab.prepare(nodes);
    long t1 = System.nanoTime();
    try {
      lab.bootAll();
    } catch (Exception e) {
      System.out.println(lab.consoles());
      throw e;
    }
    System.out.printf("vm lab: prepared in %.1f s, 3 guests answering in %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
  }

  @AfterAll
  static void down() {
    if (lab != null) lab.close();
  }

  @Test
  void guestsAnswer() throws Exception {
    for (VmLab.Guest g : lab.guests.values()) {
      GuestAgent.Result r = g.check("uname", "-n");
      assertTrue(r.out().strip().equals(g.name), r.toString());
      System.out.println(g.name + ": " + g.check("ip", "-o", "-4", "addr", "show", "dev", "lab0").out().strip());
      System.out.println(g.name + ": " + g.check("ls", "/opt/hanfs", "/var/lib/hanfs").out().replace('\n', ' '));
    }
  }
}
