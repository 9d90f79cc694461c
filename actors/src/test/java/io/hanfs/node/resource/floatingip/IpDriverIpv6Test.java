package io.hanfs.node.resource.floatingip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.Captured;
import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.lease.LeaseView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The argument lists IpDriver runs for an IPv6 floating IP, and those of IPv4 unchanged beside them. */
class IpDriverIpv6Test {
  static final String WITH_V6_VIP = Captured.read("ip-j-addr-show-eth1-with-vip.json").replace("10.213.7.100", "fd42:1::100");

  /** A recording runner that also records background commands (announcements) instead of running them. */
  static final class Runner extends RecordingCommandRunner {
    final List<List<String>> background = new ArrayList<>();

    Runner(Function<List<String>, CommandResult> script) {
      super(script);
    }

    @Override
    public synchronized CommandRunner.Background runInBackground(List<String> argv, Duration timeout) {
      background.add(List.copyOf(argv));
      return null;
    }
  }

  static CommandResult exit(List<String> argv, int code, boolean timedOut) {
    return new CommandResult(argv, code, "", "", timedOut, Duration.ZERO);
  }

  @Test
  void ipv6CommandsUseIp6NodadNdisc6AndSendUa() {
    Runner r = new Runner(argv -> RecordingCommandRunner.ok(argv, ""));
    IpDriver ip = new IpDriver(r, Duration.ofSeconds(5));
    ip.add("eth1", "fd42:1::100/64");
    ip.add("eth1", "fd42:1::100/64", 7);
    ip.extend("eth1", "fd42:1::100/64", 7);
    ip.deleteIfPresent("eth1", "fd42:1::100/64", "fd42:1::100");
    ip.someoneElseHas("eth1", "fd42:1::100");
    ip.announce("eth1", "fd42:1::100", 64, 3);
    assertEquals(List.of(
        List.of("ip", "-6", "addr", "add", "fd42:1::100/64", "dev", "eth1", "nodad"),
        List.of("ip", "-6", "addr", "add", "fd42:1::100/64", "dev", "eth1", "nodad", "valid_lft", "7", "preferred_lft", "7"),
        List.of("ip", "-6", "addr", "change", "fd42:1::100/64", "dev", "eth1", "nodad", "valid_lft", "7", "preferred_lft", "7"),
        List.of("ip", "-6", "addr", "del", "fd42:1::100/64", "dev", "eth1"),
        List.of("ndisc6", "-1", "-n", "-q", "-r", "1", "-w", "150", "fd42:1::100", "eth1")), r.calls);
    assertEquals(List.of(List.of("/usr/libexec/heartbeat/send_ua", "-i", "1000", "-c", "3", "fd42:1::100", "64", "eth1")), r.background);
  }

  @Test
  void ipv4CommandsAreAsBefore() {
    Runner r = new Runner(argv -> argv.get(0).equals("arping") ? exit(argv, -1, true) : RecordingCommandRunner.ok(argv, ""));
    IpDriver ip = new IpDriver(r, Duration.ofSeconds(5));
    ip.add("eth1", "10.213.7.100/24");
    ip.add("eth1", "10.213.7.100/24", 7);
    ip.extend("eth1", "10.213.7.100/24", 7);
    ip.deleteIfPresent("eth1", "10.213.7.100/24", "10.213.7.100");
    ip.someoneElseHas("eth1", "10.213.7.100");
    ip.announce("eth1", "10.213.7.100", 24, 3);
    assertEquals(List.of(
        List.of("ip", "addr", "add", "10.213.7.100/24", "dev", "eth1"),
        List.of("ip", "addr", "add", "10.213.7.100/24", "dev", "eth1", "valid_lft", "7", "preferred_lft", "7"),
        List.of("ip", "addr", "change", "10.213.7.100/24", "dev", "eth1", "valid_lft", "7", "preferred_lft", "7"),
        List.of("ip", "addr", "del", "10.213.7.100/24", "dev", "eth1"),
        List.of("arping", "-D", "-q", "-c", "1", "-w", "1", "-I", "eth1", "10.213.7.100")), r.calls);
    assertEquals(List.of(List.of("arping", "-U", "-q", "-c", "3", "-I", "eth1", "10.213.7.100")), r.background);
  }

  @Test
  void ndisc6ExitCodesAreTheDuplicateCheck() {
    for (Object[] c : new Object[][] {{0, false, true}, {2, false, false}, {-1, true, false}}) {
      IpDriver ip = new IpDriver(new Runner(argv -> exit(argv, (int) c[0], (boolean) c[1])), Duration.ofSeconds(5));
      assertEquals(c[2], ip.someoneElseHas("eth1", "fd42:1::100"), "exit " + c[0]);
    }
    IpDriver broken = new IpDriver(new Runner(argv -> exit(argv, 1, false)), Duration.ofSeconds(5));
    assertThrows(IllegalStateException.class, () -> broken.someoneElseHas("eth1", "fd42:1::100"));
  }

  @Test
  void addressesAreComparedInRfc5952Form() {
    IpDriver ip = new IpDriver(new Runner(argv -> RecordingCommandRunner.ok(argv, WITH_V6_VIP.replace("fd42:1::100", "fd42:1:0:0:0:0:0:100"))), Duration.ofSeconds(5));
    assertTrue(ip.hasAddress("eth1", "fd42:1::100"));
    assertFalse(ip.hasAddress("eth1", "fd42:1::101"));
    assertTrue(ip.hasAddress("eth1", "10.213.7.11"));
  }

  @Test
  void aLayerWithAnIpv6AddressStartsRenewsAndStops() {
    long second = 1_000_000_000L;
    AtomicLong now = new AtomicLong(1_000 * second);
    boolean[] present = {false};
    Runner r = new Runner(argv -> {
      String cmd = String.join(" ", argv);
      if (cmd.startsWith("ip -j addr show")) return RecordingCommandRunner.ok(argv, present[0] ? WITH_V6_VIP : WITH_V6_VIP.replace("fd42:1::100", "fd42:1::199"));
      if (cmd.startsWith("ndisc6")) return exit(argv, 2, false);
      if (cmd.startsWith("ip -6 addr add")) present[0] = true;
      if (cmd.startsWith("ip -6 addr del")) present[0] = false;
      return RecordingCommandRunner.ok(argv, "");
    });
    LeaseView lease = new LeaseView(Duration.ofMillis(400));
    lease.validUntil(now.get() + 2 * second);
    FloatingIpLayer layer = new FloatingIpLayer(new FloatingIp("fd42:1::100", 64, "eth1", 2), new IpDriver(r, Duration.ofSeconds(5)), Optional.of(lease), now::get);
    layer.start();
    assertTrue(layer.monitor().toString().contains("fd42:1::100/64 on eth1"), layer.monitor().toString());
    layer.renewLifetime();
    layer.stop();
    List<String> cmds = r.commandNames().stream().filter(c -> !c.startsWith("ip -j")).toList();
    assertEquals(List.of("ndisc6 -1 -n -q -r 1 -w 150 fd42:1::100 eth1", "ip -6 addr add fd42:1::100/64 dev eth1 nodad valid_lft 1 preferred_lft 1",
        "ip -6 addr change fd42:1::100/64 dev eth1 nodad valid_lft 1 preferred_lft 1", "ip -6 addr del fd42:1::100/64 dev eth1"), cmds);
    assertEquals(List.of(List.of("/usr/libexec/heartbeat/send_ua", "-i", "1000", "-c", "2", "fd42:1::100", "64", "eth1")), r.background);
  }
}
