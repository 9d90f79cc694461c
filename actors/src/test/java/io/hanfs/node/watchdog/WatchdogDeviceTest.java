package io.hanfs.node.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandRunner;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device protocol on a FIFO (what the namespace lab's test double reads): arm, feed, magic close, retire. */
class WatchdogDeviceTest {
  @TempDir Path dir;

  @Test
  void armFeedAndMagicCloseAsTheKernelDriverExpects() throws Exception {
    Path fifo = dir.resolve("watchdog");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    WatchdogDevice d = new WatchdogDevice(new HanfsConfig.Watchdog(fifo, Duration.ofSeconds(1)), new CommandRunner());
    assertEquals(List.of(), WatchdogDevice.problems(d.config()));
    // The reader: everything written until the writer closes.
    CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
      // A byte at a time: FileInputStream.readAllBytes seeks, which a FIFO refuses.
      try (InputStream in = new FileInputStream(fifo.toFile())) {
        StringBuilder got = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) got.append((char) c);
        return got.toString();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertFalse(d.armed());
    assertTrue(d.armAndFeed());
    assertTrue(d.armed());
    assertTrue(d.armAndFeed());
    d.disarm("test");
    assertFalse(d.armed());
    assertEquals("..V", read.get(10, TimeUnit.SECONDS), "two feeds, then the magic close");
    d.retire();
    assertFalse(d.armAndFeed(), "after a deliberate stop nothing arms it again");
    assertFalse(d.armed());
  }

  @Test
  void aMissingDeviceOrAPlainFileIsRefusedWithTheFix() throws Exception {
    List<String> missing = WatchdogDevice.problems(new HanfsConfig.Watchdog(dir.resolve("nosuch"), Duration.ofSeconds(5)));
    assertTrue(missing.size() == 1 && missing.get(0).contains("does not exist") && missing.get(0).contains("modprobe softdog"), missing.toString());
    Path file = Files.writeString(dir.resolve("file"), "");
    List<String> plain = WatchdogDevice.problems(new HanfsConfig.Watchdog(file, Duration.ofSeconds(5)));
    assertTrue(plain.size() == 1 && plain.get(0).contains("not a watchdog character device"), plain.toString());
  }
}
