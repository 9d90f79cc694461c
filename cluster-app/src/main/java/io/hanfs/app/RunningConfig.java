package io.hanfs.app;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The config the daemon runs with, kept in its state directory ({@code running.conf}, 0600) when
 * it starts: the fence step after a crash stops what the daemon ran, also when the file has been
 * edited since (a resource removed, a mountpoint moved) or does not validate any more.
 */
final class RunningConfig {
  static final String FILE = "running.conf";

  private RunningConfig() {}

  static void save(Path stateDir, String text) throws IOException {
    io.hanfs.persistence.DurableFile.replaceOwnerOnly(stateDir.resolve(FILE), text);
  }

  /** What fence-local stops: the config the daemon ran and the file as it is now, each if it loads. */
  record ToFence(List<HanfsConfig> configs, List<String> problems) {}

  static ToFence toFence(Path file, Path defaultStateDir) {
    List<HanfsConfig> configs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Optional<HanfsConfig> current = Optional.empty();
    try {
      current = Optional.of(ConfigLoader.load(file));
    } catch (InvalidConfigException e) {
      problems.add(file + " does not load now (" + e.errors().size() + " error(s)); stopping what the daemon ran instead: " + e.getMessage());
    }
    Path running = current.map(HanfsConfig::stateDir).orElse(defaultStateDir).resolve(FILE);
    if (Files.isRegularFile(running)) {
      try {
        configs.add(ConfigLoader.load(running));
      } catch (InvalidConfigException e) {
        problems.add(running + " does not load: " + e.getMessage());
      }
    }
    current.ifPresent(configs::add);
    return new ToFence(configs, problems);
  }
}
