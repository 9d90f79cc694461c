package io.hanfs.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.LayerFactory;
import io.hanfs.node.NodeAgent;
import io.hanfs.persistence.EpochStore;
import io.hanfs.persistence.ledger.LedgerStore;
import java.io.IOException;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.management.javadsl.PekkoManagement;
import io.hanfs.node.resource.ResourceAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** {@code hanfs run}: one node's actor system, its NodeAgent and Management HTTP. */
public final class Daemon {
  private Daemon() {}

  /**
   * A {@code pekko { ... }} block in the hanfs config file: Pekko settings that override the
   * defaults (e.g. the failure detector's acceptable-heartbeat-pause on slow or virtual machines).
   * What hanfs derives itself (addresses, ports, seed nodes, roles) still wins.
   */
  static Config pekkoSettings(java.nio.file.Path file) throws java.io.IOException, io.hanfs.config.InvalidConfigException {
    // Read as validate read it: one file, no include, no key twice.
    Config c = io.hanfs.config.ConfigText.parse(java.nio.file.Files.readString(file), file.toString());
    return c.hasPath("pekko") ? c.withOnlyPath("pekko") : ConfigFactory.empty();
  }

  /** The actor-system settings derived from the hanfs config for one node. */
  static Config systemConfig(HanfsConfig config, HanfsConfig.Node self) {
    return systemConfig(config, self, ConfigFactory.empty());
  }

