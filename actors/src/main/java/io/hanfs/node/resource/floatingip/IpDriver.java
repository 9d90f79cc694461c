package io.hanfs.node.resource.floatingip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hanfs.config.IpLiteral;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * iproute2 and iputils-arping around one interface: probe, add, delete, announce. An IPv6
 * address (one with a colon) goes through {@code ip -6}, is added without the kernel's own DAD
 * ({@code nodad}: the duplicate check is {@link #someoneElseHas}, done first, and a tentative
 * address would serve nobody for a second), is checked with ndisc6 and announced with an
 * unsolicited neighbour advertisement (resource-agents' send_ua) instead of ARP.
 */
public class IpDriver {
  /** resource-agents' tool for unsolicited neighbour advertisements (Debian: /usr/libexec/heartbeat). */
  static final String SEND_UA = "/usr/libexec/heartbeat/send_ua";
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
    return addressesOf(r.stdout()).contains(IpLiteral.canonical(address));
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

  /** Parses the IPv4 and IPv6 addresses out of {@code ip -j addr show} output (IPv6 in RFC 5952 form). */
  static List<String> addressesOf(String ipJson) {
    try {
      JsonNode root = JSON.readTree(ipJson);
      java.util.ArrayList<String> out = new java.util.ArrayList<>();
      for (JsonNode link : root) {
        for (JsonNode info : link.path("addr_info")) out.add(IpLiteral.canonical(info.path("local").asText()));
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
    if (isIpv6(address)) return someoneElseHasIpv6(iface, address);
    CommandResult r = runner.runUntil(List.of("arping", "-D", "-q", "-c", "1", "-w", "1", "-I", iface, address), DAD_WINDOW);
    if (r.timedOut()) return false;
    if (r.exitCode() > 1) throw new IllegalStateException("duplicate-address check failed: " + r.describe());
    return r.exitCode() == 1;
  }

  /**
   * The same check for IPv6: a neighbour solicitation for the address (ndisc6, one try in the
   * same window); ndisc6 exits 0 when a neighbour answered, 2 when none did.
   */
  private boolean someoneElseHasIpv6(String iface, String address) {
    CommandResult r = runner.runUntil(List.of("ndisc6", "-1", "-n", "-q", "-r", "1", "-w", Long.toString(DAD_WINDOW.toMillis()), address, iface), DAD_WINDOW);
    if (r.timedOut() || r.exitCode() == 2) return false;
    if (r.exitCode() != 0) throw new IllegalStateException("duplicate-address check failed: " + r.describe());
    return true;
  }

  public void add(String iface, String cidr) {
    runner.run(isIpv6(cidr) ? List.of("ip", "-6", "addr", "add", cidr, "dev", iface, "nodad") : List.of("ip", "addr", "add", cidr, "dev", iface), timeout).orThrow();
  }

  /** Adds the address with a kernel lifetime: the kernel removes it unless {@link #extend} renews it. */
  public void add(String iface, String cidr, int lifetimeSeconds) {
    String lft = Integer.toString(lifetimeSeconds);
    runner.run(isIpv6(cidr) ? List.of("ip", "-6", "addr", "add", cidr, "dev", iface, "nodad", "valid_lft", lft, "preferred_lft", lft)
        : List.of("ip", "addr", "add", cidr, "dev", iface, "valid_lft", lft, "preferred_lft", lft), timeout).orThrow();
  }

  /** Renews the kernel lifetime of an address that is present; fails when it is gone. */
  public CommandResult extend(String iface, String cidr, int lifetimeSeconds) {
    String lft = Integer.toString(lifetimeSeconds);
    // A change sets the address's flags anew: nodad again, as it was added.
    return runner.run(isIpv6(cidr) ? List.of("ip", "-6", "addr", "change", cidr, "dev", iface, "nodad", "valid_lft", lft, "preferred_lft", lft)
        : List.of("ip", "addr", "change", cidr, "dev", iface, "valid_lft", lft, "preferred_lft", lft), timeout);
  }

  /**
   * Removes the address; true when it is gone afterwards. A failed delete is checked with one
   * more call (the address may have been absent already); the usual case costs one process.
   */
  public boolean deleteIfPresent(String iface, String cidr, String address) {
    CommandResult r = runner.run(isIpv6(cidr) ? List.of("ip", "-6", "addr", "del", cidr, "dev", iface) : List.of("ip", "addr", "del", cidr, "dev", iface), timeout);
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

  /**
   * As {@link #announce(String, String, int)}; an IPv6 address gets unsolicited neighbour
   * advertisements instead (send_ua's interval is in milliseconds: one second apart, as arping).
   */
  public CommandRunner.Background announce(String iface, String address, int prefixLength, int count) {
    if (!isIpv6(address)) return announce(iface, address, count);
    return runner.runInBackground(List.of(SEND_UA, "-i", "1000", "-c", Integer.toString(count), address, Integer.toString(prefixLength), iface),
        Duration.ofSeconds(count + 2L));
  }

  /** An IPv6 address or CIDR: config validation lets only literals through, so a colon says which family. */
  static boolean isIpv6(String addressOrCidr) {
    return addressOrCidr.indexOf(':') >= 0;
  }
}
