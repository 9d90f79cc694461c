package io.hanfs.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Test double for tools that cannot run on the CI host (the kernel NFS server, DRBD): records
 * every argument list and answers from a script. The real tools run in the VM lab.
 */
public class RecordingCommandRunner extends CommandRunner {
  public final List<List<String>> calls = new ArrayList<>();
  private final Function<List<String>, CommandResult> script;

  public RecordingCommandRunner(Function<List<String>, CommandResult> script) {
    this.script = script;
  }

  public static CommandResult ok(List<String> argv, String stdout) {
    return new CommandResult(argv, 0, stdout, "", false, Duration.ZERO);
  }

  public static CommandResult fail(List<String> argv, int code, String stderr) {
    return new CommandResult(argv, code, "", stderr, false, Duration.ZERO);
  }

  @Override
  public synchronized CommandResult run(List<String> argv, Duration timeout, String stdin) {
    calls.add(List.copyOf(argv));
    return script.apply(argv);
  }

  @Override
  public CommandResult run(List<String> argv, Duration timeout) {
    return run(argv, timeout, null);
  }

  @Override
  public CommandResult runUntil(List<String> argv, Duration timeout) {
    return run(argv, timeout, null);
  }

  /** Answers from the script without recording (for tests that drive threads themselves). */
  public CommandResult script(List<String> argv) {
    return script.apply(argv);
  }

  public synchronized List<String> commandNames() {
    return calls.stream().map(c -> String.join(" ", c)).toList();
  }
}
