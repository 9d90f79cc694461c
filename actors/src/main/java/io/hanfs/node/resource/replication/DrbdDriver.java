package io.hanfs.node.resource.replication;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * drbdadm and drbdsetup for one DRBD resource (8.4 or 9). Exercised for real in the VM lab; on
 * hosts without the drbd module it has unit tests over captured output only.
 */
public class DrbdDriver {
  private final CommandRunner runner;
  private final Duration timeout;
  private final java.nio.file.Path procDrbd;
  /** DRBD 8.4's utilities know no events2: learnt once, then state comes from /proc/drbd. */
  private volatile boolean events2Unknown;
  private final java.util.Map<String, Integer> minors = new java.util.concurrent.ConcurrentHashMap<>();

  public DrbdDriver(CommandRunner runner, Duration timeout) {
    this(runner, timeout, java.nio.file.Path.of("/proc/drbd"));
  }

  DrbdDriver(CommandRunner runner, Duration timeout, java.nio.file.Path procDrbd) {
    this.runner = runner;
    this.timeout = timeout;
    this.procDrbd = procDrbd;
  }

  /**
   * The resource's state, or empty when it is not configured (down). {@code drbdsetup events2
   * --now} answers in one call. DRBD 8.4's utilities know no events2 (learnt at the first call):
   * then the minor's /proc/drbd line, and drbdadm role/cstate/dstate only if that cannot be read.
   */
  public Optional<DrbdState> state(String resource) {
    if (!events2Unknown) {
      CommandResult r = runner.run(List.of("drbdsetup", "events2", "--now", resource), timeout);
      if (r.ok()) return DrbdState.fromEvents2(r.stdout(), resource);
      if (!r.stderr().contains("Unknown command") && !r.stderr().contains("unknown command")) return Optional.empty();
      events2Unknown = true;
    }
    // /proc/drbd spares the three drbdadm processes a state took before: a fork and exec each,
    // on every monitor tick (slow on small or emulated CPUs).
    java.util.OptionalInt minor = minor(resource);
    if (minor.isPresent()) {
      try {
        DrbdState p = DrbdState.fromProcDrbd(java.nio.file.Files.readString(procDrbd)).get(minor.getAsInt());
        if (p == null || p.connection().equals("Unconfigured")) return Optional.empty();
        return Optional.of(new DrbdState(resource, p.role(), p.peerRole(), p.connection(), p.disk(), p.peerDisk()));
      } catch (java.io.IOException | RuntimeException e) {
        // Not readable as expected: ask drbdadm.
      }
    }
    CommandResult role = runner.run(List.of("drbdadm", "role", resource), timeout);
    CommandResult cstate = runner.run(List.of("drbdadm", "cstate", resource), timeout);
    CommandResult dstate = runner.run(List.of("drbdadm", "dstate", resource), timeout);
    if (role.ok() && cstate.ok() && dstate.ok()) {
      return Optional.of(DrbdState.fromDrbdadm(resource, role.stdout(), cstate.stdout(), dstate.stdout()));
    }
    return Optional.empty();
  }

  /** What this node has out of sync with its peer (KiB), from DRBD 9's statistics or DRBD 8.4's /proc/drbd. */
  public java.util.OptionalLong outOfSyncKiB(String resource) {
    if (!events2Unknown) {
      CommandResult stats = runner.run(List.of("drbdsetup", "events2", "--now", "--statistics", resource), timeout);
      if (stats.ok()) return DrbdState.outOfSyncFromEvents2(stats.stdout(), resource);
    }
    java.util.OptionalInt minor = minor(resource);
    if (minor.isEmpty()) return java.util.OptionalLong.empty();
    try {
      String proc = java.nio.file.Files.readString(procDrbd);
      return DrbdState.outOfSyncFromProcDrbd(proc, minor.getAsInt());
    } catch (java.io.IOException e) {
      return java.util.OptionalLong.empty();
    }
  }

  /**
   * Whether the kernel log's latest word on this resource is DRBD's "Split-Brain detected but
   * unresolved" (after-sb policies left it to us), i.e. no connection was established after it.
   * Asked only while the resource is StandAlone, so the ring buffer is read rarely.
   */
  public boolean splitBrainLogged(String resource) {
    java.util.OptionalInt minor = minor(resource);
    if (minor.isEmpty()) return false;
    CommandResult log = runner.run(List.of("dmesg"), timeout);
    return log.ok() && DrbdState.splitBrainInKernelLog(log.stdout(), resource, minor.getAsInt());
  }

  /** The resource's device minor from its configuration (asked once: it changes only with the config). */
  java.util.OptionalInt minor(String resource) {
    Integer known = minors.get(resource);
    if (known != null) return java.util.OptionalInt.of(known);
    CommandResult r = runner.run(List.of("drbdadm", "sh-minor", resource), timeout);
    if (!r.ok() || !r.stdout().strip().matches("\\d{1,6}")) return java.util.OptionalInt.empty();
    int m = Integer.parseInt(r.stdout().strip());
    minors.put(resource, m);
    return java.util.OptionalInt.of(m);
  }

  public CommandResult up(String resource) {
    return runner.run(List.of("drbdadm", "up", resource), timeout);
  }

  public CommandResult primary(String resource) {
    return runner.run(List.of("drbdadm", "primary", resource), timeout);
  }

  /**
   * Primary even on an Outdated copy: only for a split brain's victim, which opens its own
   * copy read-only to save its changes and then discards it.
   */
  public CommandResult primaryForced(String resource) {
    return runner.run(List.of("drbdadm", "primary", "--force", resource), timeout);
  }

  public CommandResult secondary(String resource) {
    return runner.run(List.of("drbdadm", "secondary", resource), timeout);
  }

  public CommandResult connect(String resource) {
    return runner.run(List.of("drbdadm", "connect", resource), timeout);
  }

  public CommandResult disconnect(String resource) {
    return runner.run(List.of("drbdadm", "disconnect", resource), timeout);
  }

  /** The split-brain victim rejoins: its changes since the split are dropped and resynced from the peer. */
  public CommandResult connectDiscardingMyData(String resource) {
    return runner.run(List.of("drbdadm", "connect", "--discard-my-data", resource), timeout);
  }
}
