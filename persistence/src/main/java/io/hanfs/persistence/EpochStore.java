package io.hanfs.persistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The promotion epoch of each resource on this node, kept durably: a new epoch is written to a
 * temporary file, fsync'd, renamed over the old one and the directory fsync'd, so after a crash
 * the node holds either the old or the new epoch, never a torn or lost one. A node must persist
 * an epoch before it acts on it, and rejects commands that carry an older one (a fencing token).
 * The event-sourced ledger of later work records the same epochs with their history.
 */
public final class EpochStore {
  private static final Pattern RESOURCE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private final Path dir;

  public EpochStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
  }

  private Path file(String resource) {
    if (!RESOURCE.matcher(resource).matches()) throw new IllegalArgumentException("bad resource name: " + resource);
    return dir.resolve(resource + ".epoch");
  }

  /** The last persisted epoch of the resource, 0 when none was ever stored. */
  public synchronized long current(String resource) throws IOException {
    Path f = file(resource);
    if (!Files.exists(f)) return 0;
    String text = Files.readString(f, StandardCharsets.UTF_8).trim();
    if (!text.matches("\\d{1,18}( [a-z][a-z0-9-]{0,31})?")) throw new IOException("corrupt epoch file " + f + ": \"" + text + "\"");
    return Long.parseLong(text.split(" ")[0]);
  }

  /** The node the stored epoch was granted to, when it was stored with one (lease voters do). */
  public synchronized java.util.Optional<String> holder(String resource) throws IOException {
    Path f = file(resource);
    if (!Files.exists(f)) return java.util.Optional.empty();
    current(resource);
    String[] parts = Files.readString(f, StandardCharsets.UTF_8).trim().split(" ");
    return parts.length > 1 ? java.util.Optional.of(parts[1]) : java.util.Optional.empty();
  }

  /**
   * Persists {@code epoch} if it is newer than the stored one and returns true; returns false
   * (and writes nothing) for an epoch that is not newer.
   */
  public synchronized boolean advanceTo(String resource, long epoch) throws IOException {
    return advanceTo(resource, epoch, null);
  }

  /** As {@link #advanceTo(String, long)}, recording the holder the epoch belongs to. */
  public synchronized boolean advanceTo(String resource, long epoch, String holder) throws IOException {
    if (epoch <= current(resource)) return false;
    if (holder != null && !RESOURCE.matcher(holder).matches()) throw new IllegalArgumentException("bad holder name: " + holder);
    Path f = file(resource);
    DurableFile.replace(f, epoch + (holder == null ? "" : " " + holder) + "\n");
    return true;
  }

  /** Persists and returns the next epoch (current + 1). */
  public synchronized long next(String resource) throws IOException {
    long next = current(resource) + 1;
    advanceTo(resource, next);
    return next;
  }
}
