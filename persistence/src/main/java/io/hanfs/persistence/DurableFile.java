package io.hanfs.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Replaces a small file so that after a crash it holds either the old or the new text, on disk. */
public final class DurableFile {
  private DurableFile() {}

  /** Writes {@code text} to a temporary file, fsyncs it, renames it over {@code file}, fsyncs the directory. */
  public static void replace(Path file, String text) throws IOException {
    Path dir = file.getParent();
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      write(ch, text);
    }
    rename(tmp, file);
  }

  /** As {@link #replace}, the file readable and writable by its owner (root) only from the start. */
  public static void replaceOwnerOnly(Path file, String text) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    // A leftover temporary file may have other modes: the new one is made with 0600.
    Files.deleteIfExists(tmp);
    Set<OpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (FileChannel ch = FileChannel.open(tmp, create, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      write(ch, text);
    }
    rename(tmp, file);
  }

  private static void write(FileChannel ch, String text) throws IOException {
    ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    ch.force(true);
  }

  private static void rename(Path tmp, Path file) throws IOException {
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
