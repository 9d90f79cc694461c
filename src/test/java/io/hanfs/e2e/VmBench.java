package io.hanfs.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * deploy/lab/vm/bench: on the three VM guests, N hand-run switchovers (the commands an
 * administrator's script runs: VIP off, unexport, nfsd stop, umount, DRBD secondary; DRBD
 * primary, mount, nfsd with a short grace, export, VIP on, gratuitous ARP) and then N hanfs
 * switchovers of the same VMs, with the NFS client writing fsync'd records through the VIP.
 * Then the same N switchovers by a script that keeps the NFS state on the replicated disk and
 * moves statd and mountd with the export (the seeds' procedure, which hanfs follows too). Then N failovers (kill -9 of the active daemon). Prints how long each switchover or failover
 * took and the client's longest gap between two acknowledged records (min/median/max). Commands reach the guests through the guest agent in both cases.
 */
public final class VmBench {
  private VmBench() {}

  record Run(long tookMillis, long gapMillis) {}

  static final String MOUNTD_PID = "/run/bench-mountd.pid";

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "hanfs-vm-bench-");
    try (VmLab lab = new VmLab(dir)) {
      Map<String, Boolean> nodes = new LinkedHashMap<>();
      nodes.put("d1", true);
      nodes.put("d2", true);
      nodes.put(VmLab.CLIENT, false);
      lab.prepare(nodes);
      lab.bootAll();
      VmCluster c = new VmCluster(lab);
      try {
        bench(lab, c, runs);
      } catch (Exception | Error e) {
        // The guests go with the lab: their daemons' whole logs are what explains a failed bench.
        try {
          c.saveAllLogs();
        } catch (RuntimeException saving) {
          e.addSuppressed(saving);
        }
        throw e;
      }
    } finally {
      Lab.exec(List.of("rm", "-rf", dir.toString()), Duration.ofMinutes(1), Map.of());
    }
  }

  /**
   * How far each data guest's clock is ahead of the host's (where the witness and leader run):
   * an emulated guest reads the host's clock once at boot and then drifts. One `date` each,
   * against the middle of the host's clock around it (the round trip bounds the error).
   */
  static Map<String, Long> clockAhead(VmLab lab) throws Exception {
    Map<String, Long> ahead = new LinkedHashMap<>();
    for (String n : VmCluster.DATA) {
      long before = System.currentTimeMillis();
      long guest = Long.parseLong(lab.guest(n).check("date", "+%s%3N").out().strip());
      long after = System.currentTimeMillis();
      ahead.put(n, guest - (before + after) / 2);
    }
    return ahead;
  }

  /** One transition's phases from the cluster's history (what hanfs drill prints beside its client's gap). */
  static String phases(VmCluster c, String title, Map<String, Long> ahead, long fromMillis) throws Exception {
    long to = System.currentTimeMillis();
    VmCluster.Http r = c.witness.http("GET", "/hanfs/events?limit=2000&resource=home&since=" + (fromMillis - 10_000), Duration.ofSeconds(30));
    StringBuilder b = new StringBuilder(title).append(" (guest clocks ahead of the host, ms: ").append(ahead).append(")\n");
    if (!r.ok()) return b.append("  the history did not answer: HTTP ").append(r.status()).append('\n').toString();
    for (String line : io.hanfs.app.DrillReport.phaseLines(JSON.readTree(r.body()), ahead, fromMillis, to)) b.append("  ").append(line).append('\n');
    return b.toString();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static void bench(VmLab lab, VmCluster c, int runs) throws Exception {
    c.setUpDrbd();
    for (String n : VmCluster.DATA) {
      lab.guest(n).check("mkdir", "-p", "/srv/nfs/home");
      lab.guest(n).check("start-stop-daemon", "--start", "--background", "--make-pidfile", "--pidfile", MOUNTD_PID,
          "--exec", "/usr/sbin/rpc.mountd", "--", "-F");
    }
    handStart(lab.guest("d1"));
    c.mountClient();
    List<Run> hand = new ArrayList<>();
    String at = scripted(lab, c, "hand", runs, "d1", VmBench::handStop, VmBench::handStart, hand);
    handStop(lab.guest(at));
    // hanfs starts its own rpc.mountd with /var/lib/nfs on the replicated filesystem; the
    // script's mountd (started above, by its pid file) would keep that mount busy.
    for (String n : VmCluster.DATA) {
      lab.guest(n).check("start-stop-daemon", "--stop", "--pidfile", MOUNTD_PID, "--retry", "5", "--remove-pidfile");
    }
    // The seeds' procedure (Pacemaker's nfsserver agent, seed 003): NFS state on the
    // replicated disk, so NFSv4 clients reclaim their state and NFSv3 locks are recovered;
    // statd and mountd follow the export. What hanfs does too.
    seedSharedState(lab.guest(at));
    seedsStart(lab.guest(at));
    List<Run> seeds = new ArrayList<>();
    at = scripted(lab, c, "seeds", runs, at, VmBench::seedsStop, VmBench::seedsStart, seeds);
    seedsStop(lab.guest(at));
    System.out.printf("%-34s %4s %22s %22s%n", "VM lab, kernel nfsd, DRBD 8.4", "runs", "switchover ms min/med/max", "client gap ms min/med/max");
    print("hand-run script, nfsd only", hand);
    print("hand-run script, NFS state on DRBD", seeds);
    long daemonsStarted = System.nanoTime();
    c.startDaemons();
    // The guests' JVMs and TLS handshakes on emulated CPUs: a cold start took 5-7 min here.
    at = c.awaitColdStart(Duration.ofMinutes(12));
    System.out.printf("hanfs cold start (daemons started to serving): %d s%n", (System.nanoTime() - daemonsStarted) / 1_000_000_000L);
    List<Run> hanfs = new ArrayList<>();
    List<Run> answered = new ArrayList<>();
    List<String> phases = new ArrayList<>();
    String steps = "";
    for (int i = 0; i < runs; i++) {
      String to = VmCluster.other(at);
      c.startWriterAndAwait("hanfs" + i, 10);
      c.awaitSwitchoverTarget(to, Duration.ofMinutes(3));
      String since = c.clock(VmWitness.NODE);
      Map<String, Long> ahead = clockAhead(lab);
      long requested = System.currentTimeMillis();
      long t = System.nanoTime();
      VmCluster.Http r = c.switchover(to);
      // The leader answers once the target's last layer (the VIP) is up.
      long answer = (System.nanoTime() - t) / 1_000_000;
      if (!r.ok()) throw new IllegalStateException("switchover to " + to + ": HTTP " + r.status() + " " + r.body());
      c.awaitActive(VmWitness.NODE, Optional.of(to), Duration.ofMinutes(3));
      long took = (System.nanoTime() - t) / 1_000_000;
      c.awaitAcks("hanfs" + i, c.ackCount("hanfs" + i) + 10, Duration.ofMinutes(3));
      long gap = VmCluster.longestGapMillis(c.stopWriter("hanfs" + i));
      hanfs.add(new Run(took, gap));
      answered.add(new Run(answer, gap));
      phases.add(phases(c, "switchover " + at + " -> " + to + ", client gap " + gap + " ms", ahead, requested));
      steps = c.timeline(since, true);
      at = to;
    }
    print("hanfs switchover (HTTP answer)", answered);
    print("hanfs switchover (status shows it)", hanfs);
    System.out.println("the last hanfs switchover, step by step (daemon logs):\n" + steps);
    System.out.println("each hanfs switchover's phases, as hanfs drill prints them (from the history):\n" + String.join("\n", phases));
    phases.clear();
    // Failover: kill -9 of the active daemon (the service manager's fence step runs, the lease
    // hands over); measured from the kill until the other node is active, and the client's gap.
    List<Run> failover = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      at = c.awaitWholeCluster(Duration.ofMinutes(5));
      String to = VmCluster.other(at);
      c.awaitSwitchoverTarget(to, Duration.ofMinutes(3));
      c.startWriterAndAwait("failover" + i, 10);
      Map<String, Long> ahead = clockAhead(lab);
      long killed = System.currentTimeMillis();
      long t = System.nanoTime();
      c.killDaemon(at);
      c.awaitActive(VmWitness.NODE, Optional.of(to), Duration.ofMinutes(5));
      long took = (System.nanoTime() - t) / 1_000_000;
      c.awaitAcks("failover" + i, c.ackCount("failover" + i) + 10, Duration.ofMinutes(3));
      long gap = VmCluster.longestGapMillis(c.stopWriter("failover" + i));
      failover.add(new Run(took, gap));
      phases.add(phases(c, "kill -9 of the daemon on " + at + ", " + to + " active, client gap " + gap + " ms", ahead, killed));
      c.awaitDrbd(to, "cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate", Duration.ofMinutes(8));
    }
    print("hanfs failover (kill -9 of daemon)", failover);
    System.out.println("each failover's phases (offsets from the kill):\n" + String.join("\n", phases));
  }

  interface Step {
    void run(VmLab.Guest g) throws Exception;
  }

  /** N scripted switchovers from {@code at}, each timed from the stop's first command to the start's last; returns where it ends. */
  static String scripted(VmLab lab, VmCluster c, String name, int runs, String at, Step stop, Step start, List<Run> out) throws Exception {
    for (int i = 0; i < runs; i++) {
      String to = VmCluster.other(at);
      c.startWriterAndAwait(name + i, 10);
      long t = System.nanoTime();
      stop.run(lab.guest(at));
      start.run(lab.guest(to));
      long took = (System.nanoTime() - t) / 1_000_000;
      c.awaitAcks(name + i, c.ackCount(name + i) + 10, Duration.ofMinutes(3));
      out.add(new Run(took, VmCluster.longestGapMillis(c.stopWriter(name + i))));
      at = to;
    }
    return at;
  }

  static void print(String name, List<Run> runs) {
    System.out.printf("%-34s %4d %22s %22s%n", name, runs.size(), mmm(runs.stream().map(Run::tookMillis).toList()),
        mmm(runs.stream().map(Run::gapMillis).toList()));
  }

  static String mmm(List<Long> xs) {
    List<Long> s = xs.stream().sorted().toList();
    return s.get(0) + "/" + s.get(s.size() / 2) + "/" + s.get(s.size() - 1);
  }

  static void handStop(VmLab.Guest g) throws Exception {
    g.check("ip", "addr", "del", VmCluster.VIP + "/24", "dev", "lab0");
    g.check("exportfs", "-u", VmLab.NET + ".0/24:" + VmCluster.EXPORT);
    g.check("rpc.nfsd", "0");
    g.check("umount", "/srv/nfs/home");
    g.check("drbdadm", "secondary", "r0");
  }

  static final String SHARED = "/srv/nfs/home/.nfs-state/var-lib-nfs";
  static final String STATD_PID = "/run/bench-statd.pid";

  /** The replicated /var/lib/nfs, seeded from the node's own (where hanfs keeps it, so hanfs takes it over). */
  static void seedSharedState(VmLab.Guest g) throws Exception {
    g.check("drbdadm", "primary", "r0");
    g.check("mount", "/dev/drbd0", "/srv/nfs/home");
    g.check("mkdir", "-p", "/srv/nfs/home/.nfs-state");
    g.check("cp", "-a", "--no-target-directory", "/var/lib/nfs", SHARED);
    g.check("mkdir", "-p", SHARED + "/sm", SHARED + "/sm.bak", SHARED + "/v4recovery");
    g.check("touch", SHARED + "/etab", SHARED + "/rmtab");
    g.check("umount", "/srv/nfs/home");
    g.check("drbdadm", "secondary", "r0");
  }

  static void seedsStart(VmLab.Guest g) throws Exception {
    g.check("drbdadm", "primary", "r0");
    g.check("mount", "/dev/drbd0", "/srv/nfs/home");
    g.check("mount", "--bind", SHARED, "/var/lib/nfs");
    g.check("start-stop-daemon", "--start", "--background", "--make-pidfile", "--pidfile", STATD_PID,
        "--exec", "/usr/sbin/rpc.statd", "--", "-F", "--no-notify", "-P", "/var/lib/nfs");
    g.check("start-stop-daemon", "--start", "--background", "--make-pidfile", "--pidfile", MOUNTD_PID,
        "--exec", "/usr/sbin/rpc.mountd", "--", "-F");
    g.agent.writeFile("/proc/fs/nfsd/nfsv4gracetime", "10");
    g.agent.writeFile("/proc/fs/nfsd/nfsv4leasetime", "10");
    g.check("rpc.nfsd", "8");
    g.check("exportfs", "-o", "rw,sync,no_root_squash,fsid=1", VmLab.NET + ".0/24:" + VmCluster.EXPORT);
    g.check("sm-notify", "-f", "-P", "/var/lib/nfs");
    g.check("ip", "addr", "add", VmCluster.VIP + "/24", "dev", "lab0");
    g.check("arping", "-U", "-c", "1", "-I", "lab0", VmCluster.VIP);
  }

  static void seedsStop(VmLab.Guest g) throws Exception {
    g.check("ip", "addr", "del", VmCluster.VIP + "/24", "dev", "lab0");
    g.check("exportfs", "-u", VmLab.NET + ".0/24:" + VmCluster.EXPORT);
    g.check("rpc.nfsd", "0");
    g.check("start-stop-daemon", "--stop", "--pidfile", MOUNTD_PID, "--retry", "5", "--remove-pidfile");
    g.check("start-stop-daemon", "--stop", "--pidfile", STATD_PID, "--retry", "5", "--remove-pidfile");
    g.check("umount", "/var/lib/nfs");
    g.check("umount", "/srv/nfs/home");
    g.check("drbdadm", "secondary", "r0");
  }

  static void handStart(VmLab.Guest g) throws Exception {
    g.check("drbdadm", "primary", "r0");
    g.check("mount", "/dev/drbd0", "/srv/nfs/home");
    g.agent.writeFile("/proc/fs/nfsd/nfsv4gracetime", "10");
    g.agent.writeFile("/proc/fs/nfsd/nfsv4leasetime", "10");
    g.check("rpc.nfsd", "8");
    g.check("exportfs", "-o", "rw,sync,no_root_squash,fsid=1", VmLab.NET + ".0/24:" + VmCluster.EXPORT);
    g.check("ip", "addr", "add", VmCluster.VIP + "/24", "dev", "lab0");
    g.check("arping", "-U", "-c", "1", "-I", "lab0", VmCluster.VIP);
  }
}
