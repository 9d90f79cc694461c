package io.hanfs.voter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionMarkerTest {
  static final Duration GRACE = Duration.ofMinutes(2);

  @TempDir
  Path dir;

  @Test
  void aFreshMarkerKeepsNearlyAllOfTheGraceAndAWallClockStepDoesNotShortenIt() throws Exception {
    Path m = dir.resolve("markers/home.extended");
    ExtensionMarker.write(m, "d1", 7);
    Duration left = ExtensionMarker.remaining(m, GRACE);
    assertTrue(left.compareTo(GRACE.minusSeconds(5)) > 0 && left.compareTo(GRACE) <= 0, left.toString());
    // The file's time set an hour back, as by a clock step: this boot's monotonic clock decides.
    Files.setLastModifiedTime(m, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    assertTrue(ExtensionMarker.remaining(m, GRACE).compareTo(GRACE.minusSeconds(5)) > 0);
    assertTrue(Files.readString(m).startsWith("d1 7 " + ExtensionMarker.bootId() + " "), Files.readString(m));
    assertTrue(!Files.exists(dir.resolve("markers/home.extended.tmp")));
  }

  @Test
  void afterAReboot() throws Exception {
    Path m = dir.resolve("home.extended");
    Files.writeString(m, "d1 7 another-boot 123\n");
    Files.setLastModifiedTime(m, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    assertEquals(Duration.ZERO, ExtensionMarker.remaining(m, GRACE), "written an hour ago by the file's time: over");
    Files.setLastModifiedTime(m, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
    assertEquals(GRACE, ExtensionMarker.remaining(m, GRACE), "a time in the future: all of the grace");
    Files.writeString(m, "an old marker of one line\n");
    assertTrue(ExtensionMarker.remaining(m, GRACE).compareTo(GRACE.minusSeconds(5)) > 0, "an old-style marker ages by its file time");
    assertEquals(Duration.ZERO, ExtensionMarker.remaining(dir.resolve("absent"), GRACE));
  }
}
