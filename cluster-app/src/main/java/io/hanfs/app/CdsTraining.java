package io.hanfs.app;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.LayerFactory;
import io.hanfs.persistence.EpochStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * {@code hanfs cds-training} (run by {@code deploy/hanfs cds}): starts a throw-away one-node
 * cluster without resources on loopback, answers one status request and stops cleanly, so that
 * the JVM can write a class-data-sharing archive of the classes a node loads. Daemons started
 * with that archive map those classes instead of parsing them again: less memory per node.
 */
final class CdsTraining {
  private CdsTraining() {}

  static int run() throws Exception {
    Path state = Files.createTempDirectory("hanfs-cds-");
    int remoting;
    int management;
    try (ServerSocket a = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      remoting = a.getLocalPort();
      management = b.getLocalPort();
    }
    HanfsConfig config = ConfigLoader.parse("""
        hanfs {
          cluster-name = cds
          state-dir = "%s"
          remoting-port = %d
          management { hostname = "127.0.0.1", port = %d }
          nodes = [ { name = train, address = "127.0.0.1", roles = [data] } ]
        }
        """.formatted(state, remoting, management));
    java.util.concurrent.CompletableFuture<NodeGuardian.Handles> handles = new java.util.concurrent.CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(
        NodeGuardian.create(config, "train", new EpochStore(state.resolve("epochs")), new EpochStore(state.resolve("voter-epochs")),
            LayerFactory.forConfig(config, new CommandRunner()), handles::complete),
        config.clusterName(), Daemon.systemConfig(config, config.node("train").orElseThrow()));
    NodeGuardian.Handles h = handles.join();
    HanfsExtension.ID.get(system).set(h.agent(), h.leader(), config);
    io.hanfs.app.jmx.Jmx.register(config, "train", new ControlApi(system));
    PekkoManagement.get(system).start().toCompletableFuture().join();
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + management;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int code = 0;
    while (System.nanoTime() < deadline && code != 200) {
      Thread.sleep(300);
      code = http.send(HttpRequest.newBuilder(URI.create(base + "/hanfs/cluster")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
    http.send(HttpRequest.newBuilder(URI.create(base + "/hanfs/status")).build(), HttpResponse.BodyHandlers.ofString());
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    System.out.println("cds-training: " + (code == 200 ? "a node started and answered" : "the node did not answer in time") + "; the JVM writes the archive on exit");
    return code == 200 ? 0 : 1;
  }
}
