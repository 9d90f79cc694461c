package io.hanfs.app;

import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.LayerFactory;
import io.hanfs.node.resource.Layer;
import java.util.List;
import java.util.Map;

/**
 * {@code hanfs fence-local}: stops every resource's stack on this node without the cluster, in
 * demote order (VIP, NFS, filesystem, replication). The service manager runs it after the daemon
 * died (kill -9, OOM, downing) so that nothing keeps serving; it is idempotent.
 */
final class FenceLocal {
  private FenceLocal() {}

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
