package io.hanfs.membership;

import io.hanfs.config.HanfsConfig;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Downs at once any member whose address is not a configured node's (host and remoting port).
 * The transport's TLS already refuses peers whose certificate names no configured address; this
 * is the second wall, for a stolen node key used from elsewhere and for clusters run without TLS.
 */
public final class ForeignMemberGuard {
  private ForeignMemberGuard() {}

  public static Behavior<ClusterEvent.MemberEvent> create(HanfsConfig config) {
    Set<String> allowed = config.nodes().stream().map(n -> io.hanfs.config.IpLiteral.hostPort(n.address(), config.remotingPort())).collect(Collectors.toSet());
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberEvent.class));
      return Behaviors.receiveMessage(e -> {
        Member m = e.member();
        Address a = m.address();
        String hostPort = io.hanfs.config.IpLiteral.hostPort(io.hanfs.config.IpLiteral.unbracketed(a.getHost().orElse("")), a.getPort().orElse(-1));
        boolean gone = e instanceof ClusterEvent.MemberRemoved || e instanceof ClusterEvent.MemberDowned || e instanceof ClusterEvent.MemberExited;
        if (!gone && !allowed.contains(hostPort)) {
          ctx.getLog().error("member {} is not a configured node (hanfs.nodes): downing it", a);
          cluster.manager().tell(new Down(a));
        }
        return Behaviors.same();
      });
    });
  }
}
