package io.hanfs.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.LayerFactory;
import io.hanfs.node.NodeAgent;
import io.hanfs.persistence.EpochStore;
import java.io.IOException;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.management.javadsl.PekkoManagement;

/** {@code hanfs run}: one node's actor system, its NodeAgent and Management HTTP. */
public final class Daemon {
  private Daemon() {}

  /** The actor-system settings derived from the hanfs config for one node. */
  static Config systemConfig(HanfsConfig config, HanfsConfig.Node self) {
    String address = "pekko://" + config.clusterName() + "@" + self.address() + ":" + config.remotingPort();
    return ConfigFactory.empty()
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(self.address()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(config.remotingPort()))
        // One-node cluster until the cluster leader joins the nodes together.
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of(address)))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(self.roles().stream().map(r -> r.name().toLowerCase()).toList()))
        .withValue("pekko.management.http.hostname", ConfigValueFactory.fromAnyRef(config.management().hostname()))
        .withValue("pekko.management.http.port", ConfigValueFactory.fromAnyRef(config.management().port()))
        .withFallback(ConfigFactory.load());
  }

  public static int run(HanfsConfig config, String nodeName) throws IOException {
    HanfsConfig.Node self = config.node(nodeName).orElseThrow();
    EpochStore epochs = new EpochStore(config.stateDir().resolve("epochs"));
    EpochStore voterEpochs = new EpochStore(config.stateDir().resolve("voter-epochs"));
    LayerFactory layers = LayerFactory.forConfig(config, new CommandRunner());
    Behavior<NodeAgent.Command> root = NodeGuardian.create(config, nodeName, epochs, voterEpochs, layers);
    ActorSystem<NodeAgent.Command> system = ActorSystem.create(root, config.clusterName(), systemConfig(config, self));
    ActorRef<NodeAgent.Command> agent = system;
    HanfsExtension.ID.get(system).set(agent, config);
    PekkoManagement.get(system).start().toCompletableFuture().join();
    system.log().info("hanfs node {} up: management on http://{}:{}", nodeName, config.management().hostname(), config.management().port());
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
