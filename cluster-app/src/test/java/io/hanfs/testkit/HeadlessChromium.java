package io.hanfs.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's chromium run headless as an external process: a page's DOM after it loaded, or a
 * screenshot. Each run has a fresh profile under this instance's temp dir (deleted on close), and
 * a run over its timeout is killed with the processes it started, by their handles only.
 */
public final class HeadlessChromium implements AutoCloseable {
  private final Path executable;
  private final Path work;
  private int runs;

  private HeadlessChromium(Path executable) throws IOException {
    this.executable = executable;
    this.work = Files.createTempDirectory("hanfs-chromium-");
  }

  /** The chromium on PATH, if there is one. */
  public static Optional<HeadlessChromium> find() throws IOException {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(new HeadlessChromium(p));
      }
    }
    return Optional.empty();
  }

  /** The document as chromium built it (serialized), after the page loaded. */
  public String dumpDom(String url, Duration timeout) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", url), timeout);
  }

  /** A PNG of the page at 1280x1024 in {@code png}. */
  public void screenshot(String url, Path png, Duration timeout) throws IOException, InterruptedException {
    Files.deleteIfExists(png);
    run(List.of("--hide-scrollbars", "--window-size=1280,1024", "--screenshot=" + png.toAbsolutePath(), url), timeout);
  }

  /** Runs chromium with these arguments; its standard output, or an exception saying why not (with its stderr's end). */
  private String run(List<String> args, Duration timeout) throws IOException, InterruptedException {
    Path run = Files.createDirectory(work.resolve("run-" + ++runs));
    Path out = run.resolve("stdout");
    Path err = run.resolve("stderr");
    List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        // Containers often have a small /dev/shm; no first-run UI, no background fetches.
        "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions", "--disable-background-networking",
        "--user-data-dir=" + run.resolve("profile")));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("chromium did not finish within " + timeout.toSeconds() + " s: " + command + "\n" + tail(err));
      }
      if (p.exitValue() != 0) throw new IOException("chromium exited with " + p.exitValue() + ": " + command + "\n" + tail(err));
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      if (p.isAlive() || p.descendants().findAny().isPresent()) {
        // Only what this run started: the process and its descendants, by handle.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String tail(Path file) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(work)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }
}
