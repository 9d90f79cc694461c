package io.hanfs.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hanfs.sbr.data.Generation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FenceMarksTest {
  @Test
  void marksSurviveANewInstanceAndOnlyGrow(@TempDir Path dir) throws Exception {
    FenceMarks a = new FenceMarks(dir);
    a.record("home", "d2", new Generation(5, 1));
    a.record("home", "d1", new Generation(4, 0));
    a.record("home", "d2", new Generation(5, 0)); // older: ignored
    FenceMarks b = new FenceMarks(dir);
    assertEquals(Map.of("d1", new Generation(4, 0), "d2", new Generation(5, 1)), b.marks("home"));
    b.record("home", "d2", new Generation(7, 2));
    assertEquals(new Generation(7, 2), new FenceMarks(dir).marks("home").get("d2"));
    assertEquals(Map.of(), b.marks("data"));
  }

  @Test
  void hostileNamesAndCorruptFilesAreRefused(@TempDir Path dir) throws Exception {
    FenceMarks m = new FenceMarks(dir);
    assertThrows(IllegalArgumentException.class, () -> m.record("../etc", "d1", Generation.NONE));
    assertThrows(IllegalArgumentException.class, () -> m.record("home", "d1\nd3 9.9", Generation.NONE));
    Files.writeString(dir.resolve("home.fence"), "d1 5.x\n");
    assertThrows(java.io.IOException.class, () -> m.marks("home"));
  }
}
