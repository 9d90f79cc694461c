package io.hanfs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code pekko { }} block of a hanfs config, checked: the settings hanfs derives or that hold
 * the cluster's safety are refused with the reason, and every other setting must be one of Pekko's
 * (its reference config), so a typo is an error rather than a default silently kept.
 */
final class PekkoBlock {
  private PekkoBlock() {}

  /** Settings the config must not touch (prefixes), with why and what to do instead. */
  static final Map<String, String> REFUSED = Map.ofEntries(
      Map.entry("pekko.actor.allow-java-serialization", "Java serialization lets a peer run code in this root JVM; hanfs's messages are JSON"),
      Map.entry("pekko.actor.serializers", "hanfs binds its own serializers"),
      Map.entry("pekko.actor.serialization-bindings", "hanfs binds its own serializers"),
      Map.entry("pekko.actor.provider", "hanfs runs a cluster"),
      Map.entry("pekko.extensions", "hanfs starts the extensions it needs"),
      Map.entry("pekko.cluster.downing-provider-class", "the split-brain resolver keeps a partitioned cluster from running twice"),
      Map.entry("pekko.cluster.split-brain-resolver.active-strategy", "hanfs's quorum rests on keep-majority"),
      Map.entry("pekko.cluster.seed-nodes", "hanfs joins the nodes of hanfs.nodes itself (docs/operations.md, joining)"),
      Map.entry("pekko.cluster.roles", "roles come from hanfs.nodes"),
      Map.entry("pekko.remote.artery.transport", "the transport and its TLS are set in hanfs.tls"),
      Map.entry("pekko.remote.artery.ssl", "the transport's TLS is set in hanfs.tls"),
      Map.entry("pekko.remote.artery.canonical", "addresses come from hanfs.nodes and hanfs.remoting-port"),
      Map.entry("pekko.remote.artery.bind", "addresses come from hanfs.nodes and hanfs.remoting-port"),
      Map.entry("pekko.persistence", "the ledger is set in hanfs.ledger"));

  /** Pekko modules whose settings are known only when their jar is on the classpath (validate has them all). */
  private static final Set<String> MODULES = Set.of("remote", "cluster", "persistence", "management", "http", "discovery", "coordination", "stream");

  static void check(Config root, Config reference, List<ConfigError> errors) {
    if (!root.hasPath("pekko") || root.getValue("pekko").valueType() != ConfigValueType.OBJECT) return;
    walk(root.getObject("pekko"), "pekko", reference, errors);
  }

  private static void walk(ConfigObject o, String prefix, Config reference, List<ConfigError> errors) {
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      String path = prefix + "." + quote(e.getKey());
      int line = e.getValue().origin().lineNumber();
      Optional<String> refused = REFUSED.entrySet().stream()
          .filter(r -> path.equals(r.getKey()) || path.startsWith(r.getKey() + ".")).map(Map.Entry::getValue).findFirst();
      if (path.equals("pekko.management") || path.startsWith("pekko.management.")) continue; // its own error (ConfigLoader)
      if (refused.isPresent()) {
        errors.add(new ConfigError(path, line, "is hanfs's to set: " + refused.get(), "remove it from the pekko block"));
      } else if (e.getValue().valueType() == ConfigValueType.OBJECT && (!known(path, reference)
          || reference.hasPathOrNull(path) && reference.getValue(path).valueType() == ConfigValueType.OBJECT)) {
        // Into blocks Pekko has, and into those of modules not on this classpath for the refused settings.
        walk((ConfigObject) e.getValue(), path, reference, errors);
      } else if (!reference.hasPathOrNull(path) && known(path, reference)) {
        errors.add(new ConfigError(path, line, "is not a Pekko setting" + nearest(prefix, e.getKey(), reference).map(n -> " (did you mean " + n + "?)").orElse(""),
            "spell it as in Pekko's reference configuration, or remove it"));
      }
    }
  }

  /** Whether Pekko's settings at this place are known here (a module's jar missing: they are not). */
  private static boolean known(String path, Config reference) {
    String[] parts = path.split("\\.");
    if (!reference.hasPath("pekko.version")) return false;
    return parts.length < 2 || !MODULES.contains(parts[1]) || reference.hasPath("pekko." + parts[1]);
  }

  private static Optional<String> nearest(String prefix, String key, Config reference) {
    if (!reference.hasPath(prefix) || reference.getValue(prefix).valueType() != ConfigValueType.OBJECT) return Optional.empty();
    return reference.getObject(prefix).keySet().stream()
        .filter(k -> distance(k, key) <= Math.max(2, key.length() / 4))
        .min(java.util.Comparator.comparingInt(k -> distance(k, key))).map(k -> prefix + "." + k);
  }

  private static String quote(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key.replace("\"", "\\\"") + "\"";
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
