package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a newcomer runs it (on the tree this build made): two data
 * nodes, a witness and a writing client; a switchover and a kill -9, each with the client's
 * outage printed; the history explains both; `deploy/demo stop` leaves no namespace behind.
 */
class DemoTest {
  static final Pattern OUTAGE = Pattern.compile("the client's longest outage: (\\d+\\.\\d+) s");

  @Test
  void theDemoFailsOverTwiceAndStopsClean() {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -Dhanfs.skipLab=true");
    Map<String, String> env = Map.of("HANFS_DEMO_SKIP_BUILD", "1");
    Map<String, String> lab = Map.of("HANFS_LAB", "hfdemo", "HANFS_LAB_NET", "10.213.7");
    try {
      Lab.Result demo = Lab.exec(List.of(VmLab.ROOT.resolve("deploy/demo").toString()), Duration.ofMinutes(12), env);
      System.out.println("demo:\n" + demo.out());
      assertEquals(0, demo.code(), demo.toString());
      Matcher m = OUTAGE.matcher(demo.out());
      int outages = 0;
      while (m.find()) {
        outages++;
        assertTrue(Double.parseDouble(m.group(1)) < 30, "an outage over 30 s: " + m.group());
      }
      assertEquals(2, outages, "a switchover and a kill, each with its outage: " + demo.out());
      Lab.Result history = Lab.exec(List.of(VmLab.ROOT.resolve("deploy/lab/nslab").toString(), "hanfs", "w", "history", "home"), Duration.ofSeconds(30), lab);
      assertTrue(history.out().contains("switchover of home:") && history.out().contains("failover of home:"), history.toString());
    } finally {
      Lab.Result stop = Lab.exec(List.of(VmLab.ROOT.resolve("deploy/demo").toString(), "stop"), Duration.ofMinutes(2), env);
      assertEquals(0, stop.code(), stop.toString());
      Lab.Result netns = Lab.exec(List.of("ip", "netns", "list"), Duration.ofSeconds(10), Map.of());
      assertTrue(!netns.out().contains("hfdemo-"), "demo stop left namespaces: " + netns.out());
    }
  }
}
