package io.hanfs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HOCON that hanfs reads, a config as one file: no {@code include} (a file or URL read at
 * validation time, a missing one silently skipped, its secrets printed in errors), no key or block
 * given twice (HOCON keeps the last and drops the first without a word), no value longer than an
 * administrator writes. Given twice is allowed in one form, HOCON's idiom for an override from
 * the environment: {@code key = default} then {@code key = ${?VARIABLE}}.
 */
public final class ConfigText {
  /** hanfs configs are a few KiB; anything near this is not a config. */
  static final int MAX_BYTES = 256 * 1024;
  /** The longest string value: paths, mount options and export options fit many times. */
  static final int MAX_VALUE = 4096;

  private ConfigText() {}

  public static Config parse(String text, String origin) throws InvalidConfigException {
    List<ConfigError> errors = new ArrayList<>();
    if (text.length() > MAX_BYTES) {
      throw new InvalidConfigException(List.of(new ConfigError(origin, 0, "the config is " + text.length()
          + " characters long, more than a config holds (" + MAX_BYTES + ")", "give hanfs its own small config file")));
    }
    new KeyScanner(text, origin, errors).scan();
    if (!errors.isEmpty()) throw new InvalidConfigException(errors);
    Config parsed;
    try {
      parsed = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
          .setOriginDescription(origin).setIncluder(NO_INCLUDES)).resolve();
    } catch (ConfigException e) {
      int line = e.origin() == null ? 0 : e.origin().lineNumber();
      throw new InvalidConfigException(List.of(new ConfigError(origin, line,
          "cannot be parsed: " + e.getMessage(), "fix the HOCON syntax at that line")));
    }
    longValues(parsed.root(), "", errors);
    if (!errors.isEmpty()) throw new InvalidConfigException(errors);
    return parsed;
  }

  private static void longValues(ConfigObject o, String prefix, List<ConfigError> errors) {
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      longValue(e.getValue(), path, errors);
    }
  }

  private static void longValue(ConfigValue v, String path, List<ConfigError> errors) {
    if (v.valueType() == ConfigValueType.OBJECT) {
      longValues((ConfigObject) v, path, errors);
    } else if (v.valueType() == ConfigValueType.LIST) {
      int i = 0;
      for (ConfigValue item : (com.typesafe.config.ConfigList) v) longValue(item, path + "[" + i++ + "]", errors);
    } else if (v.valueType() == ConfigValueType.STRING && ((String) v.unwrapped()).length() > MAX_VALUE) {
      errors.add(new ConfigError(path, v.origin().lineNumber(), "the value is " + ((String) v.unwrapped()).length()
          + " characters long (at most " + MAX_VALUE + ")", "give the real value"));
    }
  }

  /** The backstop behind KeyScanner: an include the scanner missed fails the parse. */
  private static final ConfigIncluder NO_INCLUDES = new ConfigIncluder() {
    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(com.typesafe.config.ConfigIncludeContext context, String what) {
      throw new ConfigException.Generic("include \"" + what + "\" is not allowed: a hanfs config is one file");
    }
  };
}
