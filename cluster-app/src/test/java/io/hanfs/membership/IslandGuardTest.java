package io.hanfs.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.leader.LeaderFenceTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real actor systems in this JVM on 127.0.0.1-3 (d1, d2, w), one port. d2 and w form the
 * cluster; d1 joins only itself, as Pekko's first seed does when its peers answer too late: a
 * cluster of its own. d1's guard must find out from the peers' guards and have d1 leave; the
 * guards of the majority must not.
 */
class IslandGuardTest {
  @TempDir Path dir;
  ActorTestKit d1;
  ActorTestKit d2;
  ActorTestKit w;

  @AfterEach
  void stop() {
    for (ActorTestKit k : new ActorTestKit[] {d1, d2, w}) if (k != null) k.shutdownTestKit();
  }

  @Test
  void aNodeInAClusterOfItsOwnLeavesAndTheMajorityStays() throws Exception {
    HanfsConfig config = LeaderFenceTest.loopbackCluster(dir, "");
    int port = config.remotingPort();
    d2 = LeaderFenceTest.member("127.0.0.2", port);
    w = LeaderFenceTest.member("127.0.0.3", port);
    d1 = LeaderFenceTest.member("127.0.0.1", port);
    Cluster c2 = Cluster.get(d2.system());
    c2.manager().tell(Join.create(c2.selfMember().address()));
    Cluster.get(w.system()).manager().tell(Join.create(c2.selfMember().address()));
    Cluster c1 = Cluster.get(d1.system());
    c1.manager().tell(Join.create(c1.selfMember().address()));
    awaitUp(c2, 2);
    awaitUp(c1, 1);

    Map<String, String> left = new ConcurrentHashMap<>();
    Duration every = Duration.ofMillis(500);
    d1.spawn(IslandGuard.create(config, "d1", every, why -> left.put("d1", why)), IslandGuard.NAME);
    d2.spawn(IslandGuard.create(config, "d2", every, why -> left.put("d2", why)), IslandGuard.NAME);
    w.spawn(IslandGuard.create(config, "w", every, why -> left.put("w", why)), IslandGuard.NAME);

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !left.containsKey("d1")) Thread.sleep(100);
    assertTrue(left.containsKey("d1"), "d1's guard found no island: " + left);
    assertTrue(left.get("d1").contains("cluster of 2 of 3 nodes [d2, w]"), left.get("d1"));
    Thread.sleep(2000);
    assertEquals(List.of("d1"), List.copyOf(left.keySet()), "only the island leaves: " + left);
  }

  static void awaitUp(Cluster c, int members) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      long up = 0;
      for (var m : c.state().getMembers()) if (m.status() == MemberStatus.up()) up++;
      if (up >= members) return;
      Thread.sleep(100);
    }
    throw new AssertionError("no " + members + " members up at " + c.selfMember().address());
  }
}
