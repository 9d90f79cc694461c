package io.hanfs.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one external tool as an argument list (never through a shell), bounded by a timeout, and
 * logs the command line, exit code, duration and output. Drivers get one of these injected so the
 * same code runs against the real tools in production and in the labs.
 */
public class CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);
  private static final int MAX_CAPTURE = 64 * 1024;

  private final Map<String, String> environment;

  public CommandRunner() {
    // A fixed PATH: the daemon runs as root and must not pick tools from an inherited PATH.
    this(Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C"));
  }

  public CommandRunner(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** This runner with {@code extra} variables added to its environment (an alert hook's event). */
  public CommandRunner withEnvironment(Map<String, String> extra) {
    Map<String, String> merged = new java.util.HashMap<>(environment);
    merged.putAll(extra);
    return new CommandRunner(merged);
  }

  /** Runs the command; never throws for a non-zero exit, only for a failure to start or a timeout. */
  public CommandResult run(List<String> argv, Duration timeout) {
    return run(argv, timeout, null);
  }

  public CommandResult run(List<String> argv, Duration timeout, String stdin) {
    return run(argv, timeout, stdin, false);
  }

  /** Runs a command for which running into the timeout is an expected answer (logged quietly). */
  public CommandResult runUntil(List<String> argv, Duration timeout) {
    return run(argv, timeout, null, true);
  }

  private CommandResult run(List<String> argv, Duration timeout, String stdin, boolean timeoutExpected) {
    if (argv.isEmpty()) throw new IllegalArgumentException("empty command");
    long start = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(environment);
    pb.directory(Path.of("/").toFile());
    if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      log.warn("exec {} failed to start: {}", argv, e.getMessage());
      return new CommandResult(argv, 127, "", e.getMessage(), false, Duration.ofNanos(System.nanoTime() - start));
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    boolean timedOut = false;
    try {
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        timedOut = true;
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      timedOut = true;
    } catch (IOException e) {
      log.debug("stdin to {} closed early: {}", argv, e.getMessage());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    int code = timedOut ? -1 : p.exitValue();
    CommandResult r = new CommandResult(argv, code, out.join(), err.join(), timedOut, took);
    if (r.ok() || (timedOut && timeoutExpected)) {
      log.debug("exec {} -> 0 in {} ms", argv, took.toMillis());
    } else {
      log.info("exec {} -> {} in {} ms{}; stderr: {}", argv, code, took.toMillis(),
          timedOut ? " (timed out after " + timeout.toMillis() + " ms)" : "", r.stderr().strip());
    }
    return r;
  }

  /**
   * Starts a command without waiting for it (e.g. gratuitous ARP, whose first packet leaves at
   * once while arping keeps sending at its interval). The outcome is logged when it ends; {@link
   * Background#cancel()} ends it early.
   */
  public Background runInBackground(List<String> argv, Duration timeout) {
    Background b = new Background();
    b.future = CompletableFuture.supplyAsync(() -> runBackground(argv, timeout, b), IO);
    return b;
  }

  /** A command running in the background. */
  public static final class Background {
    private volatile Process process;
    private volatile boolean cancelled;
    private CompletableFuture<CommandResult> future;

    public CompletableFuture<CommandResult> result() {
      return future;
    }

    public void cancel() {
      cancelled = true;
      Process p = process;
      if (p != null) p.destroy();
    }
  }

  private CommandResult runBackground(List<String> argv, Duration timeout, Background background) {
    long start = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(environment);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      Process p = pb.start();
      background.process = p;
      if (background.cancelled) p.destroy();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      CommandResult r = new CommandResult(argv, done ? p.exitValue() : -1, out.join(), err.join(), !done,
          Duration.ofNanos(System.nanoTime() - start));
      if (r.ok() || background.cancelled) log.debug("background exec {} -> {} in {} ms", argv, r.exitCode(), r.took().toMillis());
      else log.info("background exec {} -> {}: {}", argv, r.exitCode(), r.stderr().strip());
      return r;
    } catch (IOException e) {
      log.warn("exec {} failed to start: {}", argv, e.getMessage());
      return new CommandResult(argv, 127, "", e.getMessage(), false, Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new CommandResult(argv, -1, "", "interrupted", true, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /**
   * Threads of their own for reading commands' output and for background commands, not the JVM's
   * common pool: there, three background arpings starved a plain echo to 2.8 s (84 ms alone), and
   * with it the renewal of the floating IP's lifetime. Each command is bounded by its timeout.
   */
  private static final java.util.concurrent.ExecutorService IO = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hanfs-exec-io");
    t.setDaemon(true);
    return t;
  });

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        byte[] all = in.readAllBytes();
        int n = Math.min(all.length, MAX_CAPTURE);
        return new String(all, 0, n, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }, IO);
  }
}
