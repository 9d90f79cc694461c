package io.hanfs.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.testkit.LoopbackCluster;
import java.nio.file.Path;
import java.time.Duration;
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
 * Real actor systems in this JVM on 127.0.0.1-3 (d1, d2, w; d1 listed first), each with its
 * JoinCoordinator and no seed nodes: a majority forms one cluster whichever node is missing, and
 * a restarted first node joins it on every start, never forming one of its own.
 */
class JoinCoordinatorTest {
  static final Duration ROUND = Duration.ofMillis(300);
  @TempDir Path dir;
  final ActorTestKit[] kits = new ActorTestKit[3];

  @AfterEach
  void stop() {
    // All at once: one after the other, each waits for the others to see it leave.
    for (ActorTestKit k : kits) if (k != null) k.system().terminate();
    for (ActorTestKit k : kits) if (k != null) ActorTestKit.shutdown(k.system(), Duration.ofSeconds(30), false);
  }

  ActorTestKit start(HanfsConfig config, int i) {
    HanfsConfig.Node n = config.nodes().get(i);
    kits[i] = LoopbackCluster.member(n.address(), config.remotingPort());
    kits[i].spawn(JoinCoordinator.create(config, n.name(), ROUND), JoinCoordinator.NAME);
    return kits[i];
  }

  @Test
  void coldStartWithoutTheFirstNodeThenItJoinsOnEveryRestart() throws Exception {
    HanfsConfig config = LoopbackCluster.config(dir, "");
    start(config, 1);
    start(config, 2);
    awaitMembers(kits[1], Set.of("127.0.0.2", "127.0.0.3"));
    awaitMembers(kits[2], Set.of("127.0.0.2", "127.0.0.3"));
    for (int restart = 0; restart < 3; restart++) {
      ActorTestKit d1 = start(config, 0);
      // A member of the running cluster on this start, as the others see it too.
      awaitMembers(d1, Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
      long uid = Cluster.get(d1.system()).selfMember().uniqueAddress().longUid();
      awaitAssertMember(kits[1], uid);
      d1.shutdownTestKit();
      kits[0] = null;
      awaitMembers(kits[1], Set.of("127.0.0.2", "127.0.0.3"));
    }
  }

  @Test
  void allThreeAtOnceFormOneCluster() throws Exception {
    HanfsConfig config = LoopbackCluster.config(dir, "");
    for (int i = 0; i < 3; i++) start(config, i);
    for (int i = 0; i < 3; i++) awaitMembers(kits[i], Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
  }

  /** Without TLS (a lab on one host) nothing stops a stranger's Join: the guard downs it at once. */
  @Test
  void aMemberWhoseAddressIsNotConfiguredIsDowned() throws Exception {
    HanfsConfig config = LoopbackCluster.config(dir, "");
    start(config, 1).spawn(ForeignMemberGuard.create(config), "foreign-member-guard");
    start(config, 2);
    awaitMembers(kits[1], Set.of("127.0.0.2", "127.0.0.3"));
    ActorTestKit stranger = LoopbackCluster.member("127.0.0.4", config.remotingPort());
    try {
      Cluster.get(stranger.system()).manager().tell(new org.apache.pekko.cluster.typed.Join(Cluster.get(kits[1].system()).selfMember().address()));
      LoopbackCluster.awaitAssert(kits[1], Duration.ofSeconds(30), () -> assertTrue(
          stranger.system().whenTerminated().isCompleted() || Cluster.get(stranger.system()).selfMember().status() == MemberStatus.down(),
          "the stranger was downed: " + Cluster.get(stranger.system()).selfMember()));
      awaitMembers(kits[1], Set.of("127.0.0.2", "127.0.0.3"));
    } finally {
      stranger.shutdownTestKit();
    }
  }

  @Test
  void oneNodeAloneNeverFormsACluster() throws Exception {
    HanfsConfig config = LoopbackCluster.config(dir, "");
    ActorTestKit d1 = start(config, 0);
    TestProbe<ClusterEvent.MemberEvent> members = d1.createTestProbe();
    Cluster.get(d1.system()).subscriptions().tell(Subscribe.create(members.ref(), ClusterEvent.MemberEvent.class));
    members.expectNoMessage(ROUND.multipliedBy(10)); // what is asserted is that nothing happens: no member, not even d1 itself
    assertEquals(MemberStatus.removed(), Cluster.get(d1.system()).selfMember().status());
  }

  static void awaitMembers(ActorTestKit k, Set<String> hosts) {
    LoopbackCluster.awaitMembers(k, hosts);
  }

  static void awaitAssertMember(ActorTestKit k, long uid) {
    LoopbackCluster.awaitAssert(k, LoopbackCluster.FORMATION, () -> assertTrue(java.util.stream.StreamSupport.stream(Cluster.get(k.system()).state().getMembers().spliterator(), false)
        .anyMatch(m -> m.uniqueAddress().longUid() == uid && m.status() == MemberStatus.up()),
        "incarnation " + uid + " is not an up member at " + Cluster.get(k.system()).selfMember().address()));
  }
}
