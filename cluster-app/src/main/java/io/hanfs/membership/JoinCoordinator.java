package io.hanfs.membership;

import io.hanfs.CborSerializable;
import io.hanfs.config.HanfsConfig;
import io.hanfs.sbr.membership.JoinDecision;
import io.hanfs.sbr.membership.JoinProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * How this node becomes a member: it asks every other configured node to let it join (Pekko's
 * join process, which never forms a cluster by itself) and, while it is in no cluster, asks the
 * peers' coordinators every interval whether they are in one and whom they back; it forms a new
 * cluster only when {@link JoinProtocol} says so. It also answers the peers' questions, for as
 * long as the node runs. One per node, at {@code /user/join-coordinator}; the protocol's state
 * and decisions are the pure {@link JoinProtocol}, this actor only sends, times and joins.
 */
public final class JoinCoordinator {
  private JoinCoordinator() {}

  public static final String NAME = "join-coordinator";

  public sealed interface Command extends CborSerializable {}

  /** A peer's question: are you in a cluster, and whom do you back? */
  public record Probe(String node, ActorRef<ProbeAnswer> replyTo) implements Command {}

  /**
   * @param inCluster the answering node is joining or a member of a cluster
   * @param backs the candidate the answering node backs, held for {@code heldMillis} more
   */
  public record ProbeAnswer(String node, boolean inCluster, Set<String> heard, Optional<String> backs, long heldMillis) implements CborSerializable {}

  private record Tick() implements Command, NoSerializationVerificationNeeded {}

  private record Answered(String peer, long sentAt, Optional<ProbeAnswer> answer) implements Command, NoSerializationVerificationNeeded {}

  public static Behavior<Command> create(HanfsConfig config, String self, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new State(ctx, timers, config, self, interval).start()));
  }

  static Address addressOf(HanfsConfig config, HanfsConfig.Node n) {
    return new Address("pekko", config.clusterName(), io.hanfs.config.IpLiteral.uriHost(n.address()), config.remotingPort());
  }

  private static final class State {
    final ActorContext<Command> ctx;
    final TimerScheduler<Command> timers;
    final HanfsConfig config;
    final String self;
    final Duration interval;
    final Cluster cluster;
    final JoinProtocol protocol;
    long lastJoinRequest = System.nanoTime();
    String lastWhy = "";
    boolean formed;

    State(ActorContext<Command> ctx, TimerScheduler<Command> timers, HanfsConfig config, String self, Duration interval) {
      this.ctx = ctx;
      this.timers = timers;
      this.config = config;
      this.self = self;
      this.interval = interval;
      this.cluster = Cluster.get(ctx.getSystem());
      this.protocol = new JoinProtocol(config.nodes().stream().map(HanfsConfig.Node::name).toList(), self, interval, System.nanoTime());
    }

    Behavior<Command> start() {
      List<Address> peers = config.nodes().stream().filter(n -> !n.name().equals(self)).map(n -> addressOf(config, n)).toList();
      // Self is not in the list: this process only ever joins a running cluster.
      if (!peers.isEmpty()) cluster.manager().tell(new JoinSeedNodes(peers));
      if (peers.isEmpty()) form("the only configured node");
      timers.startTimerWithFixedDelay(new Tick(), interval);
      return Behaviors.receive(Command.class)
          .onMessage(Probe.class, this::onProbe)
          .onMessage(Tick.class, t -> onTick())
          .onMessage(Answered.class, this::onAnswered)
          .build();
    }

    boolean inCluster() {
      MemberStatus s = cluster.selfMember().status();
      return formed || s == MemberStatus.joining() || s == MemberStatus.up() || s == MemberStatus.weaklyUp();
    }

    Behavior<Command> onProbe(Probe p) {
      Optional<HanfsConfig.Node> asker = config.node(p.node());
      // Counted only from the node's configured address: a message naming another node counts nothing.
      boolean fromItsAddress = asker.isPresent() && io.hanfs.config.IpLiteral.unbracketed(p.replyTo().path().address().getHost().orElse("")).equals(asker.get().address());
      JoinProtocol.Answer a = protocol.onProbe(p.node(), fromItsAddress, inCluster(), System.nanoTime());
      p.replyTo().tell(new ProbeAnswer(self, a.inCluster(), a.heard(), a.backs(), Duration.ofNanos(a.heldNanos()).toMillis()));
      return Behaviors.same();
    }

    Behavior<Command> onTick() {
      if (inCluster()) return Behaviors.same();
      decide();
      ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
      for (HanfsConfig.Node n : config.nodes()) {
        if (n.name().equals(self)) continue;
        ActorRef<Command> peer = resolver.resolveActorRef(addressOf(config, n) + "/user/" + NAME);
        String name = n.name();
        long sentAt = System.nanoTime();
        ctx.ask(ProbeAnswer.class, peer, interval.multipliedBy(JoinProtocol.FRESH_ROUNDS), replyTo -> new Probe(self, replyTo),
            (a, err) -> new Answered(name, sentAt, Optional.ofNullable(a)));
      }
      return Behaviors.same();
    }

    Behavior<Command> onAnswered(Answered a) {
      if (a.answer().isEmpty()) return Behaviors.same();
      ProbeAnswer p = a.answer().get();
      Set<String> heard = p.heard() == null ? Set.of() : p.heard();
      Optional<String> backs = p.backs() == null ? Optional.empty() : p.backs();
      protocol.onAnswer(a.peer(), new JoinProtocol.Answer(p.node(), p.inCluster(), heard, backs, Duration.ofMillis(Math.max(0, p.heldMillis())).toNanos()),
          a.sentAt(), System.nanoTime());
      return Behaviors.same();
    }

    /** Judges the round that just ended. */
    void decide() {
      JoinDecision.Decision d = protocol.onRound(System.nanoTime());
      if (!d.why().equals(lastWhy)) {
        ctx.getLog().info("joining: {}", d.why());
        lastWhy = d.why();
      }
      if (d instanceof JoinDecision.Form) form(d.why());
      // A cluster runs: ask its members again now rather than at the join process's next retry
      // (a first request can be lost to a connection still being set up); not more often than
      // FRESH rounds, which would cut short a join under way.
      if (d instanceof JoinDecision.JoinRunning j && System.nanoTime() - lastJoinRequest >= interval.multipliedBy(JoinProtocol.FRESH_ROUNDS).toNanos()) {
        lastJoinRequest = System.nanoTime();
        List<Address> via = j.via().stream().map(n -> addressOf(config, config.node(n).orElseThrow())).toList();
        cluster.manager().tell(new JoinSeedNodes(via));
      }
    }

    void form(String why) {
      formed = true;
      timers.cancelAll();
      ctx.getLog().info("forming the cluster: {}", why);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }
}
