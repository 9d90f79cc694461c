package io.hanfs.node.resource.floatingip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.Captured;
import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.lease.LeaseView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The VIP's lifetime renewal against a stop. A recording runner plays `ip` (captured output with
 * and without the address) so the interleaving is exact; the real layer runs in the namespace lab.
 */
class FloatingIpLayerTest {
  /**
   * The interleaving seen in the lab: a renewal has just seen the address when a demote deletes
   * it. The demote runs while the renewal's first command answers; the address must stay gone.
   */
  @Test
  void aDemoteDuringARenewalLeavesTheAddressGone() throws Exception {
    String withVip = Captured.read("ip-j-addr-show-eth1-with-vip.json");
    String withoutVip = withVip.replace("10.213.7.100", "10.213.7.199");
    boolean[] present = {true};
    FloatingIpLayer[] layer = new FloatingIpLayer[1];
    Thread[] demote = new Thread[1];
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> {
      String cmd = String.join(" ", argv);
      if (cmd.startsWith("ip -j addr show")) {
        boolean was = present[0];
        if (Thread.currentThread().getName().equals("renewal") && demote[0] == null) {
          demote[0] = new Thread(layer[0]::stop, "demote");
          demote[0].start();
          try {
            demote[0].join(300); // without the layer's lock the demote completes here
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return RecordingCommandRunner.ok(argv, was ? withVip : withoutVip);
      }
      if (cmd.startsWith("ip addr del")) present[0] = false;
      if (cmd.startsWith("ip addr change")) present[0] = true;
      return RecordingCommandRunner.ok(argv, "");
    });
    LeaseView view = new LeaseView(Duration.ofMillis(400));
    view.validUntil(System.nanoTime() + Duration.ofSeconds(2).toNanos());
    layer[0] = new FloatingIpLayer(new FloatingIp("10.213.7.100", 24, "eth1", 0), new IpDriver(new io.hanfs.exec.CommandRunner() {
      @Override
      public io.hanfs.exec.CommandResult run(List<String> argv, Duration timeout) {
        return runner.script(argv);
      }
    }, Duration.ofSeconds(5)), Optional.of(view));
    Thread renewal = new Thread(layer[0]::renewLifetime, "renewal");
    renewal.start();
    renewal.join(5000);
    demote[0].join(5000);
    assertTrue(!present[0], "the address came back after the demote deleted it");
  }

  @Test
  void aRenewalAfterAStopNeverTouchesTheAddress() {
    String withVip = Captured.read("ip-j-addr-show-eth1-with-vip.json");
    String withoutVip = withVip.replace("10.213.7.100", "10.213.7.199");
    boolean[] present = {true};
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> {
      String cmd = String.join(" ", argv);
      if (cmd.startsWith("ip -j addr show")) return RecordingCommandRunner.ok(argv, present[0] ? withVip : withoutVip);
      if (cmd.startsWith("ip addr del")) present[0] = false;
      if (cmd.startsWith("ip addr change")) present[0] = true; // what the kernel did in the lab: the address came back
      return RecordingCommandRunner.ok(argv, "");
    });
    LeaseView view = new LeaseView(Duration.ofMillis(400));
    FloatingIpLayer layer = new FloatingIpLayer(new FloatingIp("10.213.7.100", 24, "eth1", 0),
        new IpDriver(runner, Duration.ofSeconds(5)), Optional.of(view));
    assertTrue(layer.probe().active(), "adopted: the address is there");
    layer.stop();
    layer.renewLifetime(); // a renewal that was already on its way when the demote began
    assertTrue(!layer.probe().active(), "the VIP stays down after a stop");
    List<String> changes = runner.commandNames().stream().filter(c -> c.startsWith("ip addr change")).toList();
    assertEquals(List.of(), changes);
  }
}
