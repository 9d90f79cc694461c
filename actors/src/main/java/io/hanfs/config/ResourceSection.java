package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Filesystem;
import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.config.HanfsConfig.Nfs;
import io.hanfs.config.HanfsConfig.Node;
import io.hanfs.config.HanfsConfig.Replication;
import io.hanfs.config.HanfsConfig.ReplicationType;
import io.hanfs.config.HanfsConfig.Resource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code hanfs.resources}: each resource's name, its layers (read by {@link ResourceLayers}), its
 * placement and its timers, and the checks between its layers.
 */
final class ResourceSection {
  private ResourceSection() {}

  static List<Resource> readAll(ObjectReader h, NodesSection.Nodes known) {
    List<Resource> resources = new ArrayList<>();
    Map<String, String> resourceNames = new HashMap<>();
    for (ObjectReader r : h.objects("resources", false)) {
      readResource(r, known).ifPresent(res -> {
        String prev = resourceNames.putIfAbsent(res.name(), r.path());
        if (prev != null) r.error("name", "resource \"" + res.name() + "\" is already defined at " + prev, "give every resource a unique name");
        resources.add(res);
      });
    }
    return resources;
  }

  private static Optional<Resource> readResource(ObjectReader r, NodesSection.Nodes known) {
    Optional<String> name = r.string("name", true, "home");
    name.ifPresent(nm -> {
      if (!Syntax.isName(nm)) r.error("name", "\"" + nm + "\" is not a plain name", "use lower-case letters, digits and -, starting with a letter, at most 32");
    });
    Optional<Replication> replication = ResourceLayers.replication(r);
    Optional<Filesystem> filesystem = ResourceLayers.filesystem(r);
    Optional<Nfs> nfs = ResourceLayers.nfs(r);
    Optional<FloatingIp> vip = ResourceLayers.floatingIp(r);

    Optional<String> preferred = r.string("preferred-node", false, "nfs01");
    preferred.ifPresent(p -> {
      Optional<Node> n = known.list().stream().filter(x -> x.name().equals(p)).findFirst();
      if (n.isEmpty()) {
        if (!known.paths().containsKey(p)) r.error("preferred-node", "\"" + p + "\" is not in hanfs.nodes", "use one of " + known.paths().keySet());
      } else if (!n.get().isData()) {
        r.error("preferred-node", "\"" + p + "\" is not a data node", "prefer a node with roles = [data]");
      }
    });
    Optional<Boolean> failback = r.bool("failback", false);
    Optional<Integer> threshold = r.integer("migration-threshold", 1, 1000, Optional.of(3));
    Optional<Duration> failureTimeout = r.duration("failure-timeout", Duration.ofSeconds(1), Duration.ofDays(7), Duration.ofMinutes(10));
    Optional<Duration> monitor = r.duration("monitor-interval", Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofSeconds(5));
    Optional<Duration> opTimeout = r.duration("operation-timeout", Duration.ofSeconds(1), Duration.ofMinutes(30), Duration.ofSeconds(60));
    r.finish();
    if (name.isEmpty() || replication.isEmpty() || filesystem.isEmpty() || nfs.isEmpty() || vip.isEmpty()
        || failback.isEmpty() || threshold.isEmpty() || failureTimeout.isEmpty() || monitor.isEmpty() || opTimeout.isEmpty()) {
      return Optional.empty();
    }
    if (replication.get().type() == ReplicationType.HAST) {
      // hastd creates the GEOM provider /dev/hast/NAME on the primary only; any other device
      // would be mounted without HAST's replication under it.
      Path expected = Path.of("/dev/hast").resolve(replication.get().replicatedResource().orElseThrow());
      if (!filesystem.get().device().equals(expected)) {
        r.error("filesystem.device", filesystem.get().device() + " is not the HAST provider of resource "
            + replication.get().replicatedResource().get(), "set device = \"" + expected + "\"");
        return Optional.empty();
      }
    }
    return Optional.of(new Resource(name.get(), replication.get(), filesystem.get(), nfs.get(), vip.get(), preferred,
        failback.get(), threshold.get(), failureTimeout.get(), monitor.get(), opTimeout.get()));
  }
}
