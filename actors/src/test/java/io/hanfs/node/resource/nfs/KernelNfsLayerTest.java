package io.hanfs.node.resource.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.exec.RecordingCommandRunner;
import io.hanfs.node.resource.LayerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument-level tests; the kernel server itself runs in the VM lab (no nfsd module on CI hosts). */
class KernelNfsLayerTest {
  /** exportfs takes an IPv6 client in brackets (it splits a plain CLIENT:/PATH at the first colon). */
  @Test
  void rpcNfsdTurnsOffTheMinorVersionsTheConfigLeavesOut() {
    assertEquals(List.of("rpc.nfsd", "8"), KernelNfsLayer.rpcNfsd(8, List.of(0, 1, 2)));
    assertEquals(List.of("rpc.nfsd", "-N", "4.0", "8"), KernelNfsLayer.rpcNfsd(8, List.of(1, 2)));
    assertEquals(List.of("rpc.nfsd", "-N", "4.0", "-N", "4.1", "4"), KernelNfsLayer.rpcNfsd(4, List.of(2)));
  }

  @Test
  void anIpv6ClientIsBracketedForExportfs() {
    io.hanfs.config.HanfsConfig.Export e = new io.hanfs.config.HanfsConfig.Export(Path.of("/srv/home"), List.of(), List.of("rw"), 1);
    assertEquals("[fd00:33::]/64:/srv/home", KernelNfsLayer.target("fd00:33::/64", e));
    assertEquals("[fd00:33::7]:/srv/home", KernelNfsLayer.target("fd00:33::7", e));
    assertEquals("192.168.33.0/24:/srv/home", KernelNfsLayer.target("192.168.33.0/24", e));
    assertEquals("*.lab.example:/srv/home", KernelNfsLayer.target("*.lab.example", e));
  }

  @TempDir Path proc;
  @TempDir Path srv;
  @TempDir Path run;

  @TempDir Path sbinDir;
  @TempDir Path lockd;

  /**
   * Stand-ins for rpc.statd and rpc.mountd (not installed on CI hosts): scripts that run until
   * SIGTERM, so the layer's start, tracking by pid file and stop by PID are exercised for real.
   */
  /** The kernel's mount table as the layer reads it: the root, plus /var/lib/nfs bound when {@code bound}. */
  Path mountInfo(boolean bound) throws Exception {
    String table = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        + (bound ? "120 22 147:0 /.state/var-lib-nfs /var/lib/nfs rw,relatime shared:60 - ext4 /dev/drbd0 rw\n" : "");
    return Files.writeString(run.resolve("mountinfo"), table);
  }

  Path mountInfo() throws Exception {
    return mountInfo(false);
  }

