package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hanfs.app.tls.Certs;
import io.hanfs.app.tls.TlsFiles;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.membership.JoinCoordinator;
import io.hanfs.testkit.LoopbackCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster transport's mutual TLS with real actor systems on 127.0.0.1-4: the configured nodes
 * form a cluster with the certificates hanfs certs made; a daemon with another CA's certificate
 * for d1's own address, and one with the cluster CA's certificate for an address outside the
 * config, never become members.
 */
class ClusterTlsTest {
  @TempDir Path dir;
  final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stop() {
    // A system whose TLS peers come and go can take a while to stop: that is no test failure.
    for (ActorTestKit k : kits) ActorTestKit.shutdown(k.system(), Duration.ofSeconds(30), false);
  }

  HanfsConfig config(int port, Path tlsDir, String extraNode) throws Exception {
    return ConfigLoader.parse(LoopbackCluster.text(dir, """
        remoting-port = %d
        tls { key-file = "%s/node.key", cert-file = "%s/node.crt", ca-file = "%s/ca.crt" }""".formatted(port, tlsDir, tlsDir, tlsDir), extraNode, ""));
  }

  ActorTestKit start(HanfsConfig config, String node, boolean coordinator) {
    HanfsConfig.Node n = config.node(node).orElseThrow();
    Config c = Daemon.transport(config).withFallback(ConfigFactory.parseString("pekko.remote.artery.ssl.rotating-keys-engine.ssl-context-cache-ttl = 1s"));
    ActorTestKit k = ActorTestKit.create("hanfs", c.withFallback(LoopbackCluster.memberConfig(n.address(), config.remotingPort())));
    kits.add(k);
    if (coordinator) k.spawn(JoinCoordinator.create(config, node, Duration.ofMillis(300)), JoinCoordinator.NAME);
    return k;
  }

  @Test
  void onlyNodesWithTheClustersCertificateForTheirAddressJoin() throws Exception {
    int port = freePort();
    HanfsConfig plain = config(port, dir, "");
    Certs.issue(plain, dir.resolve("ca"), plain.nodes(), dir.resolve("nodes"), false, false, Duration.ofDays(2));
    // Another CA (self-made by an intruder) with a certificate for d1's address.
    Certs.issue(plain, dir.resolve("rogue-ca"), List.of(plain.node("d1").get()), dir.resolve("rogue"), true, false, Duration.ofDays(2));
    // The cluster's own CA, for a node the config does not list.
    HanfsConfig four = config(port, dir, ", { name = x, address = \"127.0.0.4\", roles = [data] }");
    Certs.issue(four, dir.resolve("ca"), List.of(four.node("x").get()), dir.resolve("outsider"), true, false, Duration.ofDays(2));

    HanfsConfig d2 = config(port, dir.resolve("nodes/d2"), "");
    assertEquals(List.of(), TlsFiles.problems(d2, d2.node("d2").get()));
    HanfsConfig w = config(port, dir.resolve("nodes/w"), "");
    ActorTestKit k2 = start(d2, "d2", true);
    start(w, "w", true);
    awaitUp(k2, Set.of("127.0.0.2", "127.0.0.3"));

    ActorTestKit rogue = start(config(port, dir.resolve("rogue"), ""), "d1", true);
    HanfsConfig outsiderConfig = config(port, dir.resolve("outsider"), ", { name = x, address = \"127.0.0.4\", roles = [data] }");
    ActorTestKit outsider = start(outsiderConfig, "x", false);
    TestProbe<ClusterEvent.MemberJoined> joined = k2.createTestProbe();
    Cluster.get(k2.system()).subscriptions().tell(Subscribe.create(joined.ref(), ClusterEvent.MemberJoined.class));
    LoopbackCluster.join(outsider, k2);
    LoopbackCluster.join(rogue, k2);
    joined.expectNoMessage(Duration.ofSeconds(5)); // what is asserted is that nothing happens: neither joins
    assertEquals(Set.of("127.0.0.2", "127.0.0.3"), hosts(k2));
    assertEquals(MemberStatus.removed(), Cluster.get(outsider.system()).selfMember().status());
    assertEquals(MemberStatus.removed(), Cluster.get(rogue.system()).selfMember().status());

    kits.remove(rogue);
    rogue.shutdownTestKit();
    ActorTestKit d1 = start(config(port, dir.resolve("nodes/d1"), ""), "d1", true);
    awaitUp(d1, Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
    awaitUp(k2, Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
  }

  /**
   * Certificates are read again from disk without a restart: d2 and w run, then all three nodes
   * get certificates of a new CA (hanfs certs --renew); d1, which trusts only the new CA, can join
   * only if the running nodes now present the new certificates.
   */
  @Test
  void renewedCertificatesAreUsedWithoutARestart() throws Exception {
    int port = freePort();
    HanfsConfig plain = config(port, dir, "");
    Certs.issue(plain, dir.resolve("ca"), plain.nodes(), dir.resolve("nodes"), false, false, Duration.ofDays(2));
    ActorTestKit k2 = start(config(port, dir.resolve("nodes/d2"), ""), "d2", true);
    start(config(port, dir.resolve("nodes/w"), ""), "w", true);
    awaitUp(k2, Set.of("127.0.0.2", "127.0.0.3"));
    Certs.issue(plain, dir.resolve("new-ca"), plain.nodes(), dir.resolve("nodes"), false, true, Duration.ofDays(2));
    ActorTestKit d1 = start(config(port, dir.resolve("nodes/d1"), ""), "d1", true);
    awaitUp(d1, Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
  }

  @Test
  void tlsFilesOpenToOthersOrForAnotherAddressAreRefused() throws Exception {
    HanfsConfig c = config(25520, dir.resolve("nodes/d1"), "");
    Certs.issue(c, dir.resolve("ca"), List.of(c.node("d1").get()), dir.resolve("nodes/d1"), true, false, Duration.ofDays(2));
    assertEquals(List.of(), TlsFiles.problems(c, c.node("d1").get()));
    List<String> other = TlsFiles.problems(c, c.node("d2").get());
    assertTrue(other.size() == 1 && other.get(0).contains("names [") && other.get(0).contains("not this node's address 127.0.0.2"), other.toString());
    Files.setPosixFilePermissions(dir.resolve("nodes/d1/node.key"), PosixFilePermissions.fromString("rw-r--r--"));
    List<String> open = TlsFiles.problems(c, c.node("d1").get());
    assertTrue(open.size() == 1 && open.get(0).startsWith("hanfs.tls.key-file:") && open.get(0).contains("chmod 600"), open.toString());
    Files.delete(dir.resolve("nodes/d1/ca.crt"));
    assertTrue(TlsFiles.problems(c, c.node("d1").get()).stream().anyMatch(p -> p.startsWith("hanfs.tls.ca-file:") && p.contains("is missing")));
  }

  static int freePort() throws java.io.IOException {
    return LoopbackCluster.freePort();
  }

  static Set<String> hosts(ActorTestKit k) {
    return LoopbackCluster.up(k);
  }

  static void awaitUp(ActorTestKit k, Set<String> want) {
    LoopbackCluster.awaitMembers(k, want);
  }
}
