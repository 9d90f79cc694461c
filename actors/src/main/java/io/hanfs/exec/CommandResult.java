package io.hanfs.exec;

import java.time.Duration;
import java.util.List;

/** The outcome of one external command. */
public record CommandResult(
    List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut, Duration took) {

  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }

  /** A one-line description for errors shown to operators. */
  public String describe() {
    String what = String.join(" ", argv);
    if (timedOut) return what + ": timed out after " + took.toMillis() + " ms";
    String detail = stderr.isBlank() ? stdout.strip() : stderr.strip();
    if (detail.length() > 300) detail = detail.substring(0, 300) + "...";
    return what + ": exit " + exitCode + (detail.isEmpty() ? "" : " (" + detail + ")");
  }

  /** Throws a {@link CommandFailedException} unless the command succeeded. */
  public CommandResult orThrow() {
    if (!ok()) throw new CommandFailedException(this);
    return this;
  }
}
