package io.hanfs.persistence;

import io.hanfs.sbr.data.Generation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A lease voter's durable fence marks: "node N's copy of resource R is outdated; the primary
 * writes on at generation G" (what {@code hanfs fence-peer} records for DRBD). A mark at a
 * majority of voters is what lets the primary go on without its peer: whoever leads later finds
 * it there, even when the primary is gone. One small file per resource, fsync'd, replaced atomically.
 */
public final class FenceMarks {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern LINE = Pattern.compile("([a-z][a-z0-9-]{0,31}) (\\d{1,18})\\.(\\d{1,9})");
  private final Path dir;

  public FenceMarks(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
  }

  private Path file(String resource) {
    if (!NAME.matcher(resource).matches()) throw new IllegalArgumentException("bad resource name: " + resource);
    return dir.resolve(resource + ".fence");
  }

  /** Every node's newest mark for the resource. */
  public synchronized Map<String, Generation> marks(String resource) throws IOException {
    Path f = file(resource);
    Map<String, Generation> out = new TreeMap<>();
    if (!Files.exists(f)) return out;
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      var m = LINE.matcher(line.strip());
      if (!m.matches()) throw new IOException("corrupt fence-mark file " + f + ": \"" + line + "\"");
      out.put(m.group(1), new Generation(Long.parseLong(m.group(2)), Integer.parseInt(m.group(3))));
    }
    return out;
  }

  /** Records that {@code node} is outdated up to {@code primaryAt}; a newer mark replaces an older one. */
  public synchronized void record(String resource, String node, Generation primaryAt) throws IOException {
    if (!NAME.matcher(node).matches()) throw new IllegalArgumentException("bad node name: " + node);
    Map<String, Generation> marks = marks(resource);
    Generation old = marks.get(node);
    if (old != null && old.compareTo(primaryAt) >= 0) return;
    marks.put(node, primaryAt);
    StringBuilder text = new StringBuilder();
    marks.forEach((n, g) -> text.append(n).append(' ').append(g).append('\n'));
    DurableFile.replace(file(resource), text.toString());
  }
}