  /** A bind mount already there (a half-started stack) is kept at start and taken down at stop. */
  @Test
  void aBoundVarLibNfsIsNotBoundAgainAndIsUnmountedAtStop() throws Exception {
    Files.writeString(proc.resolve("threads"), "8\n");
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> RecordingCommandRunner.ok(argv, ""));
    KernelNfsLayer layer = new KernelNfsLayer(resource(), runner, Duration.ofSeconds(5), proc, 8, run, sbin(), mountInfo(true), run.resolve("etab"), lockd);
    layer.start();
    layer.stop();
    List<String> cmds = runner.commandNames();
    assertTrue(cmds.stream().noneMatch(c -> c.startsWith("mount --bind") || c.startsWith("cp ")), cmds.toString());
    assertTrue(cmds.contains("umount /var/lib/nfs"), cmds.toString());
  }

  Path sbin() throws Exception {
    for (String name : List.of("rpc.statd", "rpc.mountd")) {
      Path f = sbinDir.resolve(name);
      Files.writeString(f, "#!/bin/sh\ntrap 'exit 0' TERM\nwhile :; do sleep 0.1; done\n");
      f.toFile().setExecutable(true);
    }
    return sbinDir;
  }

  static boolean alive(Path pidFile) throws Exception {
    return Files.exists(pidFile) && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).map(ProcessHandle::isAlive).orElse(false);
  }

  Resource resource() throws Exception {
    return ConfigLoader.parse(GaneshaConfigTest.CONF.replace("nfs { state-dir", "nfs { server = kernel, state-dir")
        .replace("grace = 5s, lease = 4s", "grace = 15s, lease = 12s")
        .replace("/srv/home", srv.toString())).resources().get(0);
  }

  @Test
  void startSetsGraceBeforeThreadsThenExportsWithFsidThenNotifies() throws Exception {
    Files.writeString(proc.resolve("threads"), "0\n");
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> {
      if (argv.get(0).equals("rpc.nfsd")) {
        try {
          Files.writeString(proc.resolve("threads"), "8\n");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return RecordingCommandRunner.ok(argv, "");
    });
    KernelNfsLayer layer = new KernelNfsLayer(resource(), runner, Duration.ofSeconds(5), proc, 8, run, sbin(), mountInfo(), run.resolve("etab"), lockd);
    layer.start();
    try {
      assertTrue(alive(run.resolve("rpc.statd.pid")), "rpc.statd runs");
      assertTrue(alive(run.resolve("rpc.mountd.pid")), "rpc.mountd runs");
      String statdCmd = Files.readString(Path.of("/proc", Files.readString(run.resolve("rpc.statd.pid")).trim(), "cmdline")).replace('\0', ' ');
      assertTrue(statdCmd.contains("-F --no-notify -P /var/lib/nfs"), statdCmd);
      assertTrue(layer.monitor().healthy() || !layer.monitor().active(), "monitor answers");
    } finally {
      layer.stop();
    }
    assertTrue(!alive(run.resolve("rpc.statd.pid")) && !alive(run.resolve("rpc.mountd.pid")), "stop ends both helpers by PID");
    assertEquals("15", Files.readString(proc.resolve("nfsv4gracetime")));
    assertEquals("12", Files.readString(proc.resolve("nfsv4leasetime")));
    List<String> cmds = runner.commandNames();
    List<String> expected = new java.util.ArrayList<>(List.of(
        "mount --bind " + srv + "/.state/var-lib-nfs /var/lib/nfs",
        "rpc.nfsd 8",
        "exportfs -o rw,no_root_squash,fsid=7 10.1.1.0/24:" + srv + "/a",
        "exportfs -o ro,all_squash,anonuid=99,sec=sys:krb5,fsid=8 10.1.1.0/24:" + srv + "/b",
        "exportfs -o ro,all_squash,anonuid=99,sec=sys:krb5,fsid=8 10.2.0.0/16:" + srv + "/b",
        "sm-notify -f -P /var/lib/nfs"));
    // A fresh replicated /var/lib/nfs is seeded from the node's own (when it has one), then the
    // files exportfs and rpc.statd need are there.
    if (Files.isDirectory(Path.of("/var/lib/nfs"))) expected.add(0, "cp -a --no-target-directory /var/lib/nfs " + srv + "/.state/var-lib-nfs");
    assertEquals(expected, cmds.subList(0, expected.size()));
    for (String f : List.of("etab", "rmtab", "sm", "sm.bak", "v4recovery")) assertTrue(Files.exists(srv.resolve(".state/var-lib-nfs").resolve(f)), f);
  }

  @Test
  void stopUnexportsStopsThreadsAndFailsIfAnExportRemains() throws Exception {
    Files.writeString(proc.resolve("threads"), "8\n");
    // exportfs's table still lists /a after the unexport (nfs-utils' etab format: path, tab, client(options)).
    Files.writeString(run.resolve("etab"), srv + "/a\t10.1.1.0/24(rw,sync,wdelay,hide,nocrossmnt,secure,no_root_squash,no_all_squash,"
        + "no_subtree_check,secure_locks,acl,no_pnfs,fsid=7,anonuid=65534,anongid=65534,sec=sys,rw,secure,no_root_squash,no_all_squash)\n");
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> RecordingCommandRunner.ok(argv, ""));
    KernelNfsLayer layer = new KernelNfsLayer(resource(), runner, Duration.ofSeconds(5), proc, 8, run, sbin(), mountInfo(), run.resolve("etab"), lockd);
    LayerException e = assertThrows(LayerException.class, layer::stop);
    assertTrue(e.getMessage().contains("still exported"), e.getMessage());
    assertEquals("exportfs -u 10.1.1.0/24:" + srv + "/a", runner.commandNames().get(0));
    assertTrue(runner.commandNames().contains("rpc.nfsd 0"));
  }

  /**
   * With nfsdcld installed: it runs (on the rpc_pipefs found mounted, its database in the
   * replicated /var/lib/nfs) before nfsd starts, lockd's grace is ended when no NFSv3 client
   * held a lock, the grace reading follows /proc/fs/nfsd/v4_end_grace and the kernel log, and
   * the stop ends nfsdcld by PID.
   */
  @Test
  void nfsdcldRunsBeforeNfsdAndGraceIsReadFromTheKernel() throws Exception {
    Path sbin = sbin();
    Path cld = sbin.resolve("nfsdcld");
    Files.writeString(cld, "#!/bin/sh\ntrap 'exit 0' TERM\nwhile :; do sleep 0.1; done\n");
    cld.toFile().setExecutable(true);
    Files.writeString(proc.resolve("threads"), "0\n");
    Files.writeString(lockd.resolve("nlm_end_grace"), "N\n");
    Path table = Files.writeString(run.resolve("mountinfo"), "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        + "31 22 0:27 / /run/rpc_pipefs rw,relatime shared:13 - rpc_pipefs sunrpc rw\n");
    boolean[] cldRanFirst = {false};
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> {
      try {
        if (argv.get(0).equals("rpc.nfsd")) {
          cldRanFirst[0] = alive(run.resolve("nfsdcld.pid"));
          Files.writeString(proc.resolve("threads"), "8\n");
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (argv.get(0).equals("dmesg")) return RecordingCommandRunner.ok(argv, "[ 12.1] NFSD: starting 10-second grace period (net f0000000)\n"
          + "[ 30.2] NFSD: starting 10-second grace period (net f0000000)\n[ 30.9] NFSD: all clients done reclaiming, ending NFSv4 grace period (net f0000000)\n");
      return RecordingCommandRunner.ok(argv, "");
    });
    KernelNfsLayer layer = new KernelNfsLayer(resource(), runner, Duration.ofSeconds(5), proc, 8, run, sbin, table, run.resolve("etab"), lockd);
    layer.start();
    try {
      assertTrue(cldRanFirst[0], "nfsdcld was running when rpc.nfsd started");
      String cmd = Files.readString(Path.of("/proc", Files.readString(run.resolve("nfsdcld.pid")).trim(), "cmdline")).replace('\0', ' ');
      assertTrue(cmd.contains("-F -p /run/rpc_pipefs -s /var/lib/nfs/nfsdcld"), cmd);
      assertEquals("Y", Files.readString(lockd.resolve("nlm_end_grace")), "no NFSv3 lock holder: lockd's grace ended");
      assertTrue(layer.graceRecord().serverStartedNanos().isPresent(), "this start launched nfsd");
      Files.writeString(proc.resolve("v4_end_grace"), "N\n");
      assertEquals(GraceEnd.Reading.inGrace(), layer.readGrace());
      Files.createDirectories(proc.resolve("clients/5"));
      assertEquals(GraceEnd.Reading.inGrace(1), layer.readGrace(), "in grace, the first client back (its first reclaim)");
      Files.writeString(proc.resolve("v4_end_grace"), "Y\n");
      assertEquals(new GraceEnd.Reading(true, java.util.Optional.of(GraceEnd.Reason.ALL_CLIENTS_RECLAIMED), 1), layer.readGrace());
      layer.graceRecord().ended(new GraceEnd.Ended(GraceEnd.Reason.ALL_CLIENTS_RECLAIMED, Duration.ofMillis(700), 1));
      Files.writeString(run.resolve("etab"), srv + "/a\t10.1.1.0/24(rw)\n" + srv + "/b\t10.1.1.0/24(ro)\n");
      assertTrue(layer.monitor().detail().contains("; grace ended 0.7 s after start: every known client reclaimed (1 client); NLM grace ended"),
          layer.monitor().detail());
      Files.writeString(run.resolve("etab"), "");
    } finally {
      layer.stop();
    }
    assertTrue(!alive(run.resolve("nfsdcld.pid")), "stop ends nfsdcld by PID");
  }

  /** A start that finds nfsd running (a restarted daemon adopting its server) has no grace to watch; a known NFSv3 lock holder keeps lockd's grace. */
  @Test
  void anAdoptedServerHasNoGraceToWatchAndALockHolderKeepsNlmGrace() throws Exception {
    Files.writeString(proc.resolve("threads"), "8\n");
    Files.writeString(lockd.resolve("nlm_end_grace"), "N\n");
    Files.createDirectories(srv.resolve(".state/var-lib-nfs/sm"));
    Files.writeString(srv.resolve(".state/var-lib-nfs/sm/client1"), "monitor record\n");
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> RecordingCommandRunner.ok(argv, ""));
    KernelNfsLayer layer = new KernelNfsLayer(resource(), runner, Duration.ofSeconds(5), proc, 8, run, sbin(), mountInfo(true), run.resolve("etab"), lockd);
    layer.start();
    layer.stop();
    assertTrue(layer.graceRecord().serverStartedNanos().isEmpty());
    assertEquals("N\n", Files.readString(lockd.resolve("nlm_end_grace")));
    assertTrue(KernelGrace.reasonInKernelLog("NFSD: no clients to reclaim, skipping NFSv4 grace period (net f0000000)\n").orElseThrow()
        == GraceEnd.Reason.NO_CLIENTS_TO_RECLAIM);
    assertTrue(KernelGrace.reasonInKernelLog("NFSD: no clients to reclaim, skipping NFSv4 grace period\nNFSD: starting 10-second grace period\n").isEmpty(),
        "a later start's grace that simply ran out has no reason logged");
    assertEquals(java.util.Optional.of("UMH upcall"), KernelGrace.trackingInKernelLog(
        "NFSD: Using nfsdcld client tracking operations.\nNFSD: Using UMH upcall client tracking operations.\n"));
  }
}
