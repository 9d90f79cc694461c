package io.hanfs.config;

/**
 * One problem in a config file: where it is (the HOCON path and, when known, the line), what is
 * wrong, and how to fix it.
 */
public record ConfigError(String path, int line, String problem, String fix) {
  @Override
  public String toString() {
    String where = line > 0 ? path + " (line " + line + ")" : path;
    return where + ": " + problem + (fix.isEmpty() ? "" : "; fix: " + fix);
  }
}
