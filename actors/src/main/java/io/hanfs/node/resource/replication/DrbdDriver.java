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

  public DrbdDriver(CommandRunner runner, Duration timeout) {
    this.runner = runner;
    this.timeout = timeout;
  }

  /**
   * The resource's state, or empty when it is not configured (down). {@code drbdsetup events2
   * --now} answers in one call; utilities too old for it fall back to drbdadm role/cstate/dstate.
   */
  public Optional<DrbdState> state(String resource) {
    CommandResult r = runner.run(List.of("drbdsetup", "events2", "--now", resource), timeout);
    if (r.ok()) return DrbdState.fromEvents2(r.stdout(), resource);
    if (r.stderr().contains("Unknown command") || r.stderr().contains("unknown command")) {
      CommandResult role = runner.run(List.of("drbdadm", "role", resource), timeout);
      CommandResult cstate = runner.run(List.of("drbdadm", "cstate", resource), timeout);
      CommandResult dstate = runner.run(List.of("drbdadm", "dstate", resource), timeout);
      if (role.ok() && cstate.ok() && dstate.ok()) {
        return Optional.of(DrbdState.fromDrbdadm(resource, role.stdout(), cstate.stdout(), dstate.stdout()));
      }
    }
    return Optional.empty();
  }

  /** What this node has out of sync with its peer (KiB), from DRBD 9's statistics or DRBD 8.4's /proc/drbd. */
  public java.util.OptionalLong outOfSyncKiB(String resource) {
    CommandResult stats = runner.run(List.of("drbdsetup", "events2", "--now", "--statistics", resource), timeout);
    if (stats.ok()) return DrbdState.outOfSyncFromEvents2(stats.stdout(), resource);
    CommandResult minor = runner.run(List.of("drbdadm", "sh-minor", resource), timeout);
    if (!minor.ok() || !minor.stdout().strip().matches("\\d{1,6}")) return java.util.OptionalLong.empty();
    try {
      String proc = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/drbd"));
      return DrbdState.outOfSyncFromProcDrbd(proc, Integer.parseInt(minor.stdout().strip()));
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
    CommandResult minor = runner.run(List.of("drbdadm", "sh-minor", resource), timeout);
    if (!minor.ok() || !minor.stdout().strip().matches("\\d{1,6}")) return false;
    CommandResult log = runner.run(List.of("dmesg"), timeout);
    return log.ok() && DrbdState.splitBrainInKernelLog(log.stdout(), resource, Integer.parseInt(minor.stdout().strip()));
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
