package io.hanfs.node.resource.nfs;

import io.hanfs.config.HanfsConfig.Export;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.exec.ManagedProcess;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel NFS server, as Pacemaker's nfsserver and exportfs agents drive it: /var/lib/nfs
 * bind-mounted from the replicated filesystem (so rpc.statd and the v4 recovery records move
 * with the data), grace and lease set in /proc/fs/nfsd before nfsd starts, exports added with a
 * fixed fsid, rpc.statd and rpc.mountd run in the foreground as children tracked by pid files
 * (so a stop ends exactly those), and {@code sm-notify -f} after a takeover so NFSv3 clients
 * reclaim their locks.
 * The host kernel of the CI machine has no nfsd module: this layer runs for real in the VM lab
 * and has argument-level unit tests here.
 */
public class KernelNfsLayer implements Layer, GraceTracking {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KernelNfsLayer.class);
  static final Path VAR_LIB_NFS = Path.of("/var/lib/nfs");
  /** nfsdcld's database of the clients to let reclaim: in the replicated /var/lib/nfs, so it moves with the data. */
  static final Path NFSDCLD_DB = VAR_LIB_NFS.resolve("nfsdcld");
  /** Where rpc_pipefs is mounted when no mount of it is found (Debian's own place). */
  static final Path RPC_PIPEFS = Path.of("/run/rpc_pipefs");
  private final Resource resource;
  private final CommandRunner runner;
  private final Duration timeout;
  private final Path procNfsd;
  private final int threads;
  private final Path sbin;
  private final ManagedProcess statd;
  private final ManagedProcess mountd;
  private final io.hanfs.node.resource.filesystem.FilesystemDriver mounts;
  private final Path etab;
  /** Empty where nfs-utils has no nfsdcld (before 2.3.1): the kernel then tracks clients without ending grace early. */
  private final java.util.Optional<ManagedProcess> nfsdcld;
  private final KernelGrace grace;
  private final GraceRecord graceRecord;

  public KernelNfsLayer(Resource resource, CommandRunner runner, Duration timeout, Path runDir) {
    this(resource, runner, timeout, Path.of("/proc/fs/nfsd"), 8, runDir, Path.of("/usr/sbin"), Path.of("/proc/self/mountinfo"), VAR_LIB_NFS.resolve("etab"),
        Path.of("/proc/fs/lockd"));
  }

  KernelNfsLayer(Resource resource, CommandRunner runner, Duration timeout, Path procNfsd, int threads, Path runDir, Path sbin, Path mountInfo, Path etab,
      Path procLockd) {
    this.mounts = new io.hanfs.node.resource.filesystem.FilesystemDriver(runner, timeout, mountInfo);
    this.etab = etab;
    this.resource = resource;
    this.runner = runner;
    this.timeout = timeout;
    this.procNfsd = procNfsd;
    this.threads = threads;
    this.sbin = sbin;
    this.statd = new ManagedProcess(sbin.resolve("rpc.statd").toString(), runDir.resolve("rpc.statd.pid"), runDir.resolve("rpc.statd.log"), "--no-notify");
    this.mountd = new ManagedProcess(sbin.resolve("rpc.mountd").toString(), runDir.resolve("rpc.mountd.pid"), runDir.resolve("rpc.mountd.log"), "-F");
    Path cld = sbin.resolve("nfsdcld");
    this.nfsdcld = Files.isExecutable(cld)
        ? java.util.Optional.of(new ManagedProcess(cld.toString(), runDir.resolve("nfsdcld.pid"), runDir.resolve("nfsdcld.log"), NFSDCLD_DB.toString()))
        : java.util.Optional.empty();
    this.grace = new KernelGrace(procNfsd, procLockd, runner, timeout);
    this.graceRecord = new GraceRecord(resource.nfs());
  }

  @Override
  public String name() {
    return "nfs";
  }

  Path sharedVarLibNfs() {
    return resource.nfs().stateDir().resolve("var-lib-nfs");
  }

  /** The exportfs argument that names one export: CLIENT:PATH. */
  /**
   * exportfs's CLIENT:/PATH. An IPv6 client goes in brackets, "[fd00:33::]/64:/srv": exportfs
   * splits a plain argument at its first colon and takes the bracketed form apart itself.
   */
  static String target(String client, Export e) {
    if (!client.contains(":")) return client + ":" + e.path();
    int slash = client.indexOf('/');
    String address = slash < 0 ? client : client.substring(0, slash);
    return "[" + address + "]" + (slash < 0 ? "" : client.substring(slash)) + ":" + e.path();
  }

  static String exportOptions(Export e) {
    List<String> o = new ArrayList<>(e.options());
    o.add("fsid=" + e.fsid());
    return String.join(",", o);
  }

  int runningThreads() {
    try {
      return Integer.parseInt(Files.readString(procNfsd.resolve("threads")).trim());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The export paths exportfs has set up, from its table /var/lib/nfs/etab (what {@code exportfs
   * -v} prints and rpc.mountd answers the kernel from). Read, not run: the probe after every
   * start and stop and each monitor tick would otherwise cost a process.
   */
  List<String> exportedPaths() {
    try {
      return Files.exists(etab) ? ExportfsOutput.paths(Files.readString(etab)) : List.of();
    } catch (IOException e) {
      throw new LayerException("cannot read " + etab + " (exportfs's table): " + e.getMessage(), e);
    }
  }

  @Override
  public Probe probe() {
    int n = runningThreads();
    List<String> exported = exportedPaths();
    boolean ours = resource.nfs().exports().stream().allMatch(e -> exported.contains(e.path().toString()));
    if (n > 0 && ours) return Probe.up("nfsd " + n + " threads, " + resource.nfs().exports().size() + " export(s)");
    return Probe.down("nfsd " + n + " threads, exports " + (ours ? "present" : "absent"));
  }

  /**
   * Whether /var/lib/nfs is a mount point, from the kernel's mount table (a switchover runs this
   * twice; a `mountpoint` process costs a fork and exec, slow on small or emulated CPUs).
   */
  boolean varLibNfsBound() {
    try {
      return mounts.mountAt(VAR_LIB_NFS).isPresent();
    } catch (IllegalStateException e) {
      throw new LayerException(e.getMessage(), e);
    }
  }

  @Override
  public void start() {
    boolean bound = varLibNfsBound();
    prepareSharedState(bound);
    if (!bound) {
      require(runner.run(List.of("mount", "--bind", sharedVarLibNfs().toString(), VAR_LIB_NFS.toString()), timeout));
    }
    startHelper(statd, List.of(sbin.resolve("rpc.statd").toString(), "-F", "--no-notify", "-P", VAR_LIB_NFS.toString()));
    startHelper(mountd, List.of(sbin.resolve("rpc.mountd").toString(), "-F"));
    // nfsdcld before nfsd: the kernel waits only a second for it to open its pipe, then falls
    // back to a client tracking that cannot end grace early.
    if (nfsdcld.isPresent()) {
      try {
        startHelper(nfsdcld.get(), List.of(sbin.resolve("nfsdcld").toString(), "-F", "-p", rpcPipefs().toString(), "-s", NFSDCLD_DB.toString()));
        if (!awaitNfsdcldReady(Duration.ofSeconds(5))) LOG.warn("nfsdcld has not opened its database within 5 s; the kernel may track clients without it");
      } catch (LayerException e) {
        // Without it nfsd still serves; only its grace runs the whole period.
        LOG.warn("nfsdcld not started ({}): the NFSv4 grace period will run its full length", e.getMessage());
      }
    }
    boolean noNlmLocks = KernelGrace.noNlmLockHolders(sharedVarLibNfs());
    if (runningThreads() == 0) {
      // Grace and lease can only be changed while nfsd has no threads.
      writeProc("nfsv4gracetime", resource.nfs().grace().toSeconds());
      writeProc("nfsv4leasetime", resource.nfs().lease().toSeconds());
      graceRecord.serverStarting();
      require(runner.run(rpcNfsd(threads, resource.nfs().v4Minors()), timeout));
      if (noNlmLocks && grace.endNlmGrace()) graceRecord.noteAtStart("NLM grace ended at start (no NFSv3 lock holder)");
    } else {
      graceRecord.serverAdopted();
    }
    // exportfs -o of an export that is there already (a half-started stack) only renews it.
    for (Export e : resource.nfs().exports()) {
      for (String client : e.clients()) {
        require(runner.run(List.of("exportfs", "-o", exportOptions(e), target(client, e)), timeout));
      }
    }
    // Tell NFSv3 clients that held locks on the old node to reclaim them here.
    runner.run(List.of("sm-notify", "-f", "-P", VAR_LIB_NFS.toString()), timeout);
  }

  /**
   * The replicated /var/lib/nfs: on first use seeded from this node's own (etab, rmtab, statd's
   * sm/ and sm.bak/ with their owner, v4recovery/), as Pacemaker's nfsserver agent does; exportfs
   * refuses to work without etab, rpc.statd without sm/.
   */
  private void prepareSharedState(boolean alreadyBound) {
    Path shared = sharedVarLibNfs();
    try {
      boolean fresh = !Files.exists(shared.resolve("etab"));
      Files.createDirectories(shared);
      if (fresh && !alreadyBound && Files.isDirectory(VAR_LIB_NFS)) {
        require(runner.run(List.of("cp", "-a", "--no-target-directory", VAR_LIB_NFS.toString(), shared.toString()), timeout));
      }
      for (String f : List.of("etab", "rmtab")) {
        if (!Files.exists(shared.resolve(f))) Files.createFile(shared.resolve(f));
      }
      for (String d : List.of("sm", "sm.bak", "v4recovery")) Files.createDirectories(shared.resolve(d));
    } catch (IOException e) {
      throw new LayerException("cannot prepare " + shared + " (the replicated /var/lib/nfs): " + e.getMessage(), e);
    }
  }

  /**
   * Until nfsdcld has its database open (it watches for the kernel's pipe right after): the kernel
   * gives it only a second once nfsd starts, and a new process on a small or emulated CPU can take
   * longer than that to get there (the VM lab saw the whole grace run because of it).
   */
  private boolean awaitNfsdcldReady(Duration max) {
    java.util.Optional<ProcessHandle> p = nfsdcld.get().running();
    if (p.isEmpty()) return false;
    Path fds = Path.of("/proc", Long.toString(p.get().pid()), "fd");
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      try (java.util.stream.Stream<Path> s = Files.list(fds)) {
        if (s.anyMatch(fd -> {
          try {
            return Files.readSymbolicLink(fd).startsWith(NFSDCLD_DB);
          } catch (IOException e) {
            return false;
          }
        })) return true;
      } catch (IOException e) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void startHelper(ManagedProcess helper, List<String> argv) {
    if (helper.running().isPresent()) return;
    try {
      helper.start(argv);
    } catch (IOException e) {
      throw new LayerException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void stop() {
    for (Export e : resource.nfs().exports()) {
      for (String client : e.clients()) runner.run(List.of("exportfs", "-u", target(client, e)), timeout);
    }
    if (runningThreads() > 0) require(runner.run(List.of("rpc.nfsd", "0"), timeout));
    // statd keeps files open below /var/lib/nfs: it must be gone before the bind mount can go.
    if (!mountd.stop(timeout)) throw new LayerException("rpc.mountd does not exit");
    if (!statd.stop(timeout)) throw new LayerException("rpc.statd does not exit");
    // nfsdcld holds its database below /var/lib/nfs open.
    if (nfsdcld.isPresent() && !nfsdcld.get().stop(timeout)) throw new LayerException("nfsdcld does not exit");
    if (varLibNfsBound()) {
      require(runner.run(List.of("umount", VAR_LIB_NFS.toString()), timeout));
    }
    List<String> left = exportedPaths();
    for (Export e : resource.nfs().exports()) {
      if (left.contains(e.path().toString())) throw new LayerException("export " + e.path() + " is still exported after exportfs -u");
    }
  }

  @Override
  public Probe monitor() {
    Probe p = probe();
    if (!p.active()) return Probe.failed(p.detail());
    if (statd.running().isEmpty()) return Probe.failed("rpc.statd is not running");
    if (mountd.running().isEmpty()) return Probe.failed("rpc.mountd is not running");
    // nfsdcld matters at the next start only (which starts it again): no reason to fail over.
    String cld = nfsdcld.isPresent() && nfsdcld.get().running().isEmpty() ? "; nfsdcld is not running" : "";
    String more = graceRecord.statusSuffix() + cld;
    return more.isEmpty() ? p : Probe.up(p.detail() + more);
  }

  /**
   * rpc_pipefs, where nfsdcld talks to the kernel: where it is mounted already (not below
   * /var/lib/nfs, which the replicated state covers), else mounted at /run/rpc_pipefs.
   */
  Path rpcPipefs() {
    try {
      for (io.hanfs.node.resource.filesystem.MountInfo m : mounts.mounts()) {
        if (m.fstype().equals("rpc_pipefs") && !Path.of(m.mountPoint()).startsWith(VAR_LIB_NFS)) return Path.of(m.mountPoint());
      }
      Files.createDirectories(RPC_PIPEFS);
    } catch (IOException | IllegalStateException e) {
      throw new LayerException("cannot find or prepare rpc_pipefs for nfsdcld: " + e.getMessage(), e);
    }
    require(runner.run(List.of("mount", "-t", "rpc_pipefs", "sunrpc", RPC_PIPEFS.toString()), timeout));
    return RPC_PIPEFS;
  }

  /** rpc.nfsd with the NFSv4 minor versions the config leaves out turned off (-N 4.0: only 4.1+ clients, all of them send RECLAIM_COMPLETE). */
  static List<String> rpcNfsd(int threads, List<Integer> v4Minors) {
    List<String> argv = new java.util.ArrayList<>(List.of("rpc.nfsd"));
    for (int minor : io.hanfs.config.HanfsConfig.Nfs.ALL_V4_MINORS) {
      if (!v4Minors.contains(minor)) argv.addAll(List.of("-N", "4." + minor));
    }
    argv.add(Integer.toString(threads));
    return List.copyOf(argv);
  }

  @Override
  public GraceEnd.Reading readGrace() {
    GraceEnd.Reading r = grace.read();
    if (r.ended() && grace.tracking.isPresent() && !grace.tracking.get().equals("nfsdcld")) {
      graceRecord.noteAtStart("the kernel tracked clients with " + grace.tracking.get() + ", not nfsdcld: grace cannot end on reclaim");
    }
    return r;
  }

  @Override
  public GraceRecord graceRecord() {
    return graceRecord;
  }

  private void writeProc(String file, long value) {
    try {
      Files.writeString(procNfsd.resolve(file), Long.toString(value));
    } catch (IOException e) {
      throw new LayerException("cannot set " + procNfsd.resolve(file) + ": " + e.getMessage(), e);
    }
  }

  private static void require(CommandResult r) {
    if (!r.ok()) throw new LayerException(r.describe());
  }
}
