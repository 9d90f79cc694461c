package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What fence-local stops after a crash: what the daemon ran, and what the file says now. */
class RunningConfigTest {
  @TempDir
  Path dir;

  String config(String resource, String mountpoint) {
    return """
        hanfs {
          state-dir = "%s"
          nodes = [ { name = n1, address = "10.1.1.1" } ]
          resources = [ {
            name = %s
            replication { type = shared }
            filesystem { device = "/dev/sdb", mountpoint = "%s" }
            nfs { state-dir = "%s/.state", exports = [ { path = "%s/a", clients = "10.1.1.0/24", options = "rw", fsid = 7 } ] }
            floating-ip { address = "10.1.1.100/24", interface = eth0 }
          } ]
        }
        """.formatted(dir.resolve("state"), resource, mountpoint, mountpoint, mountpoint);
  }

  static List<String> resources(RunningConfig.ToFence f) {
    return f.configs().stream().flatMap(c -> c.resources().stream()).map(r -> r.name() + "@" + r.filesystem().mountpoint()).toList();
  }

  @Test
  void anEditedFileFencesWhatRanAndWhatItSaysNow() throws Exception {
    Path file = dir.resolve("hanfs.conf");
    Files.writeString(file, config("home", "/srv/home"));
    RunningConfig.save(dir.resolve("state"), Files.readString(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/running.conf"))));
    // Edited after the start: the resource renamed and moved.
    Files.writeString(file, config("data", "/srv/data"));
    RunningConfig.ToFence f = RunningConfig.toFence(file, dir.resolve("nowhere"));
    assertEquals(List.of("home@/srv/home", "data@/srv/data"), resources(f));
    assertEquals(List.of(), f.problems());
  }

  @Test
  void aFileThatNoLongerValidatesStillFencesWhatRan() throws Exception {
    Path file = dir.resolve("hanfs.conf");
    Files.writeString(file, config("home", "/srv/home"));
    RunningConfig.save(dir.resolve("state"), Files.readString(file));
    Files.writeString(file, "hanfs { this is not = valid");
    // The state dir then comes from the default, as for an installed node.
    RunningConfig.ToFence f = RunningConfig.toFence(file, dir.resolve("state"));
    assertEquals(List.of("home@/srv/home"), resources(f));
    assertTrue(f.problems().get(0).contains("does not load now"), f.problems().toString());
    // Nothing loads at all: nothing to fence, and it says so.
    RunningConfig.ToFence none = RunningConfig.toFence(file, dir.resolve("nowhere"));
    assertEquals(List.of(), none.configs());
    assertEquals(1, none.problems().size());
    assertEquals(HanfsConfig.class, RunningConfig.toFence(dir.resolve("nosuch.conf"), dir.resolve("state")).configs().get(0).getClass());
  }
}
