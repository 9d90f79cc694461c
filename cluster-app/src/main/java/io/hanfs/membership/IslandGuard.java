package io.hanfs.membership;

import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.sbr.IslandVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Finds out when this node formed a cluster of its own beside the real one (see
 * {@link IslandVerdict}) and then has it leave, so that the service manager starts it again and
 * it joins the running cluster. While this node's cluster lacks a majority of the configured
 * nodes, it asks every peer's guard which incarnations are members of the peer's cluster; two
 * rounds in a row that say "leave" run {@code onIsland}. Each node runs one, at
 * {@code /user/island-guard}, which also answers the peers' questions.
 */
public final class IslandGuard {
  private IslandGuard() {}

  public static final String NAME = "island-guard";

  public sealed interface Command extends CborSerializable {}

  /** A peer's question: which incarnations are members of your cluster? */
  public record GetMembers(ActorRef<Members> replyTo) implements Command {}

  public record Members(String node, List<Incarnation> members) implements CborSerializable {}

  /** A member of a cluster: node name and actor-system uid. */
  public record Incarnation(String node, long uid) implements CborSerializable {}

  /** Why the actor system stopped: it left a cluster of its own (the daemon exits 3, the service manager starts it again). */
  public enum LeftIsland implements org.apache.pekko.actor.CoordinatedShutdown.Reason {
    INSTANCE;

    @Override
    public String toString() {
      return "it left a cluster of its own, to join the running one when started again";
    }
  }

  private record Check() implements Command, NoSerializationVerificationNeeded {}

  private record Answered(int round, Optional<Members> members) implements Command, NoSerializationVerificationNeeded {}

  public static Behavior<Command> create(HanfsConfig config, String self, Duration interval, Consumer<String> onIsland) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Check(), interval);
      return new IslandGuard.State(ctx, config, self, interval, onIsland).behavior();
    }));
  }

  private static final class State {
    final ActorContext<Command> ctx;
    final HanfsConfig config;
    final String self;
    final Duration interval;
    final Consumer<String> onIsland;
    final Cluster cluster;
    int round;
    final List<IslandVerdict.PeerView> views = new ArrayList<>();
    /** Rounds in a row that ended in "leave"; a round without it starts the count again. */
    int leaveRounds;
    boolean leaveThisRound;
    long firstLeaveAt;
    boolean done;

    State(ActorContext<Command> ctx, HanfsConfig config, String self, Duration interval, Consumer<String> onIsland) {
      this.ctx = ctx;
      this.config = config;
      this.self = self;
      this.interval = interval;
      this.onIsland = onIsland;
      this.cluster = Cluster.get(ctx.getSystem());
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(GetMembers.class, g -> {
            g.replyTo().tell(new Members(self, members().stream().map(i -> new Incarnation(i.node(), i.uid())).toList()));
            return Behaviors.same();
          })
          .onMessage(Check.class, c -> onCheck())
          .onMessage(Answered.class, this::onAnswered)
          .build();
    }

    /** The configured nodes that are members of this node's cluster; not Down, not Removed. */
    Set<IslandVerdict.Incarnation> members() {
      Set<IslandVerdict.Incarnation> out = new HashSet<>();
      for (Member m : cluster.state().getMembers()) {
        if (m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()) continue;
        nodeOf(m).ifPresent(n -> out.add(new IslandVerdict.Incarnation(n, m.uniqueAddress().longUid())));
      }
      return out;
    }

    Optional<String> nodeOf(Member m) {
      String host = io.hanfs.config.IpLiteral.unbracketed(m.address().getHost().orElse(""));
      int port = m.address().getPort().orElse(-1);
      return config.nodes().stream().filter(n -> n.address().equals(host) && port == config.remotingPort())
          .map(HanfsConfig.Node::name).findFirst();
    }

    IslandVerdict.Incarnation me() {
      return new IslandVerdict.Incarnation(self, cluster.selfMember().uniqueAddress().longUid());
    }

    Behavior<Command> onCheck() {
      if (done) return Behaviors.same();
      // Not a member yet (the join is still under way): Pekko's seed process decides, not this guard.
      MemberStatus status = cluster.selfMember().status();
      if (status != MemberStatus.up() && status != MemberStatus.weaklyUp()) return Behaviors.same();
      Set<String> configured = config.nodes().stream().map(HanfsConfig.Node::name).collect(Collectors.toSet());
      if (!leaveThisRound) leaveRounds = 0;
      leaveThisRound = false;
      if (members().stream().map(IslandVerdict.Incarnation::node).distinct().count() >= configured.size() / 2 + 1) return Behaviors.same();
      round++;
      views.clear();
      ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
      for (HanfsConfig.Node n : config.nodes()) {
        if (n.name().equals(self)) continue;
        ActorRef<Command> peer = resolver.resolveActorRef(
            "pekko://" + config.clusterName() + "@" + io.hanfs.config.IpLiteral.hostPort(n.address(), config.remotingPort()) + "/user/" + NAME);
        int r = round;
        ctx.ask(Members.class, peer, interval, GetMembers::new, (m, err) -> new Answered(r, Optional.ofNullable(m)));
      }
      return Behaviors.same();
    }

    Behavior<Command> onAnswered(Answered a) {
      if (done || a.round() != round || leaveThisRound || a.members().isEmpty()) return Behaviors.same();
      Members m = a.members().get();
      views.add(new IslandVerdict.PeerView(m.node(), m.members().stream()
          .map(i -> new IslandVerdict.Incarnation(i.node(), i.uid())).collect(Collectors.toSet())));
      Set<String> configured = config.nodes().stream().map(HanfsConfig.Node::name).collect(Collectors.toSet());
      IslandVerdict.Verdict v = IslandVerdict.decide(configured, me(), members(), views);
      if (!(v instanceof IslandVerdict.Leave leave)) return Behaviors.same();
      // One answer per round is enough to know. It must hold for two rounds in a row, at least one
      // interval apart, so that a join still in flight is not taken for an island.
      leaveThisRound = true;
      if (leaveRounds++ == 0) firstLeaveAt = System.nanoTime();
      if (leaveRounds < 2 || System.nanoTime() - firstLeaveAt < interval.toNanos()) {
        if (leaveRounds == 1) ctx.getLog().warn("this node may be in a cluster of its own: {}", leave.why());
        return Behaviors.same();
      }
      done = true;
      ctx.getLog().error("this node is in a cluster of its own: {}", leave.why());
      onIsland.accept(leave.why());
      return Behaviors.same();
    }
  }
}
