package io.hanfs.app;

import io.hanfs.app.SystemdNotifier.Notification;
import io.hanfs.config.HanfsConfig;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The daemon as systemd sees it (hanfs.service, Type=notify): every round it asks the NodeAgent
 * for its status within the round, and only an answer feeds the watchdog, so a hung actor system
 * or a stuck node agent lets systemd's watchdog fire. READY=1 once the node is a cluster member
 * and every resource was probed; until then each answer extends the start timeout (joining waits
 * for a majority as long as it takes). A STATUS= line whenever the node's state changes.
 */
public final class ServiceWatch {
  private ServiceWatch() {}

  sealed interface Command {}

  /** This node is Up in the cluster (the cluster's SelfUp). */
  record Joined() implements Command {}

  private record Round() implements Command {}

  private record Answered(NodeAgent.NodeStatus status) implements Command {}

  private record Silent() implements Command {}

  /** Spawns the watch when systemd started the daemon with a notify socket; otherwise does nothing. */
  static void start(ActorSystem<?> system, ActorRef<NodeAgent.Command> agent, HanfsConfig config, String nodeName) throws java.io.IOException {
    Map<String, String> env = System.getenv();
    Optional<SystemdNotifier> notifier = SystemdNotifier.fromEnvironment(env);
    if (notifier.isEmpty()) return;
    Optional<Duration> watchdog = SystemdNotifier.watchdogTimeout(env, ProcessHandle.current().pid());
    // Half the timeout, as sd_watchdog_enabled(3) advises: one late round is not yet a hang.
    Duration round = watchdog.map(t -> t.dividedBy(2)).orElse(Duration.ofSeconds(5));
    Consumer<Notification> send = m -> {
      try {
        notifier.get().send(m);
      } catch (java.io.IOException e) {
        system.log().warn("cannot notify systemd ({}): {}", m.line(), e.toString());
      }
    };
    boolean data = config.node(nodeName).map(HanfsConfig.Node::isData).orElse(false);
    Set<String> resources = data ? config.resources().stream().map(HanfsConfig.Resource::name).collect(Collectors.toSet()) : Set.of();
    system.systemActorOf(create(agent, resources, round, watchdog.isPresent(), true, send), "systemd", Props.empty());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "hanfs-systemd-stopping", () -> {
      send.accept(new SystemdNotifier.Stopping());
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  /**
   * @param resources the resources this node runs (READY waits for each one's probe)
   * @param round how often to ask the node agent, and how long it has to answer
   * @param watchCluster subscribe to this node's SelfUp (a test sends {@link Joined} itself)
   */
  static Behavior<Command> create(ActorRef<NodeAgent.Command> agent, Set<String> resources, Duration round, boolean feedWatchdog,
      boolean watchCluster, Consumer<Notification> notify) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      if (watchCluster) {
        ActorRef<SelfUp> up = ctx.messageAdapter(SelfUp.class, s -> new Joined());
        Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(up, SelfUp.class));
      }
      timers.startTimerWithFixedDelay(new Round(), round);
      ctx.getSelf().tell(new Round());
      return new ServiceWatch.State(agent, resources, round, feedWatchdog, notify).behavior(ctx);
    }));
  }

  /** READY's condition: every resource of this node reported, none still probing. */
  static boolean probed(Set<String> resources, NodeAgent.NodeStatus s) {
    Map<String, Role> roles = s.resources().stream().collect(Collectors.toMap(ResourceStatus::name, ResourceStatus::role, (a, b) -> b));
    return resources.stream().allMatch(r -> roles.containsKey(r) && roles.get(r) != Role.PROBING && roles.get(r) != Role.UNKNOWN);
  }

  /** The STATUS= line: e.g. {@code nfs01 member; home primary (epoch 7); standby}. */
  static String statusLine(boolean joined, NodeAgent.NodeStatus s) {
    StringBuilder b = new StringBuilder(s.node()).append(joined ? " member" : " joining the cluster");
    if (s.resources().isEmpty()) b.append("; no resources");
    for (ResourceStatus r : s.resources()) {
      b.append("; ").append(r.name()).append(' ').append(r.role().display());
      if (r.epoch() > 0) b.append(" (epoch ").append(r.epoch()).append(')');
    }
    if (s.maintenance()) b.append("; maintenance");
    if (s.standby()) b.append("; standby");
    return b.toString();
  }

  private static final class State {
    private final ActorRef<NodeAgent.Command> agent;
    private final Set<String> resources;
    private final Duration round;
    private final boolean feedWatchdog;
    private final Consumer<Notification> notify;
    private boolean joined;
    private boolean ready;
    private String lastStatus = "";

    State(ActorRef<NodeAgent.Command> agent, Set<String> resources, Duration round, boolean feedWatchdog, Consumer<Notification> notify) {
      this.agent = agent;
      this.resources = resources;
      this.round = round;
      this.feedWatchdog = feedWatchdog;
      this.notify = notify;
    }

    Behavior<Command> behavior(org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx) {
      return Behaviors.receive(Command.class)
          .onMessage(Round.class, r -> {
            ctx.ask(NodeAgent.NodeStatus.class, agent, round, NodeAgent.GetStatus::new,
                (status, err) -> status != null ? new Answered(status) : new Silent());
            return Behaviors.same();
          })
          .onMessage(Joined.class, j -> {
            joined = true;
            return Behaviors.same();
          })
          .onMessage(Answered.class, a -> {
            if (feedWatchdog) notify.accept(new SystemdNotifier.Watchdog());
            status(statusLine(joined, a.status()));
            if (!ready && joined && probed(resources, a.status())) {
              ready = true;
              notify.accept(new SystemdNotifier.Ready());
            } else if (!ready) {
              // Up to three rounds more: a start that stops answering times out as a hang would.
              notify.accept(new SystemdNotifier.ExtendTimeout(round.multipliedBy(3)));
            }
            return Behaviors.same();
          })
          .onMessage(Silent.class, s -> {
            String line = "the node agent did not answer within " + round.toMillis() + " ms; watchdog not fed";
            if (!line.equals(lastStatus)) ctx.getLog().warn(line);
            status(line);
            return Behaviors.same();
          })
          .build();
    }

    private void status(String line) {
      if (line.equals(lastStatus)) return;
      lastStatus = line;
      notify.accept(new SystemdNotifier.Status(line));
    }
  }
}
