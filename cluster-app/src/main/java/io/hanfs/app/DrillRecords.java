package io.hanfs.app;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The drill's records on the export: one small file per record, named by the drill's run and the
 * record's number, holding a fixed-size line that says the same (so a record from another run,
 * a torn write or a stale read never passes for this one).
 */
interface DrillRecords {
  int SIZE = 64;

  /** Writes record {@code seq}; returns only once it is durable (the acknowledgement), else throws. */
  void write(long seq) throws IOException;

  /** The record's bytes as the server has them now, or empty when the file is not there. */
  Optional<byte[]> read(long seq) throws IOException;

  /** Removes the drill's records (best effort: the directory is the operator's). */
  void remove(List<Long> seqs);

  String where();

  /** Whether {@link #remove} can remove anything (libnfs's tools cannot delete). */
  boolean removable();

  static String name(String run, long seq) {
    return String.format("hanfs-drill-%s-%06d", run, seq);
  }

  /** The record's content: "hanfs drill RUN record N" padded with dots to SIZE bytes, newline last. */
  static byte[] content(String run, long seq) {
    byte[] b = new byte[SIZE];
    Arrays.fill(b, (byte) '.');
    byte[] text = String.format("hanfs drill %s record %08d ", run, seq).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, b, 0, Math.min(text.length, SIZE - 1));
    b[SIZE - 1] = '\n';
    return b;
  }

  /** Files on a kernel mount, each written with one FileChannel write and force(true). */
  record OnMount(Path dir, String run) implements DrillRecords {
    @Override
    public void write(long seq) throws IOException {
      Path file = dir.resolve(name(run, seq));
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content(run, seq));
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
      }
      // The new name must be durable too, not only the data.
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    }

    @Override
    public Optional<byte[]> read(long seq) throws IOException {
      try {
        return Optional.of(Files.readAllBytes(dir.resolve(name(run, seq))));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }

    @Override
    public void remove(List<Long> seqs) {
      for (long s : seqs) {
        try {
          Files.deleteIfExists(dir.resolve(name(run, s)));
        } catch (IOException e) {
          // left for the operator: the name says it is the drill's
        }
      }
    }

    @Override
    public String where() {
      return dir.toString();
    }

    @Override
    public boolean removable() {
      return true;
    }
  }

  /**
   * Files reached through libnfs, no mount needed: nfs-cp of a local copy per record (its exit 0
   * is the acknowledgement), nfs-cat to read back. Each a command with a timeout, so an attempt
   * stuck on a dead server ends and the next one shows when the server is back.
   */
  record ThroughLibnfs(DrillSettings.NfsUrl url, String run, Path scratch, CommandRunner runner, Duration timeout) implements DrillRecords {
    @Override
    public void write(long seq) throws IOException {
      Path local = scratch.resolve(name(run, seq));
      Files.write(local, content(run, seq));
      try {
        CommandResult r = runner.run(List.of("nfs-cp", local.toString(), url.file(name(run, seq))), timeout);
        if (!r.ok()) throw new IOException(r.describe());
      } finally {
        Files.deleteIfExists(local);
      }
    }

    @Override
    public Optional<byte[]> read(long seq) throws IOException {
      CommandResult r = runner.run(List.of("nfs-cat", url.file(name(run, seq))), timeout);
      if (r.ok()) return Optional.of(r.stdout().getBytes(StandardCharsets.ISO_8859_1));
      if (r.timedOut()) throw new IOException(r.describe());
      return Optional.empty();
    }

    @Override
    public void remove(List<Long> seqs) {
      // libnfs-utils has no rm: the records stay, under names that say whose they are.
    }

    @Override
    public String where() {
      return url.describe();
    }

    @Override
    public boolean removable() {
      return false;
    }
  }
}
