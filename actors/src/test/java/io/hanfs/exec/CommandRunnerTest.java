package io.hanfs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {
  /**
   * In a JVM of its own with a common pool of 4 threads (on 2 cores the JDK gives
   * CompletableFuture a thread per task instead, which hides the starvation): every common-pool
   * thread blocked, a command and a background command still finish.
   */
  @Test
  void commandsRunWhileTheCommonPoolIsBusy() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
        "-cp", System.getProperty("java.class.path"), BusyCommonPool.class.getName()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) || !p.destroyForcibly().isAlive(), "the child JVM ended");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("hello background"), out);
  }

  /** The child: blocks the common pool, then runs commands with a 10 s bound on each answer. */
  public static final class BusyCommonPool {
    public static void main(String[] args) throws Exception {
      CountDownLatch release = new CountDownLatch(1);
      int n = ForkJoinPool.getCommonPoolParallelism();
      CountDownLatch busy = new CountDownLatch(n);
      for (int i = 0; i < n; i++) {
        CompletableFuture.runAsync(() -> {
          busy.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      if (!busy.await(20, TimeUnit.SECONDS)) System.exit(3);
      CommandRunner runner = new CommandRunner();
      CompletableFuture<CommandResult> fg = CompletableFuture.supplyAsync(() -> runner.run(List.of("echo", "hello"), Duration.ofSeconds(20)),
          java.util.concurrent.Executors.newSingleThreadExecutor());
      try {
        CommandResult a = fg.get(10, TimeUnit.SECONDS);
        CommandResult b = runner.runInBackground(List.of("echo", "background"), Duration.ofSeconds(20)).result().get(10, TimeUnit.SECONDS);
        System.out.println(a.stdout().strip() + " " + b.stdout().strip());
        System.exit(0);
      } catch (java.util.concurrent.TimeoutException e) {
        System.out.println("a command did not finish within 10 s while the common pool was busy");
        System.exit(1);
      }
    }
  }
}
