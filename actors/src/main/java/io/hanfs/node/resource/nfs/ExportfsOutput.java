package io.hanfs.node.resource.nfs;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code exportfs -v}: each export is "PATH<whitespace>CLIENT(options)", with the client
 * on the next line when the path is long.
 */
final class ExportfsOutput {
  private ExportfsOutput() {}

  static List<String> paths(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) continue;
      String path = line.trim().split("\\s+")[0];
      if (path.startsWith("/") && !out.contains(path)) out.add(path);
    }
    return out;
  }
}
