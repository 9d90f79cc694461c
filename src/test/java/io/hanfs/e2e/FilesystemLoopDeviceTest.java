package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Filesystem;
import io.hanfs.config.HanfsConfig.Fsck;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.resource.LayerException;
import io.hanfs.node.resource.filesystem.FilesystemDriver;
import io.hanfs.node.resource.filesystem.FilesystemLayer;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filesystem layer on real loop devices with ext4 and xfs: fsck, mount, umount, refusals. */
class FilesystemLoopDeviceTest {
  static final Duration T = Duration.ofSeconds(60);
  final CommandRunner runner = new CommandRunner();
  final FilesystemDriver driver = new FilesystemDriver(runner, T);
  final List<String> loops = new ArrayList<>();
  Path dir;
  Path mnt;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("hanfs.skipLab"), "lab tests skipped with -DskipLab=true");
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "hanfs-fs-test-");
    mnt = dir.resolve("mnt");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (dir == null) return;
    for (int i = 0; i < 3 && driver.mountAt(mnt).isPresent(); i++) runner.run(List.of("umount", mnt.toString()), T);
    for (String loop : loops) runner.run(List.of("losetup", "-d", loop), T);
    Lab.exec(List.of("rm", "-rf", dir.toString()), T, Map.of());
  }

  Path loopWith(String fstype, long megabytes) throws Exception {
    Path img = dir.resolve(fstype + "-" + loops.size() + ".img");
    try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
      f.setLength(megabytes << 20);
    }
    List<String> mkfs = fstype.equals("xfs") ? List.of("mkfs.xfs", "-q", "-f", img.toString()) : List.of("mkfs.ext4", "-q", "-F", img.toString());
    assertTrue(runner.run(mkfs, T).ok());
    String loop = runner.run(List.of("losetup", "-f", "--show", img.toString()), T).orThrow().stdout().strip();
    loops.add(loop);
    return Path.of(loop);
  }

  @Test
  void ext4AndXfsMountAndUnmountIdempotently() throws Exception {
    for (String type : List.of("ext4", "xfs")) {
      Path dev = loopWith(type, type.equals("xfs") ? 320 : 32);
      FilesystemLayer layer = new FilesystemLayer(new Filesystem(dev, mnt, type, Fsck.AUTO, List.of("noatime"), false), driver);
      assertFalse(layer.probe().active());
      layer.start();
      layer.start();
      assertTrue(layer.probe().active(), layer.probe().detail());
      assertEquals(type, driver.mountAt(mnt).orElseThrow().fstype());
      assertTrue(driver.mountAt(mnt).orElseThrow().options().contains("noatime"));
      assertTrue(layer.monitor().healthy());
      Files.writeString(mnt.resolve("f"), "data");
      layer.stop();
      layer.stop();
      assertFalse(layer.probe().active());
      assertFalse(layer.monitor().healthy(), "the monitor reports an unmounted filesystem as failed");
    }
  }

  @Test
  void aCorruptExt4IsNotMounted() throws Exception {
    Path dev = loopWith("ext4", 32);
    try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "rw")) {
      f.seek(1024);
      f.write(new byte[1024]); // the primary superblock
    }
    FilesystemLayer layer = new FilesystemLayer(new Filesystem(dev, mnt, "ext4", Fsck.AUTO, List.of(), false), driver);
    LayerException e = assertThrows(LayerException.class, layer::start);
    assertTrue(e.getMessage().contains("needs a manual repair"), e.getMessage());
    assertTrue(driver.mountAt(mnt).isEmpty(), "nothing mounted");
  }

  /**
   * Another holder's mount (here a private mount namespace, as a frozen lab node has) is not a
   * corrupt filesystem: fsck's refusal is reported as data held elsewhere, and once the holder
   * lets go the same layer starts.
   */
  @Test
  void aDeviceMountedByAnotherHolderIsHeldNotBroken() throws Exception {
    Path dev = loopWith("ext4", 32);
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Path release = dir.resolve("release");
    // The holder: mounts the device in its own mount namespace and keeps it until told to go.
    Process holder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
        "mount \"$0\" \"$1\" && echo mounted && while [ ! -e \"$2\" ]; do sleep 0.05; done", dev.toString(), other.toString(), release.toString())
        .redirectErrorStream(true).start();
    try {
      assertEquals("mounted", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine());
      FilesystemLayer layer = new FilesystemLayer(new Filesystem(dev, mnt, "ext4", Fsck.AUTO, List.of(), false), driver);
      LayerException e = assertThrows(io.hanfs.node.resource.DataHeldException.class, layer::start);
      assertTrue(e.getMessage().contains("in use elsewhere") && !e.getMessage().contains("manual repair"), e.getMessage());
      assertTrue(driver.mountAt(mnt).isEmpty(), "nothing mounted");
      Files.createFile(release);
      assertTrue(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the holder exits");
      // The kernel tears the namespace's mount down after the process is gone, not with it.
      long deadline = System.nanoTime() + T.toNanos();
      while (true) {
        try {
          layer.start();
          break;
        } catch (io.hanfs.node.resource.DataHeldException stillHeld) {
          if (System.nanoTime() > deadline) throw stillHeld;
          Thread.sleep(50);
        }
      }
      assertTrue(layer.probe().active(), layer.probe().detail());
      layer.stop();
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void refusesToMountOverAnotherFilesystem() throws Exception {
    Path dev = loopWith("ext4", 32);
    Files.createDirectories(mnt);
    assertTrue(runner.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "hanfs-test", mnt.toString()), T).ok());
    FilesystemLayer layer = new FilesystemLayer(new Filesystem(dev, mnt, "ext4", Fsck.AUTO, List.of(), false), driver);
    LayerException e = assertThrows(LayerException.class, layer::start);
    assertTrue(e.getMessage().contains("refusing to mount over it"), e.getMessage());
    assertFalse(layer.probe().healthy(), "the probe names the foreign mount");
    // The rollback's stop leaves the foreign filesystem alone (a retry must fail the same way).
    layer.stop();
    assertEquals("tmpfs", driver.mountAt(mnt).orElseThrow().fstype(), "the foreign mount is still there");
    assertThrows(LayerException.class, layer::start);
  }

  @Test
  void fuserIsNeverRunOnAPlainDirectory() throws Exception {
    Files.createDirectories(mnt);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> driver.killHolders(mnt));
    assertTrue(e.getMessage().contains("not a mount point"), e.getMessage());
  }

  /**
   * A split-brain victim's changes are saved before they are discarded: files changed since the
   * split are copied from a read-only mount (a real ext4 loop device), nothing older, no symlink
   * followed, and the device is unmounted afterwards.
   */
  @Test
  void rescueCopySavesWhatChangedSinceTheSplit() throws Exception {
    Path dev = loopWith("ext4", 32);
    Files.createDirectories(mnt);
    assertTrue(driver.mount(dev, mnt, "ext4", List.of()).ok());
    Files.writeString(mnt.resolve("old.txt"), "before the split");
    Files.setLastModifiedTime(mnt.resolve("old.txt"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    long split = System.currentTimeMillis() - 1000;
    Files.createDirectories(mnt.resolve("home/alice"));
    Files.writeString(mnt.resolve("home/alice/report.txt"), "written on the victim after the split");
    Files.writeString(mnt.resolve("new.bin"), "x".repeat(5000));
    Files.createSymbolicLink(mnt.resolve("home/passwd"), Path.of("/etc/passwd"));
    assertTrue(driver.umount(mnt).ok());

    io.hanfs.node.resource.splitbrain.RescueCopy copy = new io.hanfs.node.resource.splitbrain.RescueCopy(driver);
    Path rescue = dir.resolve("rescue/home-3.1");
    io.hanfs.node.resource.splitbrain.RescueCopy.Result r = copy.save(dev, "ext4", split, mnt, rescue);
    assertEquals(2, r.files(), r.toString());
    assertEquals("written on the victim after the split", Files.readString(rescue.resolve("home/alice/report.txt")));
    assertEquals(5000, Files.size(rescue.resolve("new.bin")));
    assertFalse(Files.exists(rescue.resolve("old.txt")), "older than the split");
    assertFalse(Files.exists(rescue.resolve("home/passwd")), "symlinks are not followed");
    assertTrue(driver.mountAt(mnt).isEmpty(), "unmounted again");
    // Users' files: the rescue directories are root's only.
    for (Path d : List.of(dir.resolve("rescue"), rescue, rescue.resolve("home/alice"))) {
      assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
    }
    // A second save into the same directory is refused and copies nothing.
    assertThrows(java.io.IOException.class, () -> copy.save(dev, "ext4", split, mnt, rescue));
    assertTrue(driver.mountAt(mnt).isEmpty());
    // Too little room beside the ledger (a 16 MiB filesystem): refused before a byte is copied.
    Path small = dir.resolve("small");
    Files.createDirectories(small);
    Path smallDev = loopWith("ext4", 16);
    assertTrue(driver.mount(smallDev, small, "ext4", List.of()).ok());
    try {
      java.io.IOException full = assertThrows(java.io.IOException.class, () -> copy.save(dev, "ext4", split, mnt, small.resolve("rescue/home-3.2")));
      assertTrue(full.getMessage().contains("MiB free") && full.getMessage().contains("nothing was copied"), full.getMessage());
      assertFalse(Files.exists(small.resolve("rescue/home-3.2")));
      assertTrue(driver.mountAt(mnt).isEmpty(), "the victim is unmounted again");
    } finally {
      assertTrue(driver.umount(small).ok());
    }
  }

  /**
   * The HAST and DRBD split-brain victims on a real ext4 loop device standing in for
   * /dev/hast/home and /dev/drbd0 (hastd and the drbd module cannot run on this host): the
   * replication tool's calls are recorded by a stand-in runner, mount/copy/umount are real. The
   * order is the point: the rescue copy is taken before anything is discarded.
   */
  @Test
  void splitBrainVictimsSaveTheirChangesBeforeDiscarding() throws Exception {
    for (HanfsConfig.ReplicationType type : List.of(HanfsConfig.ReplicationType.HAST, HanfsConfig.ReplicationType.DRBD)) {
      Path dev = loopWith("ext4-" + type, 32);
      Files.createDirectories(mnt);
      assertTrue(driver.mount(dev, mnt, "ext4", List.of()).ok());
      long split = System.currentTimeMillis() - 1000;
      Files.writeString(mnt.resolve("victim.txt"), "written by the " + type + " victim after the split");
      assertTrue(driver.umount(mnt).ok());

      List<String> steps = new ArrayList<>();
      CommandRunner standIn = new CommandRunner() {
        @Override
        public CommandResult run(List<String> argv, Duration timeout, String stdin) {
          if (argv.get(0).equals("hastctl") || argv.get(0).equals("drbdadm")) {
            steps.add(String.join(" ", argv));
            return new CommandResult(argv, 0, "", "", false, Duration.ZERO);
          }
          if (argv.get(0).equals("mount")) steps.add("mount " + String.join(" ", argv.subList(1, argv.size())).replace(dev.toString(), "DEV"));
          return super.run(argv, timeout, stdin);
        }
      };
      HanfsConfig.Resource res = new HanfsConfig.Resource("home",
          new HanfsConfig.Replication(type, Optional.of(type == HanfsConfig.ReplicationType.HAST ? "home" : "r0"), HanfsConfig.Fencing.NONE, "disconnect"),
          new HanfsConfig.Filesystem(dev, dir.resolve("export"), "ext4", HanfsConfig.Fsck.AUTO, List.of(), false),
          null, null, Optional.empty(), false, 3, Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(60));
      Path state = dir.resolve("state-" + type);
      FilesystemDriver fs = new FilesystemDriver(standIn, T);
      io.hanfs.node.resource.splitbrain.SplitBrainRecovery recovery = type == HanfsConfig.ReplicationType.HAST
          ? new io.hanfs.node.resource.splitbrain.HastSplitBrainRecovery(res, new io.hanfs.node.resource.replication.HastDriver(standIn, T), fs, state)
          : new io.hanfs.node.resource.splitbrain.DrbdSplitBrainRecovery(res, new io.hanfs.node.resource.replication.DrbdDriver(standIn, T), fs, state);
      Path rescue = recovery.discard(split, "3.1");
      assertEquals("written by the " + type + " victim after the split", Files.readString(rescue.resolve("victim.txt")));
      assertTrue(rescue.startsWith(state.resolve("rescue")), rescue.toString());
      int mount = steps.indexOf(steps.stream().filter(x -> x.startsWith("mount")).findFirst().orElseThrow());
      assertTrue(steps.get(mount).contains("ro"), steps.toString());
      List<String> before = steps.subList(0, mount);
      List<String> after = steps.subList(mount + 1, steps.size());
      if (type == HanfsConfig.ReplicationType.HAST) {
        assertEquals(List.of("hastctl role primary home"), before);
        assertEquals(List.of("hastctl role init home", "hastctl create home", "hastctl role secondary home"), after);
      } else {
        // Not StandAlone as far as the stand-in tells: stop connecting before opening the copy.
        assertEquals(List.of("drbdadm disconnect r0", "drbdadm primary --force r0"), before);
        assertEquals(List.of("drbdadm secondary r0", "drbdadm disconnect r0", "drbdadm connect --discard-my-data r0"), after);
      }
      assertTrue(driver.mountAt(state.resolve("rescue-mnt").resolve("home")).isEmpty(), "the rescue mount is gone");
    }
  }
}
