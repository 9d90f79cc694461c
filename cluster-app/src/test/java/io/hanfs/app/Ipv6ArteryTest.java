package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.IpLiteral;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;

/**
 * Artery over IPv6 node addresses: the settings the daemon derives (the bare literal as the
 * canonical hostname, which Artery brackets itself) and a two-member cluster on ::1 joined by the
 * bracketed address hanfs builds (JoinCoordinator, the voters, the island guard).
 */
class Ipv6ArteryTest {
  static final String V6 = """
      hanfs {
        node = n1
        tls { enabled = false }
        management { hostname = node-address, https = on }
        nodes = [ { name = n1, address = "fd00:33:0::21", roles = [data] }, { name = n2, address = "fd00:33::22", roles = [data] },
                  { name = w, address = "fd00:33::23", roles = [witness] } ]
        resources = [ {
          name = home
          replication { type = shared }
          filesystem { device = "/dev/sdb1", mountpoint = "/srv/nfs/home" }
          nfs { state-dir = "/srv/nfs/home/.nfs-state", exports = [ { path = "/srv/nfs/home", clients = "*", fsid = 1 } ] }
          floating-ip { address = "fd00:33::100/64", interface = eth1 }
        } ]
      }
      """;

  @Test
  void theDaemonGivesArteryTheBareLiteralAndManagementItsUrl() throws Exception {
    HanfsConfig cfg = ConfigLoader.parse(V6.replace("tls { enabled = false }", "tls { key-file = \"/k\", cert-file = \"/c\", ca-file = \"/a\" }"));
    Config system = Daemon.systemConfig(cfg, cfg.nodes().get(0));
    assertEquals("fd00:33::21", system.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals("fd00:33::21", system.getString("pekko.management.http.hostname"));
    assertEquals(List.of("fd00:33::21", "fd00:33::22", "fd00:33::23"), system.getStringList(io.hanfs.app.tls.NodeTlsProvider.ADDRESSES));
    assertEquals("https://[fd00:33::21]:7626", cfg.management().url(cfg.nodes().get(0)));
  }

  @Test
  void aClusterFormsOverIpv6Loopback() throws Exception {
    ActorSystem<Void> a = system();
    ActorSystem<Void> b = system();
    try {
      Address selfA = Cluster.get(a).selfMember().address();
      assertEquals("[::1]", selfA.getHost().orElseThrow(), "Artery brackets the literal");
      assertEquals("::1", IpLiteral.unbracketed(selfA.getHost().orElseThrow()));
      // As JoinCoordinator.addressOf builds a node's address from its configured one.
      Address seed = new Address("pekko", "hanfs", IpLiteral.uriHost("0:0::1"), selfA.getPort().orElseThrow());
      assertEquals(selfA, seed);
      Cluster.get(a).manager().tell(Join.create(seed));
      Cluster.get(b).manager().tell(Join.create(seed));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && !bothUp(a, b)) Thread.sleep(50);
      assertTrue(bothUp(a, b), "members: " + Cluster.get(b).state().getMembers());
    } finally {
      a.terminate();
      b.terminate();
      a.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      b.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static boolean bothUp(ActorSystem<Void> a, ActorSystem<Void> b) {
    int up = 0;
    for (var m : Cluster.get(b).state().getMembers()) if (m.status() == MemberStatus.up()) up++;
    return up == 2 && Cluster.get(a).selfMember().status() == MemberStatus.up();
  }

  private static ActorSystem<Void> system() {
    Config c = ConfigFactory.empty()
        .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef("::1"))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(0))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()))
        .withValue("pekko.cluster.jmx.multi-mbeans-in-same-jvm", ConfigValueFactory.fromAnyRef("on"))
        .withFallback(ConfigFactory.load());
    return ActorSystem.create(Behaviors.empty(), "hanfs", c);
  }

}
