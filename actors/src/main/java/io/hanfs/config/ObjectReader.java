package io.hanfs.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one HOCON object field by field, recording every problem (with its path) instead of
 * stopping at the first, and reporting keys that nobody read as unknown.
 */
final class ObjectReader {
  private final ConfigObject object;
  private final String path;
  private final List<ConfigError> errors;
  private final Set<String> read = new HashSet<>();

  ObjectReader(ConfigObject object, String path, List<ConfigError> errors) {
    this.object = object;
    this.path = path;
    this.errors = errors;
  }

  String path() {
    return path;
  }

  String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  int line() {
    return object.origin().lineNumber();
  }

  int lineOf(String key) {
    ConfigValue v = object.get(key);
    return v == null ? line() : v.origin().lineNumber();
  }

  void error(String key, String problem, String fix) {
    errors.add(new ConfigError(pathOf(key), lineOf(key), problem, fix));
  }

  boolean has(String key) {
    read.add(key);
    return object.containsKey(key) && object.get(key).valueType() != ConfigValueType.NULL;
  }

  private Optional<ConfigValue> value(String key, boolean required, String fixIfMissing) {
    read.add(key);
    ConfigValue v = object.get(key);
    if (v == null || v.valueType() == ConfigValueType.NULL) {
      if (required) error(key, "is missing", fixIfMissing);
      return Optional.empty();
    }
    return Optional.of(v);
  }

  Optional<String> string(String key, boolean required, String example) {
    return value(key, required, "add " + key + " = " + example).flatMap(v -> {
      if (v.valueType() == ConfigValueType.STRING
          || v.valueType() == ConfigValueType.NUMBER
          || v.valueType() == ConfigValueType.BOOLEAN) {
        String s = String.valueOf(v.unwrapped());
        if (Syntax.hasShellMeta(s)) {
          error(key, "\"" + printable(s) + "\" contains a shell metacharacter or whitespace",
              "use only letters, digits and ._/+@:,=-, e.g. " + example);
          return Optional.empty();
        }
        if (s.startsWith("-")) {
          error(key, "\"" + s + "\" starts with - and would be read as a command option", "remove the leading -");
          return Optional.empty();
        }
        return Optional.of(s);
      }
      error(key, "must be a string, not " + typeName(v), "write it as " + key + " = " + example);
      return Optional.empty();
    });
  }

  /**
   * A string that never reaches a command line or a generated file (a URL): only whitespace and
   * control characters are refused here, its reader checks the rest.
   */
  Optional<String> unquotedText(String key, String example) {
    return value(key, false, "add " + key + " = " + example).flatMap(v -> {
      if (v.valueType() != ConfigValueType.STRING) {
        error(key, "must be a string, not " + typeName(v), "write it as " + key + " = " + example);
        return Optional.empty();
      }
      String s = (String) v.unwrapped();
      if (s.isEmpty() || s.codePoints().anyMatch(c -> c <= 0x20 || c == 0x7f || Character.isWhitespace(c))) {
        error(key, "\"" + printable(s) + "\" is empty or contains whitespace or a control character", "write it as " + key + " = " + example);
        return Optional.empty();
      }
      return Optional.of(s);
    });
  }

  Optional<Integer> integer(String key, int min, int max, Optional<Integer> dflt) {
    Optional<ConfigValue> ov = value(key, dflt.isEmpty(), "add " + key + " = " + min);
    if (ov.isEmpty()) return dflt;
    ConfigValue v = ov.get();
    if (v.valueType() == ConfigValueType.NUMBER && v.unwrapped() instanceof Integer i) {
      if (i < min || i > max) {
        error(key, i + " is out of range", "use a whole number from " + min + " to " + max);
        return Optional.empty();
      }
      return Optional.of(i);
    }
    error(key, "must be a whole number, not " + typeName(v) + " " + v.render(), "use a number from " + min + " to " + max);
    return Optional.empty();
  }

  Optional<Boolean> bool(String key, boolean dflt) {
    Optional<ConfigValue> ov = value(key, false, "");
    if (ov.isEmpty()) return Optional.of(dflt);
    ConfigValue v = ov.get();
    if (v.valueType() == ConfigValueType.BOOLEAN) return Optional.of((Boolean) v.unwrapped());
    if (v.valueType() == ConfigValueType.STRING) {
      switch (((String) v.unwrapped()).toLowerCase(Locale.ROOT)) {
        case "on", "true", "yes" -> { return Optional.of(true); }
        case "off", "false", "no" -> { return Optional.of(false); }
        default -> { }
      }
    }
    error(key, v.render() + " is not a boolean", "use on or off");
    return Optional.empty();
  }

