package io.hanfs.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochStoreTest {
  @TempDir Path dir;

  @Test
  void startsAtZeroAndAdvancesMonotonically() throws IOException {
    EpochStore s = new EpochStore(dir);
    assertEquals(0, s.current("home"));
    assertEquals(1, s.next("home"));
    assertTrue(s.advanceTo("home", 7));
    assertFalse(s.advanceTo("home", 7), "the same epoch again is not newer");
    assertFalse(s.advanceTo("home", 3), "an older epoch is refused");
    assertEquals(7, s.current("home"));
    assertEquals(0, s.current("other"), "epochs are per resource");
  }

  @Test
  void keepsTheHolderAnEpochWasGrantedTo() throws IOException {
    EpochStore s = new EpochStore(dir);
    assertTrue(s.advanceTo("home", 3, "n2"));
    assertEquals(3, new EpochStore(dir).current("home"));
    assertEquals("n2", new EpochStore(dir).holder("home").orElseThrow());
    assertTrue(s.advanceTo("home", 4));
    assertTrue(s.holder("home").isEmpty());
  }

  @Test
  void survivesAReopen() throws IOException {
    new EpochStore(dir).advanceTo("home", 42);
    assertEquals(42, new EpochStore(dir).current("home"));
    assertFalse(Files.exists(dir.resolve("home.epoch.tmp")), "no temporary file is left behind");
  }

  @Test
  void refusesNamesThatCouldEscapeTheDirectory() throws IOException {
    EpochStore s = new EpochStore(dir);
    assertThrows(IllegalArgumentException.class, () -> s.current("../etc/passwd"));
  }

  @Test
  void reportsACorruptFile() throws IOException {
    Files.writeString(dir.resolve("home.epoch"), "garbage");
    assertThrows(IOException.class, () -> new EpochStore(dir).current("home"));
  }
}