  static Config systemConfig(HanfsConfig config, HanfsConfig.Node self, Config pekkoOverrides) {
    return transport(config)
        .withFallback(ConfigFactory.empty())
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(self.address()))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(config.remotingPort()))
        // No seed nodes: the JoinCoordinator joins a running cluster or forms one (never by timing).
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(self.roles().stream().map(r -> r.name().toLowerCase()).toList()))
        .withValue("pekko.management.http.hostname", ConfigValueFactory.fromAnyRef(config.management().host(self)))
        .withValue("pekko.management.http.port", ConfigValueFactory.fromAnyRef(config.management().port()))
        .withFallback(pekkoOverrides)
        // The witness keeps no ledger, but its history journal: always in its own H2 file.
        .withFallback(LedgerStore.config(self.isData() ? ledgerSettings(config) : new LedgerStore.H2(config.stateDir().resolve("ledger"))))
        .withFallback(ConfigFactory.load());
  }

  /** Mutual TLS on Artery (hanfs.tls): Pekko's rotating-keys provider behind hanfs's address checks. */
  static Config transport(HanfsConfig config) {
    HanfsConfig.Tls tls = config.tls();
    if (!tls.enabled()) return ConfigFactory.empty();
    return ConfigFactory.empty()
        .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue("pekko.remote.artery.ssl.ssl-engine-provider", ConfigValueFactory.fromAnyRef(io.hanfs.app.tls.NodeTlsProvider.class.getName()))
        .withValue("pekko.remote.artery.ssl.rotating-keys-engine.key-file", ConfigValueFactory.fromAnyRef(tls.keyFile().toString()))
        .withValue("pekko.remote.artery.ssl.rotating-keys-engine.cert-file", ConfigValueFactory.fromAnyRef(tls.certFile().toString()))
        .withValue("pekko.remote.artery.ssl.rotating-keys-engine.ca-cert-file", ConfigValueFactory.fromAnyRef(tls.caFile().toString()))
        .withValue(io.hanfs.app.tls.NodeTlsProvider.ADDRESSES, ConfigValueFactory.fromIterable(config.nodes().stream().map(HanfsConfig.Node::address).toList()));
  }

  /** The ledger store from the config; a PostgreSQL password is read from its file here. */
  static LedgerStore.Settings ledgerSettings(HanfsConfig config) {
    HanfsConfig.Ledger l = config.ledger();
    if (l.store() == HanfsConfig.LedgerStoreKind.H2) return new LedgerStore.H2(config.stateDir().resolve("ledger"));
    String password = "";
    if (l.passwordFile().isPresent()) {
      try {
        password = java.nio.file.Files.readString(l.passwordFile().get()).strip();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("hanfs.ledger.password-file: cannot read " + l.passwordFile().get() + ": " + e.getMessage()
            + "; fix: create it (mode 0600) with the database password", e);
      }
    }
    return new LedgerStore.Postgres(l.url().orElseThrow(), l.user().orElseThrow(), password);
  }

  public static int run(HanfsConfig config, String nodeName) throws Exception {
    return run(config, nodeName, ConfigFactory.empty());
  }

  public static int run(HanfsConfig config, String nodeName, Config pekkoOverrides) throws Exception {
    HanfsConfig.Node self = config.node(nodeName).orElseThrow();
    EpochStore epochs = new EpochStore(config.stateDir().resolve("epochs"));
    EpochStore voterEpochs = new EpochStore(config.stateDir().resolve("voter-epochs"));
    LayerFactory layers = LayerFactory.forConfig(config, nodeName, new CommandRunner());
    java.util.concurrent.CompletableFuture<NodeGuardian.Handles> handles = new java.util.concurrent.CompletableFuture<>();
    Behavior<NodeGuardian.Command> root = NodeGuardian.create(config, nodeName, epochs, voterEpochs, layers, handles::complete);
    ActorSystem<NodeGuardian.Command> system = ActorSystem.create(root, config.clusterName(), systemConfig(config, self, pekkoOverrides));
    NodeGuardian.Handles h = handles.join();
    // Before the routes start: every request that changes something must carry it.
    String token = ApiToken.ensure(ApiToken.file(config.stateDir()));
    HanfsExtension.ID.get(system).set(h.agent(), h.leader(), config, token);
    HanfsExtension.ID.get(system).setHistory(h.history());
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "hanfs-restart-grace", () -> {
      // A deliberate stop (SIGTERM, systemctl restart) keeps the NFS stack up for the next daemon:
      // the voters extend this node's leases for restart-grace. Anything else (downing) does not.
      boolean deliberate = shutdown.getShutdownReason().map(r -> r == CoordinatedShutdown.jvmExitReason()).orElse(false);
      if (!deliberate) return CompletableFuture.completedFuture(Done.getInstance());
      return prepareRestart(system, h.agent(), config).thenApply(x -> {
        layers.watchdog().ifPresent(io.hanfs.node.watchdog.WatchdogDevice::retire);
        return Done.getInstance();
      });
    });
    io.hanfs.app.jmx.Jmx.register(config, nodeName, new ControlApi(system));
    startManagement(system, config);
    ServiceWatch.start(system, h.agent(), config, nodeName);
    system.log().info("hanfs node {} up: management on {}", nodeName, config.management().url(self));
    system.getWhenTerminated().toCompletableFuture().join();
    boolean clean = shutdown.getShutdownReason().map(r -> r == CoordinatedShutdown.jvmExitReason()).orElse(false);
    if (!clean) System.err.println("hanfs: the actor system stopped (" + shutdown.getShutdownReason().map(Object::toString).orElse("unknown")
        + "); exiting with 3 so that the local fence step runs");
    return clean ? 0 : 3;
  }

  /** Pekko Management's server with hanfs's routes, over HTTPS with the node's certificate when configured. */
  static void startManagement(ActorSystem<?> system, HanfsConfig config) throws java.io.IOException, java.security.GeneralSecurityException {
    if (!config.management().https()) {
      PekkoManagement.get(system).start().toCompletableFuture().join();
      return;
    }
    org.apache.pekko.http.javadsl.HttpsConnectionContext https = io.hanfs.app.tls.ManagementTls.server(config, line -> system.log().warn(line));
    PekkoManagement.get(system).start(settings -> settings.withHttpsConnectionContext(https)).toCompletableFuture().join();
  }

  private static CompletableFuture<Void> prepareRestart(ActorSystem<?> system, ActorRef<NodeAgent.Command> agent, HanfsConfig config) {
    Duration t = Duration.ofSeconds(3);
    return AskPattern.<NodeAgent.Command, List<ActorRef<ResourceAgent.Command>>>ask(agent, NodeAgent.GetAgents::new, t, system.scheduler())
        .thenCompose(agents -> CompletableFuture.allOf(agents.stream()
            .map(a -> AskPattern.<ResourceAgent.Command, Boolean>ask(a, ResourceAgent.PrepareRestart::new, t, system.scheduler())
                .toCompletableFuture().exceptionally(e -> false))
            .toArray(CompletableFuture[]::new)))
        .toCompletableFuture()
        .exceptionally(e -> null);
  }
}
