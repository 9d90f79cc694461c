package io.hanfs.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the keys of a HOCON text, before it is parsed, to find what the parser would merge or
 * drop without a word: a key or block given twice, and {@code include}. Hand-written because
 * Typesafe Config offers no view of the text before merging (its syntax tree is internal). It
 * knows HOCON's structure (objects, arrays, dotted keys, quoted and triple-quoted strings,
 * substitutions, comments); values are skipped, the parser checks them afterwards.
 */
final class KeyScanner {
  private final String s;
  private final String origin;
  private final List<ConfigError> errors;
  /** Full path of every key or block set so far, with its line. */
  private final Map<String, Integer> assigned = new HashMap<>();
  private int i;
  private int line = 1;

  /** An object whose keys are read (path "" at the root), or an array whose elements are counted. */
  private record Frame(String path, boolean array, int[] index) {}

  private final Deque<Frame> frames = new ArrayDeque<>();

  KeyScanner(String text, String origin, List<ConfigError> errors) {
    this.s = text;
    this.origin = origin;
    this.errors = errors;
  }

  void scan() {
    skipBlank();
    boolean braced = i < s.length() && s.charAt(i) == '{';
    if (braced) i++;
    frames.push(new Frame("", false, null));
    while (!frames.isEmpty() && errors.size() < 20) {
      skipBlank();
      if (i >= s.length()) return;
      Frame f = frames.peek();
      char c = s.charAt(i);
      if (f.array()) {
        if (c == ']') {
          i++;
          frames.pop();
        } else if (c == '{') {
          i++;
          frames.push(new Frame(f.path() + "[" + f.index()[0]++ + "]", false, null));
        } else if (c == '[') {
          i++;
          frames.push(new Frame(f.path() + "[" + f.index()[0]++ + "]", true, new int[1]));
        } else {
          f.index()[0]++;
          skipValue(f.path());
        }
      } else if (c == '}') {
        i++;
        frames.pop();
      } else {
        entry(f);
      }
    }
  }

  private void entry(Frame f) {
    int keyLine = line;
    if (s.startsWith("include", i) && i + 7 < s.length() && " \t\"(".indexOf(s.charAt(i + 7)) >= 0) {
      int end = s.indexOf('\n', i);
      String what = s.substring(i, end < 0 ? s.length() : end).strip();
      errors.add(new ConfigError(f.path().isEmpty() ? "(top level)" : f.path(), keyLine, "\"" + shorten(what)
          + "\": a hanfs config is one file, without include", "copy the settings you need into this file"));
      skipToLineEnd();
      return;
    }
    List<String> key = key();
    if (key.isEmpty()) {
      skipToLineEnd();
      return;
    }
    String path = join(f.path(), String.join(".", key));
    skipSpaces();
    boolean append = s.startsWith("+=", i);
    if (append) i += 2;
    else if (i < s.length() && (s.charAt(i) == '=' || s.charAt(i) == ':')) i++;
    skipSpaces();
    if (i < s.length() && s.charAt(i) == '{') {
      i++;
      note(path, keyLine, false);
      frames.push(new Frame(path, false, null));
    } else if (i < s.length() && s.charAt(i) == '[') {
      i++;
      note(path, keyLine, append);
      frames.push(new Frame(path, true, new int[1]));
    } else {
      int start = i;
      skipValue(path);
      String value = s.substring(start, i).strip();
      note(path, keyLine, append || value.matches("\\$\\{\\?[^}]+}"));
    }
  }

  private void note(String path, int at, boolean override) {
    Integer first = assigned.putIfAbsent(path, at);
    if (first != null && !override) {
      errors.add(new ConfigError(path, at, "given twice (first at line " + first + "); HOCON would keep this one and drop the other without a word",
          "keep one " + path));
    }
  }

  /** A key: path elements, quoted or not, separated by dots; stops before the separator. */
  private List<String> key() {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        cur.append(quoted());
      } else if (c == '.') {
        parts.add(cur.toString().strip());
        cur.setLength(0);
        i++;
      } else if ("=:{[+\n,}#".indexOf(c) >= 0 || s.startsWith("//", i)) {
        break;
      } else {
        cur.append(c);
        i++;
      }
    }
    if (!cur.toString().isBlank()) parts.add(cur.toString().strip());
    return parts;
  }

  /** Skips one value up to its end (a newline, a comma, or the closing bracket of its container), opening nested blocks. */
  private void skipValue(String path) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\n' || c == ',' || c == '}' || c == ']' || c == '#' || s.startsWith("//", i)) return;
      if (c == '"') {
        quoted();
      } else if (c == '$' && s.startsWith("${", i)) {
        int end = s.indexOf('}', i);
        i = end < 0 ? s.length() : end + 1;
      } else if (c == '{' || c == '[') {
        // An object or array concatenated to a value: its keys belong to this path.
        i++;
        frames.push(new Frame(path, c == '[', c == '[' ? new int[1] : null));
        return;
      } else {
        i++;
      }
    }
  }

  /** A quoted or triple-quoted string at i; returns its text and leaves i after it. */
  private String quoted() {
    if (s.startsWith("\"\"\"", i)) {
      int end = s.indexOf("\"\"\"", i + 3);
      end = end < 0 ? s.length() : end + 3;
      while (end < s.length() && s.charAt(end) == '"') end++;
      String t = s.substring(i, end);
      line += (int) t.chars().filter(ch -> ch == '\n').count();
      i = end;
      return t;
    }
    StringBuilder b = new StringBuilder();
    i++;
    while (i < s.length() && s.charAt(i) != '"' && s.charAt(i) != '\n') {
      if (s.charAt(i) == '\\' && i + 1 < s.length()) i++;
      b.append(s.charAt(i++));
    }
    if (i < s.length() && s.charAt(i) == '"') i++;
    return b.toString();
  }

  private void skipBlank() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\uFEFF') {
        i++;
      } else if (c == '#' || s.startsWith("//", i)) {
        skipToLineEnd();
      } else {
        return;
      }
    }
  }

  private void skipSpaces() {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
  }

  private void skipToLineEnd() {
    while (i < s.length() && s.charAt(i) != '\n') i++;
  }

  private static String join(String prefix, String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  private static String shorten(String t) {
    String p = t.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 80 ? p.substring(0, 80) + "..." : p;
  }
}
