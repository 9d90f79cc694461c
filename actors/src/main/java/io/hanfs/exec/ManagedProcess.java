package io.hanfs.exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process hanfs starts in the foreground and tracks by a pid file of its own (Ganesha,
 * rpc.statd, rpc.mountd). It outlives the daemon, so a restarted daemon finds it again by the pid
 * file, checked against the process's command line; it is only ever stopped by that PID.
 */
public final class ManagedProcess {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);

  private final String binary;
  private final Path pidFile;
  private final Path logFile;
  private final String cmdlineMarker;

  /**
   * @param cmdlineMarker a string the running process's command line must contain (e.g. its
   *     config path), so that a reused PID is never mistaken for our server
   */
  public ManagedProcess(String binary, Path pidFile, Path logFile, String cmdlineMarker) {
    this.binary = binary;
    this.pidFile = pidFile;
    this.logFile = logFile;
    this.cmdlineMarker = cmdlineMarker;
  }

  public Path pidFile() {
    return pidFile;
  }

  public Optional<ProcessHandle> running() {
    try {
      if (!Files.isRegularFile(pidFile)) return Optional.empty();
      String text = Files.readString(pidFile).trim();
      if (!text.matches("\\d{1,9}")) return Optional.empty();
      Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(text)).filter(ProcessHandle::isAlive);
      if (p.isEmpty()) return Optional.empty();
      String cmdline = Files.readString(Path.of("/proc", text, "cmdline")).replace('\0', ' ');
      if (!cmdline.contains(Path.of(binary).getFileName().toString()) || !cmdline.contains(cmdlineMarker)) return Optional.empty();
      // The monitors ask this every few seconds: a cheap place to keep the server's log bounded.
      capLog();
      return p;
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Starts {@code argv} (whose first element is the binary) detached from our stdio; records its PID. */
  public Process start(List<String> argv) throws IOException {
    Files.createDirectories(pidFile.getParent());
    Files.createDirectories(logFile.getParent());
    capLog();
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    Process process = pb.start();
    Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
    Files.writeString(tmp, process.pid() + "\n");
    Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    log.info("started {} as pid {}", argv, process.pid());
    return process;
  }

  /** The largest a server's log grows before it is moved to LOG.1 (the one before is dropped). */
  static final long MAX_LOG = 16L << 20;

  /**
   * Keeps the log at most {@link #MAX_LOG} plus one old copy: copied to LOG.1, then truncated in
   * place. The server writes with O_APPEND (our redirect, Ganesha's -L), so it goes on at the new
   * end without being told; a rename would leave it writing to the old file.
   */
  public void capLog() {
    try {
      if (!Files.isRegularFile(logFile) || Files.size(logFile) <= MAX_LOG) return;
      Files.copy(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(logFile, java.nio.file.StandardOpenOption.WRITE)) {
        c.truncate(0);
      }
      log.info("{} was over {} MiB: moved to {}.1", logFile, MAX_LOG >> 20, logFile.getFileName());
    } catch (IOException e) {
      log.warn("cannot cap {}: {}", logFile, e.getMessage());
    }
  }

  /** SIGTERM, then SIGKILL after half the timeout; true when the process is gone. */
  public boolean stop(Duration timeout) {
    Optional<ProcessHandle> p = running();
    if (p.isEmpty()) return true;
    ProcessHandle h = p.get();
    log.info("stopping {} pid {} with SIGTERM", binary, h.pid());
    h.destroy();
    if (!waitGone(h, timeout.dividedBy(2))) {
      log.warn("{} pid {} ignored SIGTERM; sending SIGKILL", binary, h.pid());
      h.destroyForcibly();
      if (!waitGone(h, timeout.dividedBy(2))) return false;
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      log.debug("cannot remove {}: {}", pidFile, e.getMessage());
    }
    return true;
  }

  private static boolean waitGone(ProcessHandle h, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (!h.isAlive()) return true;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !h.isAlive();
      }
    }
    return !h.isAlive();
  }
}
