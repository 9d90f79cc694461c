package io.hanfs.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Operator flags of this node (standby, maintenance) kept as files in its state directory, so
 * they survive daemon restarts and leader moves. A flag is on when its file exists.
 */
final class NodeFlags {
  private final Path dir;

  NodeFlags(Path dir) {
    this.dir = dir;
  }

  boolean get(String flag) {
    return Files.exists(dir.resolve(flag));
  }

  void set(String flag, boolean on) {
    try {
      Files.createDirectories(dir);
      if (on) {
        if (!get(flag)) Files.writeString(dir.resolve(flag), "on\n");
      } else {
        Files.deleteIfExists(dir.resolve(flag));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set " + flag + " in " + dir, e);
    }
  }
}
