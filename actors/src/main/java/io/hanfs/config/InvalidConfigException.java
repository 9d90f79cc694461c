package io.hanfs.config;

import java.util.List;
import java.util.stream.Collectors;

/** The config has one or more errors; all of them are listed, so one run shows every fix. */
public class InvalidConfigException extends Exception {
  private final transient List<ConfigError> errors;

  public InvalidConfigException(List<ConfigError> errors) {
    super(errors.size() + " error(s) in the hanfs config:\n"
        + errors.stream().map(e -> "  - " + e).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