  Optional<Duration> duration(String key, Duration min, Duration max, Duration dflt) {
    Optional<ConfigValue> ov = value(key, false, "");
    if (ov.isEmpty()) return Optional.of(dflt);
    ConfigValue v = ov.get();
    Duration d;
    try {
      d = object.toConfig().getDuration(quote(key));
    } catch (RuntimeException e) {
      error(key, v.render() + " is not a duration", "write a number with a unit, e.g. " + dflt.toSeconds() + "s");
      return Optional.empty();
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      error(key, v.render() + " is out of range", "use a duration from " + min.toMillis() + "ms to " + max.toSeconds() + "s");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /** An absolute, normalised path (what every file and directory setting is). */
  Optional<Path> absolutePath(String key, boolean required, String example) {
    return string(key, required, example).flatMap(s -> {
      Optional<String> problem = Syntax.pathProblem(s);
      if (problem.isPresent()) {
        error(key, problem.get(), "write an absolute, normalised path such as " + example);
        return Optional.empty();
      }
      return Optional.of(Path.of(s));
    });
  }

  <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type, Optional<E> dflt) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    if (!has(key)) {
      if (dflt.isEmpty()) error(key, "is missing", "add " + key + " = one of " + names);
      return dflt;
    }
    Optional<String> s = string(key, true, names.get(0));
    if (s.isEmpty()) return Optional.empty();
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(s.get())) return Optional.of(e);
    }
    error(key, "\"" + s.get() + "\" is not one of " + names, "use one of " + names);
    return Optional.empty();
  }

  Optional<ObjectReader> object(String key, boolean required) {
    return value(key, required, "add a " + key + " { ... } block").flatMap(v -> {
      if (v instanceof ConfigObject o) return Optional.of(new ObjectReader(o, pathOf(key), errors));
      error(key, "must be an object { ... }, not " + typeName(v), "write " + key + " { ... }");
      return Optional.empty();
    });
  }

  /** A nested object read for a cross-field check only; its problems go to {@code scratch}. */
  Optional<ObjectReader> objectQuietly(String key, List<ConfigError> scratch) {
    ConfigValue v = object.get(key);
    return v instanceof ConfigObject o ? Optional.of(new ObjectReader(o, pathOf(key), scratch)) : Optional.empty();
  }

  /** A list of objects; each element gets a reader whose path ends with [index]. */
  List<ObjectReader> objects(String key, boolean required) {
    List<ObjectReader> out = new ArrayList<>();
    value(key, required, "add " + key + " = [ { ... } ]").ifPresent(v -> {
      if (!(v instanceof ConfigList list)) {
        error(key, "must be a list [ ... ], not " + typeName(v), "write " + key + " = [ { ... } ]");
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        ConfigValue e = list.get(i);
        String p = pathOf(key) + "[" + i + "]";
        if (e instanceof ConfigObject o) out.add(new ObjectReader(o, p, errors));
        else errors.add(new ConfigError(p, e.origin().lineNumber(), "must be an object { ... }, not " + typeName(e), "write { name = ..., ... }"));
      }
    });
    return out;
  }

  /** A list of strings, also accepting one comma-separated string. */
  Optional<List<String>> strings(String key, boolean required, String example) {
    Optional<ConfigValue> ov = value(key, required, "add " + key + " = " + example);
    if (ov.isEmpty()) return required ? Optional.empty() : Optional.of(List.of());
    ConfigValue v = ov.get();
    List<String> raw = new ArrayList<>();
    if (v instanceof ConfigList list) {
      for (ConfigValue e : list) {
        if (e.valueType() != ConfigValueType.STRING) {
          error(key, "must be a list of strings, found " + typeName(e), "write " + key + " = " + example);
          return Optional.empty();
        }
        raw.add((String) e.unwrapped());
      }
    } else if (v.valueType() == ConfigValueType.STRING) {
      for (String part : ((String) v.unwrapped()).split(",", -1)) raw.add(part.strip());
    } else {
      error(key, "must be a list of strings, not " + typeName(v), "write " + key + " = " + example);
      return Optional.empty();
    }
    for (String s : raw) {
      if (s.isEmpty()) {
        error(key, "has an empty entry", "remove the empty entry (doubled or trailing comma)");
        return Optional.empty();
      }
      if (Syntax.hasShellMeta(s) && !s.equals("*") && !(s.startsWith("*.") && !Syntax.hasShellMeta(s.substring(2)))) {
        error(key, "\"" + printable(s) + "\" contains a shell metacharacter or whitespace",
            "use only letters, digits and ._/+@:,=-");
        return Optional.empty();
      }
      if (s.startsWith("-")) {
        error(key, "\"" + s + "\" starts with - and would be read as a command option", "remove the leading -");
        return Optional.empty();
      }
    }
    return Optional.of(List.copyOf(raw));
  }

  /** Marks {@code key} as known without reading it (a block another component reads). */
  void pass(String key) {
    read.add(key);
  }

  /** Reports every key that no reader method asked for. */
  void finish() {
    Set<String> unknown = new TreeSet<>(object.keySet());
    unknown.removeAll(read);
    for (String key : unknown) {
      error(key, "is not a known setting", "remove it or correct its spelling (known here: " + new TreeSet<>(read) + ")");
    }
  }

  private static String quote(String key) {
    return "\"" + key + "\"";
  }

  private static String typeName(ConfigValue v) {
    return v.valueType().name().toLowerCase(Locale.ROOT);
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", c));
      else b.appendCodePoint(c);
    });
    return b.toString();
  }
}
