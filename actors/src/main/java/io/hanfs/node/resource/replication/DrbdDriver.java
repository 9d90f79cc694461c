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

  /** The resource's state, or empty when it is not configured (down). */
  public Optional<DrbdState> state(String resource) {
    CommandResult r = runner.run(List.of("drbdsetup", "events2", "--now", resource), timeout);
    if (!r.ok()) return Optional.empty();
    return DrbdState.fromEvents2(r.stdout(), resource);
  }

  public CommandResult up(String resource) {
    return runner.run(List.of("drbdadm", "up", resource), timeout);
  }

  public CommandResult primary(String resource) {
    return runner.run(List.of("drbdadm", "primary", resource), timeout);
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
}
