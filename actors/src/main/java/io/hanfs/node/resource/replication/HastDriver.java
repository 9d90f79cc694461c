package io.hanfs.node.resource.replication;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * hastctl for one FreeBSD HAST resource. HAST runs only on FreeBSD: on this Linux CI host the
 * driver has tests over output in hastctl's documented format and a recording runner standing in
 * for hastctl (named as such in the tests).
 */
public class HastDriver {
  private final CommandRunner runner;
  private final Duration timeout;

  public HastDriver(CommandRunner runner, Duration timeout) {
    this.runner = runner;
    this.timeout = timeout;
  }

  /** The resource's state; {@code hastctl list} (FreeBSD 10+), else {@code hastctl status} (8-9, same format). */
  public Optional<HastState> state(String resource) {
    CommandResult list = runner.run(List.of("hastctl", "list", resource), timeout);
    if (list.ok()) {
      Optional<HastState> s = HastState.fromList(list.stdout(), resource);
      if (s.isPresent()) return s;
    }
    CommandResult status = runner.run(List.of("hastctl", "status", resource), timeout);
    return status.ok() ? HastState.fromList(status.stdout(), resource) : Optional.empty();
  }

  public Optional<HastState.Metadata> metadata(String resource) {
    CommandResult r = runner.run(List.of("hastctl", "dump", resource), timeout);
    return r.ok() ? HastState.Metadata.fromDump(r.stdout(), resource) : Optional.empty();
  }

  public CommandResult role(String role, String resource) {
    if (!List.of("init", "primary", "secondary").contains(role)) throw new IllegalArgumentException("HAST role " + role);
    return runner.run(List.of("hastctl", "role", role, resource), timeout);
  }

  /** Re-initialises the local component's metadata (role init first): the copy then takes the peer's data in full. */
  public CommandResult create(String resource) {
    return runner.run(List.of("hastctl", "create", resource), timeout);
  }
}
