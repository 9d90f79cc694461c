package io.hanfs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import io.hanfs.config.HanfsConfig.Management;
import io.hanfs.config.HanfsConfig.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses and validates a hanfs config file. Every error is collected with its path, line and fix;
 * nothing is touched on the machine (the alert script's file is only looked at). Used by {@code hanfs validate} and by {@code hanfs run}
 * before it starts anything. This class reads the top level and hands each section to its reader
 * ({@link ClusterSections}, {@link ManagementSection}, {@link AlertsSection}, {@link NodesSection}, {@link ResourceSection},
 * {@link CrossResourceChecks}), then checks the whole with {@link SemanticChecks}.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static HanfsConfig load(Path file) throws InvalidConfigException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(List.of(new ConfigError(file.toString(), 0,
          "the config file does not exist or is not a regular file", "pass the path of your hanfs.conf")));
    }
    String text;
    try {
      if (Files.size(file) > ConfigText.MAX_BYTES) {
        throw new InvalidConfigException(List.of(new ConfigError(file.toString(), 0, "the file is " + Files.size(file)
            + " bytes, more than a config holds (" + ConfigText.MAX_BYTES + ")", "pass the path of your hanfs.conf")));
      }
      text = Files.readString(file);
    } catch (java.io.IOException e) {
      throw new InvalidConfigException(List.of(new ConfigError(file.toString(), 0,
          "cannot be read: " + e.getMessage(), "pass a readable UTF-8 text file")));
    }
    return fromConfig(ConfigText.parse(text, file.toString()));
  }

  public static HanfsConfig parse(String text) throws InvalidConfigException {
    return fromConfig(ConfigText.parse(text, "(text)"));
  }

  static HanfsConfig fromConfig(Config root) throws InvalidConfigException {
    List<ConfigError> errors = new ArrayList<>();
    ConfigObject top = root.root();
    ObjectReader rootReader = new ObjectReader(top, "", errors);
    Optional<ObjectReader> hanfsReader = rootReader.object("hanfs", true);
    // Pekko settings beside hanfs's own: the daemon hands them to its actor system.
    rootReader.pass("pekko");
    if (root.hasPath("pekko.management")) {
      // Its bind address, port and routes are hanfs's: a bind-hostname here would open the
      // control routes beyond loopback with nothing in hanfs.management saying so.
      errors.add(new ConfigError("pekko.management", root.getValue("pekko.management").origin().lineNumber(),
          "the management endpoint is set in hanfs.management, not in the pekko block", "remove pekko.management; use hanfs.management { hostname, port }"));
    }
    PekkoBlock.check(root, Reference.CONFIG, errors);
    rootReader.finish();
    if (hanfsReader.isEmpty()) throw new InvalidConfigException(errors);
    ObjectReader h = hanfsReader.get();

    String clusterName = h.string("cluster-name", false, "hanfs").orElse("hanfs");
    if (!Syntax.isName(clusterName)) {
      h.error("cluster-name", "\"" + clusterName + "\" is not a plain name", "use lower-case letters, digits and -, starting with a letter");
    }
    Optional<String> localNode = h.string("node", false, "nfs01");
    Path stateDir = h.absolutePath("state-dir", false, "/var/lib/hanfs").orElse(Path.of("/var/lib/hanfs"));
    int remotingPort = h.integer("remoting-port", 1, 65535, Optional.of(25520)).orElse(25520);
    Management management = ManagementSection.read(h);

    HanfsConfig.Lease lease = ClusterSections.lease(h);
    HanfsConfig.Ledger ledger = ClusterSections.ledger(h, stateDir);
    HanfsConfig.Tls tls = ClusterSections.tls(h);
    Optional<HanfsConfig.Watchdog> watchdog = ClusterSections.watchdog(h, lease);
    Optional<HanfsConfig.Alerts> alerts = AlertsSection.read(h);
    NodesSection.Nodes nodes = NodesSection.read(h, localNode, errors);
    List<Resource> resources = ResourceSection.readAll(h, nodes);
    h.finish();
    CrossResourceChecks.check(h, resources);
    if (!errors.isEmpty()) throw new InvalidConfigException(errors);
    HanfsConfig config = new HanfsConfig(clusterName, localNode, stateDir, List.copyOf(nodes.list()), management, remotingPort, lease, ledger, tls, watchdog, alerts, List.copyOf(resources));
    List<ConfigError> wrong = SemanticChecks.errors(config);
    if (!wrong.isEmpty()) throw new InvalidConfigException(wrong);
    return config;
  }

  /** Pekko's reference settings on this classpath, read once (what PekkoBlock checks keys against). */
  private static final class Reference {
    static final Config CONFIG = com.typesafe.config.ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader());
  }
}
