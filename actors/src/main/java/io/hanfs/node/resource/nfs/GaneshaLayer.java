package io.hanfs.node.resource.nfs;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NFS-Ganesha as the NFS server of one resource: hanfs writes its config, starts
 * {@code ganesha.nfsd -F} as a child with its own pid, log and config files under the node's
 * state directory, and stops it by that PID. A restarted daemon finds the running server through
 * the pid file and adopts it (the process must still be ganesha.nfsd with this config).
 */
public class GaneshaLayer implements Layer {
  private static final Logger log = LoggerFactory.getLogger(GaneshaLayer.class);
  static final int NFS_PORT = 2049;

  private final Resource resource;
  private final Path runDir;
  private final Path binary;
  private final Duration timeout;

  public GaneshaLayer(Resource resource, Path runDir, Path binary, Duration timeout) {
    this.resource = resource;
    this.runDir = runDir;
    this.binary = binary;
    this.timeout = timeout;
  }

  public Path configFile() {
    return runDir.resolve("ganesha.conf");
  }

  public Path pidFile() {
    return runDir.resolve("ganesha.pid");
  }

  public Path logFile() {
    return runDir.resolve("ganesha.log");
  }

  @Override
  public String name() {
    return "nfs";
  }

  /** The running Ganesha of this resource, found by its pid file and checked by its command line. */
  public Optional<ProcessHandle> running() {
    try {
      if (!Files.isRegularFile(pidFile())) return Optional.empty();
      String text = Files.readString(pidFile()).trim();
      if (!text.matches("\\d{1,9}")) return Optional.empty();
      Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(text)).filter(ProcessHandle::isAlive);
      if (p.isEmpty()) return Optional.empty();
      String cmdline = Files.readString(Path.of("/proc", text, "cmdline")).replace('\0', ' ');
      if (!cmdline.contains("ganesha.nfsd") || !cmdline.contains(configFile().toString())) return Optional.empty();
      return p;
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public Probe probe() {
    Optional<ProcessHandle> p = running();
    if (p.isEmpty()) return Probe.down("ganesha not running");
    return Probe.up("ganesha pid " + p.get().pid() + (ListeningPorts.listening(NFS_PORT) ? ", serving on port " + NFS_PORT : ", starting"));
  }

  @Override
  public void start() {
    if (running().isPresent()) return;
    try {
      Files.createDirectories(runDir);
      Files.createDirectories(GaneshaConfig.recoveryRoot(resource));
      for (var e : resource.nfs().exports()) {
        if (!Files.isDirectory(e.path())) Files.createDirectories(e.path());
      }
      Path tmp = runDir.resolve("ganesha.conf.tmp");
      Files.writeString(tmp, GaneshaConfig.render(resource), StandardCharsets.UTF_8);
      Files.move(tmp, configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(pidFile());
    } catch (IOException e) {
      throw new LayerException("cannot prepare ganesha files: " + e.getMessage(), e);
    }
    if (ListeningPorts.listening(NFS_PORT)) {
      throw new LayerException("port " + NFS_PORT + " is already taken by another NFS server on this node");
    }
    List<String> argv = List.of(binary.toString(), "-F", "-f", configFile().toString(), "-L", logFile().toString(),
        "-p", pidFile().toString(), "-N", "NIV_EVENT");
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve("ganesha.stdout").toFile()))
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new LayerException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    log.info("started {} as pid {}", argv, process.pid());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new LayerException("ganesha.nfsd exited with " + process.exitValue() + " at start; see " + logFile());
      }
      if (ListeningPorts.listening(NFS_PORT) && running().isPresent()) return;
      sleep(20);
    }
    process.destroyForcibly();
    throw new LayerException("ganesha.nfsd did not listen on port " + NFS_PORT + " within " + timeout.toSeconds() + " s; see " + logFile());
  }

  @Override
  public void stop() {
    Optional<ProcessHandle> p = running();
    if (p.isEmpty()) return;
    ProcessHandle h = p.get();
    log.info("stopping ganesha pid {} with SIGTERM", h.pid());
    h.destroy();
    if (!waitGone(h, timeout.dividedBy(2))) {
      log.warn("ganesha pid {} ignored SIGTERM; sending SIGKILL", h.pid());
      h.destroyForcibly();
      if (!waitGone(h, timeout.dividedBy(2))) {
        throw new LayerException("ganesha pid " + h.pid() + " does not exit even after SIGKILL");
      }
    }
    try {
      Files.deleteIfExists(pidFile());
    } catch (IOException e) {
      log.debug("cannot remove {}: {}", pidFile(), e.getMessage());
    }
  }

  @Override
  public Probe monitor() {
    Optional<ProcessHandle> p = running();
    if (p.isEmpty()) return Probe.failed("ganesha.nfsd is not running");
    if (!ListeningPorts.listening(NFS_PORT)) return Probe.failed("ganesha pid " + p.get().pid() + " is not listening on port " + NFS_PORT);
    return Probe.up("ganesha pid " + p.get().pid() + ", serving on port " + NFS_PORT);
  }

  private static boolean waitGone(ProcessHandle h, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (!h.isAlive()) return true;
      sleep(20);
    }
    return !h.isAlive();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LayerException("interrupted");
    }
  }
}
