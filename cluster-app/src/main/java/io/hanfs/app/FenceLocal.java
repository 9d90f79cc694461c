package io.hanfs.app;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.InvalidConfigException;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.LayerFactory;
import io.hanfs.node.resource.Layer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code hanfs fence-local}: stops every resource's stack on this node without the cluster, in
 * demote order (VIP, NFS, filesystem, replication). The service manager runs it after the daemon
 * died (kill -9, OOM, downing) so that nothing keeps serving; it is idempotent.
 */
public final class FenceLocal {
  private FenceLocal() {}

  /**
   * {@code hanfs fence-local [-c FILE]} as the launcher starts it: on the hanfs jars, the config
   * reader, Jackson and logging only. It runs right after the daemon died, while the other node
   * waits to promote (DRBD refuses a second Primary until this one steps down), so the CLI's
   * libraries are left out of its start.
   */
  public static void main(String[] args) {
    Path file = Path.of(ConfigPath.defaultConfig());
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("-c") || args[i].equals("--config")) && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (!args[i].equals("fence-local")) {
        System.err.println("hanfs fence-local: unknown argument \"" + args[i].replaceAll("[^\\x20-\\x7e]", "?") + "\"; usage: hanfs fence-local [-c FILE]");
        System.exit(1);
      }
    }
    System.exit(run(file));
  }

  /**
   * Fences what the daemon ran (its running.conf) and what the file says now; only when neither
   * loads does it change nothing and exit with the config's code.
   */
  static int run(Path file) {
    RunningConfig.ToFence f = RunningConfig.toFence(file, LocalEndpoint.DEFAULT_STATE_DIR);
    f.problems().forEach(p -> System.err.println("fence-local: " + p));
    if (f.configs().isEmpty()) return Main.EXIT_CONFIG;
    int failures = 0;
    for (HanfsConfig c : f.configs()) failures += run(c) == 0 ? 0 : 1;
    return failures == 0 ? 0 : 1;
  }

  static int run(HanfsConfig config) {
    LayerFactory factory = LayerFactory.forConfig(config, new CommandRunner());
    int failures = 0;
    for (HanfsConfig.Resource r : config.resources()) {
      Map<String, Layer> layers = factory.layers(r);
      for (String name : List.of("floating-ip", "nfs", "filesystem", "replication")) {
        try {
          layers.get(name).stop();
          System.out.println("fence-local: " + r.name() + " " + name + " stopped");
        } catch (RuntimeException e) {
          failures++;
          System.err.println("fence-local: " + r.name() + " " + name + " could not be stopped: " + e.getMessage());
        }
      }
    }
    return failures == 0 ? 0 : 1;
  }
}
