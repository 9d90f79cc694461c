package io.hanfs.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.testkit.LoopbackCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
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

  /** A guard's call to leave (a test message, never sent between nodes). */
  record Left(String node, String why) implements NoSerializationVerificationNeeded {}

  @AfterEach
  void stop() {
    for (ActorTestKit k : new ActorTestKit[] {d1, d2, w}) if (k != null) k.shutdownTestKit();
  }

  @Test
  void aNodeInAClusterOfItsOwnLeavesAndTheMajorityStays() throws Exception {
    HanfsConfig config = LoopbackCluster.config(dir, "");
    int port = config.remotingPort();
    d2 = LoopbackCluster.member("127.0.0.2", port);
    w = LoopbackCluster.member("127.0.0.3", port);
    d1 = LoopbackCluster.member("127.0.0.1", port);
    LoopbackCluster.join(d2, d2);
    LoopbackCluster.join(w, d2);
    LoopbackCluster.join(d1, d1);
    LoopbackCluster.awaitUp(d2, 2);
    LoopbackCluster.awaitUp(d1, 1);

    TestProbe<Left> left = d1.createTestProbe();
    Duration every = Duration.ofMillis(500);
    d1.spawn(IslandGuard.create(config, "d1", every, why -> left.ref().tell(new Left("d1", why))), IslandGuard.NAME);
    d2.spawn(IslandGuard.create(config, "d2", every, why -> left.ref().tell(new Left("d2", why))), IslandGuard.NAME);
    w.spawn(IslandGuard.create(config, "w", every, why -> left.ref().tell(new Left("w", why))), IslandGuard.NAME);

    Left island = left.receiveMessage(Duration.ofSeconds(30));
    assertEquals("d1", island.node(), "only the island leaves: " + island);
    assertTrue(island.why().contains("cluster of 2 of 3 nodes [d2, w]"), island.why());
    left.expectNoMessage(Duration.ofSeconds(2)); // what is asserted is that the majority's guards do not leave
  }
}
