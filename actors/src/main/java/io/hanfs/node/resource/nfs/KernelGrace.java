package io.hanfs.node.resource.nfs;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kernel nfsd's grace, as the kernel shows it: /proc/fs/nfsd/v4_end_grace reads Y once the
 * NFSv4 grace ended; the kernel log says why when it ended early ("no clients to reclaim",
 * "all clients done reclaiming": nfsd counts RECLAIM_COMPLETEs against the clients nfsdcld
 * remembered); /proc/fs/nfsd/clients lists the clients it has now. lockd keeps a grace of its
 * own for NFSv3 locks, ended through /proc/fs/lockd/nlm_end_grace when no NFSv3 client held one.
 */
final class KernelGrace {
  private final Path procNfsd;
  private final Path procLockd;
  private final CommandRunner runner;
  private final Duration timeout;

  KernelGrace(Path procNfsd, Path procLockd, CommandRunner runner, Duration timeout) {
    this.procNfsd = procNfsd;
    this.procLockd = procLockd;
    this.runner = runner;
    this.timeout = timeout;
  }

  GraceEnd.Reading read() {
    String flag;
    try {
      flag = Files.readString(procNfsd.resolve("v4_end_grace")).strip();
    } catch (IOException e) {
      return GraceEnd.Reading.inGrace();
    }
    // In grace the client count is one directory listing a tick: the first one back is the first reclaim.
    if (!flag.equals("Y")) return GraceEnd.Reading.inGrace(clients());
    // Once per start: the reason is in the kernel log (one process, only when grace ended).
    CommandResult log = runner.run(List.of("dmesg"), timeout);
    Optional<GraceEnd.Reason> said = log.ok() ? reasonInKernelLog(log.stdout()) : Optional.empty();
    tracking = log.ok() ? trackingInKernelLog(log.stdout()) : Optional.empty();
    return new GraceEnd.Reading(true, said, clients());
  }

  /** How the kernel tracked clients at the last start, as its log said when grace ended. */
  volatile Optional<String> tracking = Optional.empty();

  /**
   * "NFSD: Using nfsdcld client tracking operations." (or "UMH upcall", "legacy"): only with
   * nfsdcld can nfsd end grace when its clients reclaimed.
   */
  static Optional<String> trackingInKernelLog(String dmesg) {
    Optional<String> t = Optional.empty();
    for (String line : dmesg.split("\n")) {
      int at = line.indexOf("NFSD: Using ");
      int end = line.indexOf(" client tracking operations");
      if (at >= 0 && end > at) t = Optional.of(line.substring(at + "NFSD: Using ".length(), end));
    }
    return t;
  }

  /** The NFSv4 clients nfsd has now (one directory each), or -1 where the kernel does not list them (before 5.3). */
  int clients() {
    Path dir = procNfsd.resolve("clients");
    if (!Files.isDirectory(dir)) return -1;
    try (Stream<Path> s = Files.list(dir)) {
      return (int) s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * What the kernel said of the grace that began last: nfsd logs "NFSD: starting N-second grace
   * period" at each start, and "no clients to reclaim, skipping" or "all clients done reclaiming,
   * ending" when it ends early; nothing when the period simply ran out.
   */
  static Optional<GraceEnd.Reason> reasonInKernelLog(String dmesg) {
    Optional<GraceEnd.Reason> reason = Optional.empty();
    for (String line : dmesg.split("\n")) {
      if (!line.contains("NFSD: ")) continue;
      if (line.contains("NFSD: starting ") && line.contains("grace period")) reason = Optional.empty();
      else if (line.contains("no clients to reclaim")) reason = Optional.of(GraceEnd.Reason.NO_CLIENTS_TO_RECLAIM);
      else if (line.contains("all clients done reclaiming")) reason = Optional.of(GraceEnd.Reason.ALL_CLIENTS_RECLAIMED);
    }
    return reason;
  }

  /**
   * No NFSv3 client is known to have held a lock: statd's sm/ and sm.bak/ directories in the
   * replicated /var/lib/nfs are empty (asked before sm-notify moves sm/ to sm.bak/).
   */
  static boolean noNlmLockHolders(Path sharedVarLibNfs) {
    return empty(sharedVarLibNfs.resolve("sm")) && empty(sharedVarLibNfs.resolve("sm.bak"));
  }

  /** Ends lockd's grace (its NFSv3 locks; it also holds NFSv4 locks back) at once; true when it did. */
  boolean endNlmGrace() {
    Path endGrace = procLockd.resolve("nlm_end_grace");
    if (!Files.exists(endGrace)) return false;
    try {
      Files.writeString(endGrace, "Y");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean empty(Path dir) {
    if (!Files.isDirectory(dir)) return true;
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }
}
