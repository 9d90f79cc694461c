package io.hanfs.app;

import io.hanfs.CborSerializable;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.LayerFactory;
import io.hanfs.persistence.EpochStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * {@code hanfs cds-training} (run by {@code deploy/hanfs cds}): starts a throw-away cluster on
 * loopback (a data node on 127.0.0.1 and a witness with the leader on 127.0.0.2, a majority of
 * the three listed nodes, so that remoting, gossip, the singleton and the receptionist really talk), loads every hanfs class
 * and passes every cluster message class through its serializer, answers status requests and
 * stops cleanly. The JVM then writes a class-data-sharing archive of all those classes; daemons
 * started with it map them instead of parsing them again, which keeps a node's memory low. Classes
 * left out of the archive would each cost metaspace in every node.
 */
final class CdsTraining {
  private CdsTraining() {}

  static int run() throws Exception {
    Path state = Files.createTempDirectory("hanfs-cds-");
    int remoting = freePort();
    int management = freePort();
    HanfsConfig config = ConfigLoader.parse("""
        hanfs {
          cluster-name = cds
          state-dir = "%s"
          remoting-port = %d
          management { hostname = "127.0.0.1", port = %d }
          # Loopback only, torn down at once: no TLS (its classes load normally in a daemon).
          tls { enabled = false }
          nodes = [
            { name = train, address = "127.0.0.1", roles = [data] },
            { name = witness, address = "127.0.0.2", roles = [witness] },
            { name = absent, address = "127.0.0.3", roles = [data] }
          ]
        }
        """.formatted(state, remoting, management));
    ActorSystem<?> data = start(config, "train", state);
    ActorSystem<?> witness = start(config, "witness", state);
    try {
      io.hanfs.app.jmx.Jmx.register(config, "train", new ControlApi(data));
      PekkoManagement.get(data).start().toCompletableFuture().join();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + management;
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      boolean formed = false;
      while (System.nanoTime() < deadline && !formed) {
        Thread.sleep(300);
        HttpResponse<String> members = get(http, base + "/cluster/members");
        formed = members.statusCode() == 200 && members.body().split("\"Up\"", -1).length - 1 >= 2
            && get(http, base + "/hanfs/cluster").statusCode() == 200;
      }
      List<Class<?>> classes = loadHanfsClasses();
      int loaded = classes.size();
      int serialized = roundTripMessages(data, classes);
      // A few more seconds of heartbeats, gossip and status requests across the two nodes.
      for (int i = 0; i < 10; i++) {
        get(http, base + "/hanfs/status");
        get(http, base + "/hanfs/cluster");
        Thread.sleep(300);
      }
      System.out.println("cds-training: " + (formed ? "two nodes formed a cluster" : "the cluster did not form in time")
          + "; " + loaded + " hanfs classes loaded, " + serialized + " message classes serialized; the JVM writes the archive on exit");
      return formed ? 0 : 1;
    } finally {
      witness.terminate();
      data.terminate();
      witness.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      data.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (java.util.stream.Stream<Path> all = Files.walk(state)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  private static ActorSystem<?> start(HanfsConfig config, String node, Path state) throws IOException {
    Path dir = state.resolve(node);
    CompletableFuture<NodeGuardian.Handles> handles = new CompletableFuture<>();
    ActorSystem<NodeGuardian.Command> system = ActorSystem.create(
        NodeGuardian.create(config, node, new EpochStore(dir.resolve("epochs")), new EpochStore(dir.resolve("voter-epochs")),
            LayerFactory.forConfig(config, new CommandRunner()), handles::complete),
        config.clusterName(), Daemon.systemConfig(config, config.node(node).orElseThrow()));
    NodeGuardian.Handles h = handles.join();
    HanfsExtension.ID.get(system).set(h.agent(), h.leader(), config, null);
    return system;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every class of the hanfs jars, loaded (not initialized): the resource layers a data node runs too. */
  private static List<Class<?>> loadHanfsClasses() throws IOException, URISyntaxException {
    List<Class<?>> loaded = new ArrayList<>();
    ClassLoader loader = CdsTraining.class.getClassLoader();
    for (Path jar : hanfsJars()) {
      try (JarFile file = new JarFile(jar.toFile())) {
        for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
          String name = e.nextElement().getName();
          if (!name.startsWith("io/hanfs/") || !name.endsWith(".class")) continue;
          try {
            loaded.add(Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader));
          } catch (ClassNotFoundException | LinkageError ignored) {
            // a class that cannot load here is simply not archived
          }
        }
      }
    }
    return loaded;
  }

  private static List<Path> hanfsJars() throws URISyntaxException {
    List<Path> jars = new ArrayList<>();
    for (Class<?> c : List.of(CdsTraining.class, CborSerializable.class, EpochStore.class, io.hanfs.sbr.Placement.class)) {
      Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(p) && !jars.contains(p)) jars.add(p);
    }
    return jars;
  }

  /**
   * Serializes and deserializes an empty value of every cluster message class (a CBOR empty map
   * read as the class, then written back): builds Jackson's serializers for each record, as the
   * first real message of that kind would.
   */
  private static int roundTripMessages(ActorSystem<?> system, List<Class<?>> classes) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    byte[] emptyCborMap = {(byte) 0xA0};
    int n = 0;
    for (Class<?> c : classes) {
      if (!CborSerializable.class.isAssignableFrom(c) || !c.isRecord()) continue;
      try {
        Serializer serializer = serialization.serializerFor(c);
        Object value = serialization.deserialize(emptyCborMap, serializer.identifier(), c.getName()).get();
        serialization.serialize(value).get();
        Serializers.manifestFor(serializer, value);
        n++;
      } catch (Exception | LinkageError ignored) {
        // a record that needs real field values (or a type id) still had its serializer built on the way
      }
    }
    return n;
  }
}
