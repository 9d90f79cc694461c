package io.hanfs.app;

import java.util.Optional;

/** Where the node's config is when no -c names it (its own class: the replication hooks load nothing else of the CLI). */
final class ConfigPath {
  private ConfigPath() {}

  static String defaultConfig() {
    return Optional.ofNullable(System.getenv("HANFS_CONFIG")).orElse("/etc/hanfs/hanfs.conf");
  }
}
