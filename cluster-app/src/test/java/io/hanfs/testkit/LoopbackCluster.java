package io.hanfs.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.japi.function.Effect;

/**
 * The three-node cluster of the multi-system tests in one JVM: d1, d2 (data) and w (witness) on
 * 127.0.0.1-3, sharing one port, each node an actor system of its own; and the waits on its
 * membership.
 */
public final class LoopbackCluster {
  /** Generous: cluster formation on a busy 2-core machine takes seconds. */
  public static final Duration FORMATION = Duration.ofSeconds(40);

  private LoopbackCluster() {}

  /** The config text of the cluster with these settings (e.g. remoting-port, tls), extra nodes and resources. */
  public static String text(Path stateDir, String settings, String extraNodes, String resources) {
    return """
        hanfs {
          state-dir = "%s"
          %s
          nodes = [ { name = d1, address = "127.0.0.1", roles = [data] },
                    { name = d2, address = "127.0.0.2", roles = [data] },
                    { name = w, address = "127.0.0.3", roles = [witness] } %s ]
          resources = [ %s ]
        }
        """.formatted(stateDir, settings, extraNodes, resources);
  }

  /** The cluster on a free port with these resources. */
  public static HanfsConfig config(Path stateDir, String resources) throws Exception {
    return config(stateDir, freePort(), resources);
  }

  /** The same cluster on a given port (another leader's view of a running one). */
  public static HanfsConfig config(Path stateDir, int port, String resources) throws Exception {
    return ConfigLoader.parse(text(stateDir, "remoting-port = " + port, "", resources));
  }

  /** A DRBD resource: drbd{@code n}, resource r{@code n}, fsid n+1, VIP .100+n. */
  public static String drbdResource(String name, int n, String replicationExtra) {
    return """
        {
          name = %1$s
          replication { type = drbd, resource = r%2$d%3$s }
          filesystem { device = "/dev/drbd%2$d", mountpoint = "/srv/nfs/%1$s", fstype = ext4 }
          nfs { server = ganesha, state-dir = "/srv/nfs/%1$s/.nfs-state", grace = 10s, lease = 10s
                exports = [ { path = "/srv/nfs/%1$s", clients = "10.0.0.0/24", options = "rw,sync", fsid = %4$d } ] }
          floating-ip { address = "10.0.0.%5$d/24", interface = eth1 }
        }""".formatted(name, n, replicationExtra.isEmpty() ? "" : ", " + replicationExtra, n + 1, 100 + n);
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** An actor system that may become a cluster member at {@code host:port}. */
  public static ActorTestKit member(String host, int port) {
    return ActorTestKit.create("hanfs", memberConfig(host, port));
  }

  /** The settings of {@link #member}. */
  public static Config memberConfig(String host, int port) {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "%s"
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.jmx.enabled = off
        # Every message goes through its serializer, as between nodes (a Duration in a message,
        # which the configured Jackson modules cannot write, was dropped between real nodes).
        pekko.actor.serialize-messages = on
        """.formatted(host, port)).withFallback(ConfigFactory.load());
  }

  /** {@code k} joins the cluster of {@code seed} (itself: a cluster of its own). */
  public static void join(ActorTestKit k, ActorTestKit seed) {
    Cluster.get(k.system()).manager().tell(Join.create(Cluster.get(seed.system()).selfMember().address()));
  }

  /** The hosts of the members that are up, as {@code k}'s node sees them. */
  public static Set<String> up(ActorTestKit k) {
    Set<String> s = new TreeSet<>();
    for (Member m : Cluster.get(k.system()).state().getMembers()) if (m.status() == MemberStatus.up()) s.add(m.address().getHost().orElse("?"));
    return s;
  }

  /** Waits until exactly these hosts are up as {@code k}'s node sees them. */
  public static void awaitMembers(ActorTestKit k, Set<String> hosts) {
    awaitAssert(k, FORMATION, () -> assertEquals(new TreeSet<>(hosts), up(k), "members up as " + Cluster.get(k.system()).selfMember().address() + " sees them"));
  }

  /** Waits until at least {@code count} members are up as {@code k}'s node sees them. */
  public static void awaitUp(ActorTestKit k, int count) {
    awaitAssert(k, FORMATION, () -> assertTrue(up(k).size() >= count, "no " + count + " members up at " + Cluster.get(k.system()).selfMember().address()));
  }

  /** Pekko's awaitAssert for a check that returns nothing: retried until it passes or {@code max} is over. */
  public static void awaitAssert(ActorTestKit k, Duration max, Effect check) {
    k.createTestProbe().awaitAssert(max, Duration.ofMillis(100), () -> {
      check.apply();
      return null;
    });
  }
}
