package io.hanfs.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hanfs in both layouts it supports: this checkout (cluster-app/target) and an installed
 * tree (HANFS_HOME with bin/ and lib/, as the VM lab's guests and a package have it). DRBD runs
 * the replication hooks; an exit code the hook never chose (a launcher error) reads to DRBD as
 * "helper broken", which the VM lab once showed for the installed layout.
 */
class LauncherLayoutTest {
  static final Path ROOT = VmLab.ROOT;
  @TempDir Path dir;

  Path installed() throws IOException {
    Files.createDirectories(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("lib"));
    Files.copy(ROOT.resolve("deploy/hanfs"), dir.resolve("bin/hanfs"));
    dir.resolve("bin/hanfs").toFile().setExecutable(true);
    try (var jars = Files.list(ROOT.resolve("cluster-app/target/lib"))) {
      for (Path j : jars.toList()) Files.copy(j, dir.resolve("lib").resolve(j.getFileName()));
    }
    try (var jars = Files.newDirectoryStream(ROOT.resolve("cluster-app/target"), "hanfs-cluster-app-*.jar")) {
      for (Path j : jars) Files.copy(j, dir.resolve("lib").resolve(j.getFileName()));
    }
    return dir.resolve("bin/hanfs");
  }

  @Test
  void replicationHooksAnswerInBothLayouts() throws IOException {
    for (Path hanfs : List.of(ROOT.resolve("deploy/hanfs"), installed())) {
      Map<String, String> env = Map.of("DRBD_RESOURCE", "r0", "HANFS_CONFIG", dir.resolve("none.conf").toString());
      // Port 1 on loopback: nobody listens, the hook must say so and exit 1 (DRBD keeps I/O frozen).
      Lab.Result down = Lab.exec(List.of(hanfs.toString(), "fence-peer", "--url", "http://127.0.0.1:1"), Duration.ofSeconds(60), env);
      assertEquals(1, down.code(), hanfs + ": " + down);
      assertTrue(down.err().contains("cannot reach the hanfs daemon"), hanfs + ": " + down);
      Lab.Result hast = Lab.exec(List.of(hanfs.toString(), "hast-event", "connect", "home"), Duration.ofSeconds(60), env);
      assertEquals(0, hast.code(), hanfs + ": " + hast);
      // fence-local starts on its own small classpath too: a config that names nothing to stop
      // (no resources) loads, runs and exits 0; a broken one is refused with the config's exit code.
      Files.writeString(dir.resolve("empty.conf"), "hanfs { nodes = [ { name = d1, address = \"127.0.0.1\", roles = [data] } ], resources = [] }\n");
      Lab.Result fence = Lab.exec(List.of(hanfs.toString(), "fence-local", "-c", dir.resolve("empty.conf").toString()), Duration.ofSeconds(60), env);
      assertEquals(0, fence.code(), hanfs + ": " + fence);
      Files.writeString(dir.resolve("bad.conf"), "hanfs { nodes = 3 }\n");
      Lab.Result bad = Lab.exec(List.of(hanfs.toString(), "fence-local", "-c", dir.resolve("bad.conf").toString()), Duration.ofSeconds(60), env);
      assertEquals(2, bad.code(), hanfs + ": " + bad);
      assertTrue(bad.err().contains("hanfs.nodes"), hanfs + ": " + bad);
      Lab.Result usage = Lab.exec(List.of(hanfs.toString(), "--help"), Duration.ofSeconds(60), env);
      assertTrue(usage.out().contains("fence-peer") && usage.out().contains("switchover"), hanfs + ": " + usage);
    }
  }
}
