package io.hanfs.app;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hanfs completion bash}: the completion script picocli generates from the commands themselves. */
@Command(name = "completion", description = {"Print the shell completion script: hanfs completion bash > /usr/share/bash-completion/completions/hanfs",
    "(zsh reads it too, after autoload -U bashcompinit && bashcompinit)."})
final class CompletionCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SHELL", description = "bash") String shell;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!shell.equals("bash")) {
      System.err.println("hanfs completion: \"" + shell + "\" is not a shell this can complete for; use bash");
      return ExitCodes.USAGE;
    }
    System.out.print(AutoComplete.bash("hanfs", spec.root().commandLine()));
    return ExitCodes.OK;
  }
}
