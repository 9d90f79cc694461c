package io.hanfs.node.resource.floatingip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** iproute2 and iputils-arping around one interface: probe, add, delete, announce. */
public class IpDriver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final CommandRunner runner;
  private final Duration timeout;

  public IpDriver(CommandRunner runner, Duration timeout) {
    this.runner = runner;
    this.timeout = timeout;
  }

  /** True when {@code address} is configured on {@code iface} (from {@code ip -j addr show}). */
  public boolean hasAddress(String iface, String address) {
    CommandResult r = runner.run(List.of("ip", "-j", "addr", "show", "dev", iface), timeout).orThrow();
    return addressesOf(r.stdout()).contains(address);
  }

  /** An interface as {@code ip -j addr show dev IFACE} shows it. */
  public record Link(boolean up, List<String> addresses) {}

  /**
   * The interface's flags and addresses in one {@code ip} call (a start asks both; each process
   * costs a fork and exec, slow on small or emulated CPUs), or empty when it does not exist.
   */
  public java.util.Optional<Link> link(String iface) {
    CommandResult r = runner.run(List.of("ip", "-j", "addr", "show", "dev", iface), timeout);
    if (!r.ok()) return java.util.Optional.empty();
    return linkOf(r.stdout());
  }

  static java.util.Optional<Link> linkOf(String ipJson) {
    try {
      JsonNode root = JSON.readTree(ipJson);
      if (root == null || !root.isArray() || root.isEmpty()) return java.util.Optional.empty();
      boolean up = false;
      for (JsonNode flag : root.get(0).path("flags")) up |= flag.asText().equals("UP");
      return java.util.Optional.of(new Link(up, addressesOf(ipJson)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot parse ip -j output: " + e.getMessage(), e);
    }
  }

  /** Parses the IPv4 and IPv6 addresses out of {@code ip -j addr show} output. */
  static List<String> addressesOf(String ipJson) {
    try {
      JsonNode root = JSON.readTree(ipJson);
      java.util.ArrayList<String> out = new java.util.ArrayList<>();
      for (JsonNode link : root) {
        for (JsonNode info : link.path("addr_info")) out.add(info.path("local").asText());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot parse ip -j output: " + e.getMessage(), e);
    }
  }

  /**
   * How long duplicate-address detection waits for an ARP answer. A host on the segment answers
   * within milliseconds; arping itself would wait a whole second (its -w takes whole seconds),
   * which would be most of a planned switchover.
   */
  static final Duration DAD_WINDOW = Duration.ofMillis(150);

  /**
   * Duplicate-address detection: true when another host answers ARP for the address within
   * {@link #DAD_WINDOW}. iputils arping -D exits 1 as soon as somebody answers; if it is still
   * waiting when the window closes, nobody did.
   */
  public boolean someoneElseHas(String iface, String address) {
    CommandResult r = runner.runUntil(List.of("arping", "-D", "-q", "-c", "1", "-w", "1", "-I", iface, address), DAD_WINDOW);
    if (r.timedOut()) return false;
    if (r.exitCode() > 1) throw new IllegalStateException("duplicate-address check failed: " + r.describe());
    return r.exitCode() == 1;
  }

  public void add(String iface, String cidr) {
    runner.run(List.of("ip", "addr", "add", cidr, "dev", iface), timeout).orThrow();
  }

  /** Adds the address with a kernel lifetime: the kernel removes it unless {@link #extend} renews it. */
  public void add(String iface, String cidr, int lifetimeSeconds) {
    String lft = Integer.toString(lifetimeSeconds);
    runner.run(List.of("ip", "addr", "add", cidr, "dev", iface, "valid_lft", lft, "preferred_lft", lft), timeout).orThrow();
  }

  /** Renews the kernel lifetime of an address that is present; fails when it is gone. */
  public CommandResult extend(String iface, String cidr, int lifetimeSeconds) {
    String lft = Integer.toString(lifetimeSeconds);
    return runner.run(List.of("ip", "addr", "change", cidr, "dev", iface, "valid_lft", lft, "preferred_lft", lft), timeout);
  }

  /**
   * Removes the address; true when it is gone afterwards. A failed delete is checked with one
   * more call (the address may have been absent already); the usual case costs one process.
   */
  public boolean deleteIfPresent(String iface, String cidr, String address) {
    CommandResult r = runner.run(List.of("ip", "addr", "del", cidr, "dev", iface), timeout);
    return r.ok() || !hasAddress(iface, address);
  }

  /**
   * Unsolicited ARP so clients and switches learn the new MAC at once instead of in 30-50 s.
   * The first packet leaves immediately; arping sends the rest one second apart in the
   * background, and is ended if the address is removed meanwhile.
   */
  public CommandRunner.Background announce(String iface, String address, int count) {
    return runner.runInBackground(List.of("arping", "-U", "-q", "-c", Integer.toString(count), "-I", iface, address),
        Duration.ofSeconds(count + 2L));
  }
}
