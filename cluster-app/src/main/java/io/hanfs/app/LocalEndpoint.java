package io.hanfs.app;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the CLI and the replication hooks find the local daemon: its management URL and the API
 * token its mutating routes require, both from the config (the token in its state directory).
 * Without a readable config: the defaults, 127.0.0.1:7626 and /var/lib/hanfs/api-token.
 */
record LocalEndpoint(String url, Optional<String> token) {
  static final String DEFAULT_URL = "http://127.0.0.1:7626";
  static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/hanfs");

  static LocalEndpoint locate(Optional<String> url, Path configFile) {
    Optional<HanfsConfig> cfg = read(configFile);
    String base = url.orElseGet(() -> cfg.map(c -> "http://" + c.management().hostname() + ":" + c.management().port()).orElse(DEFAULT_URL));
    Path stateDir = cfg.map(HanfsConfig::stateDir).orElse(DEFAULT_STATE_DIR);
    return new LocalEndpoint(base, ApiToken.read(ApiToken.file(stateDir)));
  }

  private static Optional<HanfsConfig> read(Path configFile) {
    if (!configFile.toFile().isFile()) return Optional.empty();
    try {
      return Optional.of(ConfigLoader.load(configFile));
    } catch (InvalidConfigException e) {
      System.err.println("warning: " + configFile + " is invalid, using the default management address and token file");
      return Optional.empty();
    }
  }
}
