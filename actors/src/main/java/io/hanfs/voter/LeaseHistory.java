package io.hanfs.voter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The longest lease (duration plus margin) a voter granted under, kept on disk across restarts.
 * A voter restarted with a shorter lease must still wait out the longer one before it grants a
 * new holder: a grant from before the restart may run that long. The file holds the longest
 * since the last time a whole such wait passed.
 */
final class LeaseHistory {
  private LeaseHistory() {}

  static final Duration MAX = Duration.ofSeconds(90);

  /** At a voter's start: the longest lease a forgotten grant may run; noted before any grant. */
  static Duration atStart(Path file, Duration current) {
    Duration longest = current;
    try {
      if (Files.exists(file)) {
        Duration before = Duration.ofMillis(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        if (before.compareTo(longest) > 0) longest = before;
      }
    } catch (IOException | NumberFormatException e) {
      // Unreadable: assume the longest the config allows (a 60 s lease with a 30 s margin).
      longest = longest.compareTo(MAX) > 0 ? longest : MAX;
    }
    write(file, longest);
    return longest;
  }

  /** Once the longest forgotten lease has passed: only the current settings matter from now on. */
  static void settle(Path file, Duration current) {
    write(file, current);
  }

  private static void write(Path file, Duration d) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(d.toMillis()) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot note the voter's lease settings in " + file + ": " + e.getMessage(), e);
    }
  }
}
