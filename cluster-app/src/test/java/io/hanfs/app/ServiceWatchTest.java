package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.app.SystemdNotifier.Notification;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The watch's rules: the watchdog is fed only while the node agent answers; READY once joined and probed. */
class ServiceWatchTest {
  static final ActorTestKit kit = ActorTestKit.create();
  static final Duration ROUND = Duration.ofMillis(200);

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static ResourceStatus resource(String name, Role role) {
    return new ResourceStatus(name, role, 7, "", List.of(), 0, Optional.empty(), "UpToDate", Optional.empty());
  }

  static NodeAgent.NodeStatus node(ResourceStatus... resources) {
    return new NodeAgent.NodeStatus("nfs01", List.of("data"), false, false, List.of(resources));
  }

  /** A node agent that answers GetStatus with {@code status} while {@code answering}, and else says nothing. */
  static ActorRef<NodeAgent.Command> agent(AtomicBoolean answering, AtomicReference<NodeAgent.NodeStatus> status) {
    return kit.spawn(Behaviors.receiveMessage(m -> {
      if (m instanceof NodeAgent.GetStatus g && answering.get()) g.replyTo().tell(status.get());
      return Behaviors.same();
    }));
  }

  /** The next notification of the given kind, skipping the others. */
  static <T extends Notification> T next(TestProbe<Notification> probe, Class<T> kind) {
    return kind.cast(probe.fishForMessage(Duration.ofSeconds(3), n -> kind.isInstance(n)
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0));
  }

  @Test
  void theWatchdogIsFedOnlyWhileTheNodeAgentAnswers() {
    AtomicBoolean answering = new AtomicBoolean(true);
    AtomicReference<NodeAgent.NodeStatus> status = new AtomicReference<>(node(resource("home", Role.SECONDARY)));
    TestProbe<Notification> probe = kit.createTestProbe();
    kit.spawn(ServiceWatch.create(agent(answering, status), Set.of("home"), ROUND, true, false, probe.ref()::tell));
    next(probe, SystemdNotifier.Watchdog.class);
    answering.set(false);
    // The ask in flight may still be answered; after it, silence: no feed for many rounds.
    probe.fishForMessage(Duration.ofSeconds(3), n -> n instanceof SystemdNotifier.Status st && st.text().contains("did not answer")
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    List<Notification> during = probe.receiveSeveralMessages(0, ROUND.multipliedBy(6));
    assertTrue(during.stream().noneMatch(n -> n instanceof SystemdNotifier.Watchdog), during.toString());
    answering.set(true);
    next(probe, SystemdNotifier.Watchdog.class);
  }

  @Test
  void readyOnceJoinedAndEveryResourceProbed() {
    AtomicBoolean answering = new AtomicBoolean(true);
    AtomicReference<NodeAgent.NodeStatus> status = new AtomicReference<>(node(resource("home", Role.PROBING)));
    TestProbe<Notification> probe = kit.createTestProbe();
    ActorRef<ServiceWatch.Command> watch = kit.spawn(ServiceWatch.create(agent(answering, status), Set.of("home", "data"), ROUND, false, false, probe.ref()::tell));
    // Not a member yet: still starting, and alive, so the start timeout is extended; no watchdog without WatchdogSec.
    assertEquals(new SystemdNotifier.Status("nfs01 joining the cluster; home probing (epoch 7)"), next(probe, SystemdNotifier.Status.class));
    assertEquals(new SystemdNotifier.ExtendTimeout(ROUND.multipliedBy(3)), next(probe, SystemdNotifier.ExtendTimeout.class));
    watch.tell(new ServiceWatch.Joined());
    // A member, but one resource probing and one not reported yet: not ready.
    List<Notification> notYet = probe.receiveSeveralMessages(0, ROUND.multipliedBy(3));
    assertFalse(notYet.stream().anyMatch(n -> n instanceof SystemdNotifier.Ready || n instanceof SystemdNotifier.Watchdog), notYet.toString());
    status.set(node(resource("home", Role.PRIMARY), resource("data", Role.PROBING)));
    until(probe, new SystemdNotifier.Status("nfs01 member; home primary (epoch 7); data probing (epoch 7)"));
    assertEquals(new SystemdNotifier.ExtendTimeout(ROUND.multipliedBy(3)), probe.receiveMessage());
    status.set(node(resource("home", Role.PRIMARY), resource("data", Role.SECONDARY)));
    until(probe, new SystemdNotifier.Status("nfs01 member; home primary (epoch 7); data secondary (epoch 7)"));
    assertEquals(new SystemdNotifier.Ready(), probe.receiveMessage());
    // Once: later rounds neither repeat READY nor extend the start timeout.
    List<Notification> after = probe.receiveSeveralMessages(0, ROUND.multipliedBy(3));
    assertTrue(after.isEmpty(), after.toString());
  }

  static void until(TestProbe<Notification> probe, Notification expected) {
    probe.fishForMessage(Duration.ofSeconds(3), n -> n.equals(expected)
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
  }

  @Test
  void statusLinesAndProbedAsPureRules() {
    assertEquals("arbiter member; no resources",
        ServiceWatch.statusLine(true, new NodeAgent.NodeStatus("arbiter", List.of("witness"), false, false, List.of())));
    assertEquals("nfs01 member; home secondary (epoch 7); maintenance; standby",
        ServiceWatch.statusLine(true, new NodeAgent.NodeStatus("nfs01", List.of("data"), true, true, List.of(resource("home", Role.SECONDARY)))));
    assertTrue(ServiceWatch.probed(Set.of(), node()));
    assertTrue(ServiceWatch.probed(Set.of("home"), node(resource("home", Role.START_FAILED))));
    assertFalse(ServiceWatch.probed(Set.of("home"), node(resource("home", Role.PROBING))));
    assertFalse(ServiceWatch.probed(Set.of("home", "data"), node(resource("home", Role.PRIMARY))));
  }
}
