package io.hanfs.exec;

/** An external command that had to succeed did not. */
public class CommandFailedException extends RuntimeException {
  private final transient CommandResult result;

  public CommandFailedException(CommandResult result) {
    super(result.describe());
    this.result = result;
  }

  public CommandResult result() {
    return result;
  }
}
