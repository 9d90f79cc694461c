package io.hanfs.node.resource.nfs;

import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.exec.ManagedProcess;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * NFS-Ganesha as the NFS server of one resource: hanfs writes its config, starts
 * {@code ganesha.nfsd -F} as a child with its own pid, log and config files under the node's
 * state directory, and stops it by that PID. A restarted daemon finds the running server through
 * the pid file and adopts it (the process must still be ganesha.nfsd with this config).
 */
public class GaneshaLayer implements Layer, GraceTracking {
  static final int NFS_PORT = 2049;

  private final Resource resource;
  private final Path runDir;
  private final Path binary;
  private final Duration timeout;
  private final ManagedProcess process;
  /** Where this start's lines begin in Ganesha's log: its grace messages are read from there. */
  private volatile long logOffset;
  private final GraceRecord graceRecord;

  public GaneshaLayer(Resource resource, Path runDir, Path binary, Duration timeout) {
    this.resource = resource;
    this.runDir = runDir;
    this.binary = binary;
    this.timeout = timeout;
    this.graceRecord = new GraceRecord(resource.nfs());
    this.process = new ManagedProcess(binary.toString(), runDir.resolve("ganesha.pid"), runDir.resolve("ganesha.stdout"),
        configFile().toString());
  }

  public Path configFile() {
    return runDir.resolve("ganesha.conf");
  }

  public Path logFile() {
    return runDir.resolve("ganesha.log");
  }

  @Override
  public String name() {
    return "nfs";
  }

  @Override
  public Probe probe() {
    Optional<ProcessHandle> p = process.running();
    if (p.isEmpty()) return Probe.down("ganesha not running");
    return Probe.up("ganesha pid " + p.get().pid() + (ListeningPorts.listening(NFS_PORT) ? ", serving on port " + NFS_PORT : ", starting"));
  }

  @Override
  public void start() {
    if (process.running().isPresent()) {
      graceRecord.serverAdopted();
      return;
    }
    try {
      Files.createDirectories(runDir);
      Files.createDirectories(GaneshaConfig.recoveryRoot(resource));
      for (var e : resource.nfs().exports()) {
        if (!Files.isDirectory(e.path())) Files.createDirectories(e.path());
      }
      Path tmp = runDir.resolve("ganesha.conf.tmp");
      Files.writeString(tmp, GaneshaConfig.render(resource), StandardCharsets.UTF_8);
      Files.move(tmp, configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new LayerException("cannot prepare ganesha files: " + e.getMessage(), e);
    }
    if (ListeningPorts.listening(NFS_PORT)) {
      throw new LayerException("port " + NFS_PORT + " is already taken by another NFS server on this node");
    }
    Process p;
    try {
      logOffset = Files.exists(logFile()) ? Files.size(logFile()) : 0;
      graceRecord.serverStarting();
      p = process.start(List.of(binary.toString(), "-F", "-f", configFile().toString(), "-L", logFile().toString(),
          "-p", process.pidFile().toString(), "-N", "NIV_EVENT"));
    } catch (IOException e) {
      throw new LayerException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new LayerException("ganesha.nfsd exited with " + p.exitValue() + " at start; see " + logFile());
      }
      if (ListeningPorts.listening(NFS_PORT)) return;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LayerException("interrupted");
      }
    }
    p.destroyForcibly();
    throw new LayerException("ganesha.nfsd did not listen on port " + NFS_PORT + " within " + timeout.toSeconds() + " s; see " + logFile());
  }

  @Override
  public void stop() {
    if (!process.stop(timeout)) throw new LayerException("ganesha does not exit even after SIGKILL");
  }

  @Override
  public Probe monitor() {
    Optional<ProcessHandle> p = process.running();
    if (p.isEmpty()) return Probe.failed("ganesha.nfsd is not running");
    if (!ListeningPorts.listening(NFS_PORT)) return Probe.failed("ganesha pid " + p.get().pid() + " is not listening on port " + NFS_PORT);
    return Probe.up("ganesha pid " + p.get().pid() + ", serving on port " + NFS_PORT + graceRecord.statusSuffix());
  }

  /** Ganesha logs "NFS Server Now NOT IN GRACE" when grace ends (early when every client in its recovery records reclaimed, NLM off). */
  static final String NOT_IN_GRACE = "NFS Server Now NOT IN GRACE";

  @Override
  public GraceEnd.Reading readGrace() {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(logFile())) {
      long from = Math.min(logOffset, ch.size());
      // A start's first lines are a few KiB; more than 1 MiB of log means grace is long past or logging is verbose.
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(ch.size() - from, 1 << 20));
      ch.read(buf, from);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      return graceInLog(text);
    } catch (IOException e) {
      return GraceEnd.Reading.inGrace();
    }
  }

  private static final java.util.regex.Pattern CHECK = java.util.regex.Pattern.compile("reclaim complete\\((\\d{1,9})\\) clid count\\((\\d{1,9})\\)");

  /**
   * The grace of one start, from its log lines: "NOT IN GRACE" once it ended; Ganesha's checks
   * ("check grace:reclaim complete(R) clid count(C)") tell how many clients its recovery records
   * know (C) and how many reclaimed (R). Without a check line the time since the start tells.
   */
  static GraceEnd.Reading graceInLog(String logSinceStart) {
    int reclaimed = -1, known = -1;
    java.util.regex.Matcher m = CHECK.matcher(logSinceStart);
    while (m.find()) {
      reclaimed = Integer.parseInt(m.group(1));
      known = Integer.parseInt(m.group(2));
    }
    if (!logSinceStart.contains(NOT_IN_GRACE)) return GraceEnd.Reading.inGrace();
    if (known < 0) return new GraceEnd.Reading(true, Optional.empty(), -1);
    if (known == 0) return new GraceEnd.Reading(true, Optional.of(GraceEnd.Reason.NO_CLIENTS_TO_RECLAIM), 0);
    if (reclaimed >= known) return new GraceEnd.Reading(true, Optional.of(GraceEnd.Reason.ALL_CLIENTS_RECLAIMED), known);
    return new GraceEnd.Reading(true, Optional.empty(), known);
  }

  @Override
  public GraceRecord graceRecord() {
    return graceRecord;
  }
}
