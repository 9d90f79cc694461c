package io.hanfs.voter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A voter's note on disk that it extended a grant for a daemon restart, so that after its own
 * restart it keeps out of that grant for the rest of restart-grace. Written durably (fsync of the
 * file and of its directory) before the grant is given. Its age is read from the monotonic clock
 * when the machine has not booted since (the usual case: a daemon restart), so a wall-clock step
 * cannot shorten it; after a reboot from the file's time, and a time in the future counts as new.
 */
final class ExtensionMarker {
  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private ExtensionMarker() {}

  static void write(Path file, String holder, long epoch) throws IOException {
    Files.createDirectories(file.getParent());
    io.hanfs.persistence.DurableFile.replace(file, holder + " " + epoch + " " + bootId() + " " + System.nanoTime() + "\n");
  }

  /** How much of {@code grace} is left since the marker was written; all of it when unsure, none without a marker. */
  static Duration remaining(Path file, Duration grace) {
    if (!Files.exists(file)) return Duration.ZERO;
    try {
      String[] f = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
      long ageMillis;
      if (f.length == 4 && f[2].equals(bootId()) && f[3].matches("-?\\d{1,19}")) {
        ageMillis = Duration.ofNanos(System.nanoTime() - Long.parseLong(f[3])).toMillis();
      } else {
        ageMillis = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
      }
      if (ageMillis < 0) return grace;
      return ageMillis >= grace.toMillis() ? Duration.ZERO : grace.minusMillis(ageMillis);
    } catch (IOException | RuntimeException e) {
      return grace;
    }
  }

  static String bootId() {
    try {
      return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
