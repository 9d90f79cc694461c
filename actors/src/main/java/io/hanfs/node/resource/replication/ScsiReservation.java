package io.hanfs.node.resource.replication;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.resource.LayerException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SCSI-3 persistent reservations on a shared LUN with {@code sg_persist} (sg3-utils), as
 * Pacemaker's fence_scsi uses them: each node has its own key; the node being promoted registers
 * it, holds a Write Exclusive, Registrants Only reservation and preempts (with abort) every other
 * key, so the LUN itself refuses writes from a node that was active before and has not noticed
 * (frozen, cut off). Demotion removes this node's key. Reads stay open to every node.
 */
public final class ScsiReservation {
  /** SPC-3 PR type 5: only registered initiators may write. */
  static final int WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 5;
  /** "hanf" in the high half; the node's position in hanfs.nodes (from 1) in the low half. */
  static final long KEY_PREFIX = 0x68616e66L << 32;
  /** The key of a layer that knows no node: it may release, never take. */
  public static final long NO_KEY = 0;

  private static final Pattern KEY = Pattern.compile("^\\s*(?:Key\\s*=\\s*)?0x([0-9a-fA-F]{1,16})\\s*$", Pattern.MULTILINE);

  private final Path device;
  private final long key;
  private final CommandRunner runner;
  private final Duration timeout;

  public ScsiReservation(Path device, long key, CommandRunner runner, Duration timeout) {
    this.device = device;
    this.key = key;
    this.runner = runner;
    this.timeout = timeout;
  }

  /** This node's key: its position in the config's node list (the same on every node). */
  public static long keyOf(int nodeIndex) {
    if (nodeIndex < 0) throw new IllegalArgumentException("node index " + nodeIndex);
    return KEY_PREFIX | (nodeIndex + 1L);
  }

  public static String hex(long key) {
    return "0x" + Long.toHexString(key);
  }

  public long key() {
    return key;
  }

  /** The reservation as the LUN reports it: registered keys and the holder's key, if any. */
  public record State(List<Long> keys, Optional<Long> holder) {}

  /** Registers this node's key, takes the reservation (preempting its holder) and removes every other key. */
  public void take() {
    if (key == NO_KEY) throw new LayerException("cannot take the SCSI reservation of " + device + ": this node's key is unknown (no node name)");
    out(List.of("--register-ignore", "--param-sark=" + hex(key)), "register this node's key");
    State s = read();
    if (s.holder().isEmpty()) {
      out(List.of("--reserve", "--param-rk=" + hex(key), "--prout-type=" + WRITE_EXCLUSIVE_REGISTRANTS_ONLY), "reserve");
    } else if (s.holder().get() != key) {
      out(preempt(s.holder().get()), "preempt the holder " + hex(s.holder().get()));
    }
    // Every sg_persist costs a process start (0.5 s on the lab's emulated CPUs): the keys read
    // once, each other one removed, then the outcome read once.
    for (long other : s.keys()) {
      if (other != key && !s.holder().equals(Optional.of(other))) out(preempt(other), "remove the key " + hex(other));
    }
    State after = read();
    if (!after.holder().equals(Optional.of(key)) || after.keys().stream().anyMatch(k -> k != key)) {
      throw new LayerException("the SCSI reservation of " + device + " is not this node's after taking it: holder "
          + after.holder().map(ScsiReservation::hex).orElse("none") + ", keys " + after.keys().stream().map(ScsiReservation::hex).toList());
    }
  }

  /** Removes this node's key (and with it its reservation); a failure is left for the next holder's preemption. */
  public Optional<String> release() {
    CommandResult r = sg(List.of("--out", "--no-inquiry", "--register-ignore", "--param-sark=" + hex(NO_KEY), device.toString()));
    return r.ok() ? Optional.empty() : Optional.of("could not remove this node's SCSI reservation key from " + device + ": " + r.describe());
  }

  /** Empty while this node holds the reservation, else what is wrong. */
  public Optional<String> check() {
    State s;
    try {
      s = read();
    } catch (LayerException e) {
      return Optional.of(e.getMessage());
    }
    if (s.holder().equals(Optional.of(key))) return Optional.empty();
    return Optional.of("the SCSI reservation of " + device + " is " + s.holder().map(h -> "held by key " + hex(h) + ": another node took the disk").orElse("not held by anyone"));
  }

  public State read() {
    CommandResult keys = sg(List.of("--in", "--no-inquiry", "--read-keys", device.toString()));
    if (!keys.ok()) throw failed("read the registered keys", keys);
    CommandResult res = sg(List.of("--in", "--no-inquiry", "--read-reservation", device.toString()));
    if (!res.ok()) throw failed("read the reservation", res);
    List<Long> holder = parseKeys(res.stdout());
    return new State(parseKeys(keys.stdout()), holder.isEmpty() ? Optional.empty() : Optional.of(holder.get(0)));
  }

  /** The keys in sg_persist's --read-keys or --read-reservation output ("0x..." or "Key=0x..." lines). */
  static List<Long> parseKeys(String out) {
    List<Long> keys = new ArrayList<>();
    Matcher m = KEY.matcher(out);
    while (m.find()) keys.add(Long.parseUnsignedLong(m.group(1), 16));
    return keys;
  }

  private List<String> preempt(long other) {
    return List.of("--preempt-abort", "--param-rk=" + hex(key), "--param-sark=" + hex(other), "--prout-type=" + WRITE_EXCLUSIVE_REGISTRANTS_ONLY);
  }

  private void out(List<String> args, String what) {
    List<String> argv = new ArrayList<>(List.of("--out", "--no-inquiry"));
    argv.addAll(args);
    argv.add(device.toString());
    CommandResult r = sg(argv);
    if (!r.ok()) throw failed(what, r);
  }

  private CommandResult sg(List<String> args) {
    List<String> argv = new ArrayList<>(List.of("sg_persist"));
    argv.addAll(args);
    return runner.run(argv, timeout);
  }

  private LayerException failed(String what, CommandResult r) {
    // sg3-utils exit codes: 5 illegal request (no PR support), 24 reservation conflict.
    String why = r.exitCode() == 5 ? " (the device does not support persistent reservations; use fencing = none)"
        : r.exitCode() == 24 ? " (reservation conflict)" : "";
    return new LayerException("SCSI reservation of " + device + ": cannot " + what + ": " + r.describe() + why);
  }
}
