package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.HanfsConfig;
import io.hanfs.testkit.LoopbackCluster;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.Member$;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.util.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the leader's model calls a member: a running saga waits for a member the failure detector
 * cannot reach (until the resolver downs it), and is given up only for a node that left.
 */
class ClusterModelTest {
  @TempDir Path dir;

  private static Member joining(HanfsConfig config, String host) {
    UniqueAddress at = new UniqueAddress(new Address("pekko", "hanfs", host, config.remotingPort()), 1L);
    return Member$.MODULE$.apply(at, scala.collection.immutable.Set$.MODULE$.<String>empty(), Version.Zero());
  }

  @Test
  void anUnreachableMemberIsStillAMemberUntilItIsDownedOrRemoved() throws Exception {
    HanfsConfig config = LoopbackCluster.config(dir, LoopbackCluster.drbdResource("home", 0, ""));
    ClusterModel model = new ClusterModel(config);
    Member d1 = joining(config, "127.0.0.1");
    assertFalse(model.member("d1"), "never seen");
    model.membership(new ClusterEvent.MemberJoined(d1));
    assertFalse(model.member("d1"), "joining is not up yet");
    Member up = d1.copyUp(1);
    model.membership(new ClusterEvent.MemberUp(up));
    assertTrue(model.member("d1"));
    assertFalse(model.member("d2"), "another node");

    Optional<Address> cut = model.membership(new ClusterEvent.UnreachableMember(up));
    assertEquals(Optional.of(up.address()), cut);
    assertTrue(model.member("d1"), "unreachable: still a member");
    assertFalse(model.reachable("d1", System.nanoTime()), "but not reachable");
    model.membership(new ClusterEvent.ReachableMember(up));
    assertTrue(model.member("d1"));

    model.membership(new ClusterEvent.UnreachableMember(up));
    Member downed = up.copy(MemberStatus.down());
    model.membership(new ClusterEvent.MemberDowned(downed));
    assertFalse(model.member("d1"), "downed by the resolver: gone");
    model.membership(new ClusterEvent.MemberRemoved(downed.copy(MemberStatus.removed()), MemberStatus.down()));
    assertFalse(model.member("d1"), "removed");
  }

  @Test
  void aLeavingNodeIsNoLongerAMember() throws Exception {
    HanfsConfig config = LoopbackCluster.config(dir, LoopbackCluster.drbdResource("home", 0, ""));
    ClusterModel model = new ClusterModel(config);
    Member up = joining(config, "127.0.0.2").copyUp(2);
    model.membership(new ClusterEvent.MemberUp(up));
    assertTrue(model.member("d2"));
    model.membership(new ClusterEvent.MemberLeft(up.copy(MemberStatus.leaving())));
    assertFalse(model.member("d2"));
  }
}
