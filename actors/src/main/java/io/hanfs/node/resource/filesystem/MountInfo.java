package io.hanfs.node.resource.filesystem;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One line of /proc/self/mountinfo (proc(5)): what is mounted where, from which device. */
public record MountInfo(int majorDev, int minorDev, String mountPoint, List<String> options, String fstype, String source) {

  public boolean readWrite() {
    return options.contains("rw");
  }

  /** Parses the whole file; malformed lines are skipped. */
  public static List<MountInfo> parse(String text) {
    List<MountInfo> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      parseLine(line).ifPresent(out::add);
    }
    return out;
  }

  static Optional<MountInfo> parseLine(String line) {
    String[] f = line.trim().split(" ");
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (f.length < 10 || dash < 0 || dash + 2 >= f.length) return Optional.empty();
    String[] dev = f[2].split(":");
    if (dev.length != 2) return Optional.empty();
    try {
      return Optional.of(new MountInfo(Integer.parseInt(dev[0]), Integer.parseInt(dev[1]), unescape(f[4]),
          List.of(f[5].split(",")), f[dash + 1], unescape(f[dash + 2])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal \\ooo. */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
