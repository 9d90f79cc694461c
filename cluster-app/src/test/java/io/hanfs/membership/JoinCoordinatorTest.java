package io.hanfs.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.leader.LeaderFenceTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real actor systems in this JVM on 127.0.0.1-3 (d1, d2, w; d1 listed first), each with its
 * JoinCoordinator and no seed nodes: a majority forms one cluster whichever node is missing, and
 * a restarted first node joins it on every start, never forming one of its own.
 */
public class JoinCoordinatorTest {
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
    kits[i] = LeaderFenceTest.member(n.address(), config.remotingPort());
    kits[i].spawn(JoinCoordinator.create(config, n.name(), ROUND), JoinCoordinator.NAME);
    return kits[i];
  }

  @Test
  void coldStartWithoutTheFirstNodeThenItJoinsOnEveryRestart() throws Exception {
    HanfsConfig config = LeaderFenceTest.loopbackCluster(dir, "");
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
    HanfsConfig config = LeaderFenceTest.loopbackCluster(dir, "");
    for (int i = 0; i < 3; i++) start(config, i);
    for (int i = 0; i < 3; i++) awaitMembers(kits[i], Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
  }

  /** Without TLS (a lab on one host) nothing stops a stranger's Join: the guard downs it at once. */
  @Test
  void aMemberWhoseAddressIsNotConfiguredIsDowned() throws Exception {
    HanfsConfig config = LeaderFenceTest.loopbackCluster(dir, "");
    start(config, 1).spawn(ForeignMemberGuard.create(config), "foreign-member-guard");
    start(config, 2);
    awaitMembers(kits[1], Set.of("127.0.0.2", "127.0.0.3"));
    ActorTestKit stranger = LeaderFenceTest.member("127.0.0.4", config.remotingPort());
    try {
      Cluster.get(stranger.system()).manager().tell(new org.apache.pekko.cluster.typed.Join(Cluster.get(kits[1].system()).selfMember().address()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && !stranger.system().whenTerminated().isCompleted()
          && Cluster.get(stranger.system()).selfMember().status() != MemberStatus.down()) Thread.sleep(100);
      assertTrue(stranger.system().whenTerminated().isCompleted() || Cluster.get(stranger.system()).selfMember().status() == MemberStatus.down(),
          "the stranger was downed: " + Cluster.get(stranger.system()).selfMember());
      awaitMembers(kits[1], Set.of("127.0.0.2", "127.0.0.3"));
    } finally {
      stranger.shutdownTestKit();
    }
  }

  @Test
  void oneNodeAloneNeverFormsACluster() throws Exception {
    HanfsConfig config = LeaderFenceTest.loopbackCluster(dir, "");
    ActorTestKit d1 = start(config, 0);
    Thread.sleep(ROUND.multipliedBy(10).toMillis()); // what is asserted is that nothing happens
    assertEquals(MemberStatus.removed(), Cluster.get(d1.system()).selfMember().status());
  }

  /** The hosts of the members that are up, as {@code k}'s node sees them. */
  public static Set<String> up(ActorTestKit k) {
    Set<String> s = new TreeSet<>();
    for (Member m : Cluster.get(k.system()).state().getMembers()) if (m.status() == MemberStatus.up()) s.add(m.address().getHost().orElse("?"));
    return s;
  }

  public static void awaitMembers(ActorTestKit k, Set<String> hosts) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (System.nanoTime() < deadline && !up(k).equals(new TreeSet<>(hosts))) Thread.sleep(100);
    assertEquals(new TreeSet<>(hosts), up(k), "members up as " + Cluster.get(k.system()).selfMember().address() + " sees them");
  }

  static void awaitAssertMember(ActorTestKit k, long uid) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (System.nanoTime() < deadline) {
      for (Member m : Cluster.get(k.system()).state().getMembers()) if (m.uniqueAddress().longUid() == uid && m.status() == MemberStatus.up()) return;
      Thread.sleep(100);
    }
    throw new AssertionError("incarnation " + uid + " is not an up member at " + Cluster.get(k.system()).selfMember().address());
  }
}
