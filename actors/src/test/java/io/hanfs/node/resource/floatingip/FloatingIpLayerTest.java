package io.hanfs.node.resource.floatingip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.Captured;
import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.lease.LeaseView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
    long now = System.nanoTime(); // a clock that stands still: the lease leaves a lifetime however slow the machine
    view.validUntil(now + Duration.ofSeconds(2).toNanos());
    layer[0] = new FloatingIpLayer(new FloatingIp("10.213.7.100", 24, "eth1", 0), new IpDriver(new io.hanfs.exec.CommandRunner() {
      @Override
      public io.hanfs.exec.CommandResult run(List<String> argv, Duration timeout) {
        return runner.script(argv);
      }
    }, Duration.ofSeconds(5)), Optional.of(view), () -> now);
    assertTrue(layer[0].probe().active(), "adopted: the address is there");
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

  /**
   * A node's `ip` and kernel on a moving clock: the address, its lifetime as the layer set it,
   * and every gratuitous ARP announcement. {@link #lapse()} is the kernel ending the lifetime.
   */
  static final class Kernel {
    static final long SECOND = 1_000_000_000L;
    final String withVip = Captured.read("ip-j-addr-show-eth1-with-vip.json");
    final String withoutVip = withVip.replace("10.213.7.100", "10.213.7.199");
    final AtomicLong now = new AtomicLong(1_000 * SECOND);
    boolean present;
    final List<String> announced = new java.util.ArrayList<>();
    final RecordingCommandRunner runner = new RecordingCommandRunner(argv -> {
      String cmd = String.join(" ", argv);
      if (cmd.startsWith("ip -j addr show")) return RecordingCommandRunner.ok(argv, present ? withVip : withoutVip);
      if (cmd.startsWith("arping -D")) return new io.hanfs.exec.CommandResult(argv, 0, "", "", true, Duration.ZERO); // nobody answered
      if (cmd.startsWith("ip addr add")) {
        if (present) return RecordingCommandRunner.fail(argv, 2, "RTNETLINK answers: File exists");
        present = true;
      }
      if (cmd.startsWith("ip addr del")) present = false;
      if (cmd.startsWith("ip addr change")) present = true;
      return RecordingCommandRunner.ok(argv, "");
    });
    final LeaseView lease = new LeaseView(Duration.ofMillis(400));
    final FloatingIpLayer layer = new FloatingIpLayer(new FloatingIp("10.213.7.100", 24, "eth1", 2), new IpDriver(runner, Duration.ofSeconds(5)) {
      @Override
      public io.hanfs.exec.CommandRunner.Background announce(String iface, String address, int count) {
        announced.add(iface + " " + address + " x" + count);
        return null;
      }
    }, Optional.of(lease), now::get);

    /** A lease round a majority granted just now (2 s lease: the VIP gets a 1 s lifetime). */
    void renewed() {
      lease.validUntil(now.get() + 2 * SECOND);
      layer.renewLifetime();
    }

    void advanceMillis(long ms) {
      now.addAndGet(ms * 1_000_000L);
    }

    void lapse() {
      present = false;
    }

    List<String> adds() {
      return runner.commandNames().stream().filter(c -> c.startsWith("ip addr add")).toList();
    }
  }

  @Test
  void theFirstRenewalAfterALapseRaisesTheAddressAgainAndAnnouncesIt() {
    Kernel k = new Kernel();
    k.lease.validUntil(k.now.get() + 2 * Kernel.SECOND);
    k.layer.start();
    assertEquals(List.of("ip addr add 10.213.7.100/24 dev eth1 valid_lft 1 preferred_lft 1"), k.adds());
    assertEquals(1, k.announced.size());
    // Renewals stop getting through (the link is down); the 1 s lifetime runs out, the lease holds.
    k.advanceMillis(1300);
    k.lapse();
    k.advanceMillis(400);
    k.renewed();
    assertTrue(k.present, "the first renewal raised the address again");
    assertEquals(2, k.adds().size(), "re-added with the lifetime the lease allows: " + k.adds());
    assertEquals("ip addr add 10.213.7.100/24 dev eth1 valid_lft 1 preferred_lft 1", k.adds().get(1));
    assertEquals(List.of("eth1 10.213.7.100 x2", "eth1 10.213.7.100 x2"), k.announced, "announced as on start");
    assertFalse(k.runner.commandNames().stream().filter(c -> c.startsWith("arping -D")).count() > 1,
        "no duplicate check under the held lease: " + k.runner.commandNames());
    k.renewed();
    assertEquals(2, k.adds().size(), "a present address is only extended");
    assertTrue(k.runner.commandNames().get(k.runner.calls.size() - 1).startsWith("ip addr change 10.213.7.100/24 dev eth1 valid_lft 1"),
        k.runner.commandNames().toString());
  }

  @Test
  void noRenewalRaisesTheAddressAfterAStopOrBeforeAStart() {
    Kernel k = new Kernel();
    k.renewed(); // the lease is held while the layers below start: the VIP must wait for its own start
    assertEquals(List.of(), k.adds());
    k.layer.start();
    k.layer.stop();
    k.advanceMillis(1500);
    k.renewed(); // a renewal already on its way when the demote began
    assertFalse(k.present, "the VIP stays down after a stop");
    assertEquals(1, k.adds().size(), k.adds().toString());
    assertEquals(1, k.announced.size());
  }

  @Test
  void aLapsedAddressIsHealthyButOneRemovedBeforeItsDeadlineIsAFailure() {
    Kernel k = new Kernel();
    k.lease.validUntil(k.now.get() + 2 * Kernel.SECOND);
    k.layer.start();
    // Somebody deletes the address while its lifetime still runs: that stays a layer failure.
    k.advanceMillis(300);
    k.lapse();
    Layer.Probe removed = k.layer.monitor();
    assertFalse(removed.healthy(), removed.toString());
    assertTrue(removed.detail().contains("disappeared"), removed.detail());
    assertEquals(1, k.adds().size(), "a removed address is not raised by the monitor");

    Kernel l = new Kernel();
    l.lease.validUntil(l.now.get() + 2 * Kernel.SECOND);
    l.layer.start();
    // The lifetime ran out and no renewal came since: the lease has too little left for a lifetime.
    l.advanceMillis(1200);
    l.lapse();
    Layer.Probe lapsed = l.layer.monitor();
    assertTrue(lapsed.active() && lapsed.healthy(), lapsed.toString());
    assertTrue(lapsed.detail().contains("lapsed") && lapsed.detail().contains("waiting for the next lease renewal"), lapsed.detail());
    assertFalse(l.present);
    // A renewal reached the lease but not the layer yet: the monitor raises the address itself.
    l.lease.validUntil(l.now.get() + 2 * Kernel.SECOND);
    Layer.Probe raised = l.layer.monitor();
    assertTrue(raised.active() && raised.healthy() && l.present, raised.toString());
    assertEquals(2, l.adds().size(), l.adds().toString());
    assertEquals(2, l.announced.size());
  }

  @Test
  void anAbsenceIsALapseOnlyFromTheDeadlineOn() {
    long deadline = 50 * Kernel.SECOND;
    assertEquals(FloatingIpLayer.Absence.REMOVED, FloatingIpLayer.absence(deadline - 500_000_000L, deadline));
    assertEquals(FloatingIpLayer.Absence.LAPSED, FloatingIpLayer.absence(deadline - 20_000_000L, deadline), "the kernel's 20 ms early");
    assertEquals(FloatingIpLayer.Absence.LAPSED, FloatingIpLayer.absence(deadline + Kernel.SECOND, deadline));
    assertEquals(FloatingIpLayer.Absence.REMOVED, FloatingIpLayer.absence(deadline, FloatingIpLayer.NO_DEADLINE), "no lifetime set");
  }

  /**
   * A starved machine: a renewal's ip process is slow and more renewals wait for the layer's lock
   * when the demote comes. The demote must not wait behind them: once it began, only the renewal
   * already running may change the address (in the VM lab a stop waited 84 s behind such pushes).
   */
  @Test
  void aStopGivesWayToNoWaitingRenewal() throws Exception {
    String withVip = Captured.read("ip-j-addr-show-eth1-with-vip.json");
    String withoutVip = withVip.replace("10.213.7.100", "10.213.7.199");
    java.util.concurrent.CountDownLatch slow = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean present = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
    List<String> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.hanfs.exec.CommandRunner ipCommands = new io.hanfs.exec.CommandRunner() {
      @Override
      public io.hanfs.exec.CommandResult run(List<String> argv, Duration timeout) {
        String cmd = String.join(" ", argv);
        if (cmd.startsWith("ip -j addr show")) {
          if (Thread.currentThread().getName().startsWith("renewal") && first.getAndSet(false)) {
            try {
              slow.await(); // the first renewal's process answers only once the others and the stop wait
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return RecordingCommandRunner.ok(argv, present.get() ? withVip : withoutVip);
        }
        if (cmd.startsWith("ip addr del")) present.set(false);
        if (cmd.startsWith("ip addr change")) {
          changes.add(Thread.currentThread().getName());
          present.set(true);
        }
        return RecordingCommandRunner.ok(argv, "");
      }
    };
    LeaseView view = new LeaseView(Duration.ofMillis(400));
    long now = System.nanoTime();
    view.validUntil(now + Duration.ofSeconds(2).toNanos());
    FloatingIpLayer layer = new FloatingIpLayer(new FloatingIp("10.213.7.100", 24, "eth1", 0), new IpDriver(ipCommands, Duration.ofSeconds(5)),
        Optional.of(view), () -> now);
    assertTrue(layer.probe().active(), "adopted: the address is there");
    List<Thread> renewals = new java.util.ArrayList<>();
    renewals.add(new Thread(layer::renewLifetime, "renewal-0"));
    renewals.get(0).start();
    while (first.get()) Thread.sleep(1); // it holds the lock, in its slow process
    Thread stop = new Thread(layer::stop, "demote");
    stop.start();
    while (stop.getState() != Thread.State.BLOCKED) Thread.sleep(1);
    // Renewals keep coming after the demote began, as they did in the lab.
    for (int i = 1; i < 6; i++) {
      Thread r = new Thread(layer::renewLifetime, "renewal-" + i);
      renewals.add(r);
      r.start();
    }
    // Every other thread is blocked on the layer's lock (or done) before the slow process answers.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && (stop.getState() != Thread.State.BLOCKED
        || renewals.subList(1, renewals.size()).stream().anyMatch(t -> t.getState() != Thread.State.BLOCKED))) {
      Thread.sleep(1);
    }
    slow.countDown();
    stop.join(10_000);
    for (Thread r : renewals) r.join(10_000);
    assertEquals(List.of("renewal-0"), changes, "only the renewal that was running when the stop began changed the address");
    assertFalse(present.get(), "the address is gone after the stop");
  }
}
