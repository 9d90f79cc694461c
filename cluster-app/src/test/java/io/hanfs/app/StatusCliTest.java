package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import io.hanfs.testkit.LoopbackCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the real management routes (HanfsRoutes on a Pekko Management server on
 * 127.0.0.1), with test doubles for the node agent and the cluster leader behind them: they
 * answer the status the test sets, and a switchover by stepping the roles the way the leader
 * does, then answering.
 */
class StatusCliTest {
  @TempDir static Path dir;
  static ActorTestKit kit;
  static String url;
  static Path conf;
  static final AtomicReference<Leader.ClusterStatus> cluster = new AtomicReference<>();

  static Leader.MemberView member(String node, boolean reachable) {
    return new Leader.MemberView(node, "127.0.0.1", "up", reachable, List.of(node.equals("w") ? "witness" : "data"), false, false, 100);
  }

  static Leader.ResourceView home(Optional<String> active, Role d1, Role d2, Optional<String> transition) {
    Map<String, Role> roles = new LinkedHashMap<>();
    roles.put("d1", d1);
    roles.put("d2", d2);
    return new Leader.ResourceView("home", active, 7, roles, transition, "none yet", active, 9000, Map.of(), List.of());
  }

  static Leader.ClusterStatus healthy() {
    return new Leader.ClusterStatus("d1", false, true, List.of(member("d1", true), member("d2", true), member("w", true)),
        List.of(home(Optional.of("d1"), Role.PRIMARY, Role.SECONDARY, Optional.empty())));
  }


  @BeforeAll
  static void start() throws Exception {
    int port = LoopbackCluster.freePort();
    String text = LoopbackCluster.text(dir.resolve("state"), "node = d1\ntls.enabled = false\nmanagement { hostname = \"127.0.0.1\", port = " + port + " }", "", "");
    conf = dir.resolve("hanfs.conf");
    Files.writeString(conf, text);
    HanfsConfig c = ConfigLoader.parse(text);
    kit = ActorTestKit.create("hanfs", ConfigFactory.parseString("pekko.management.http { hostname = \"127.0.0.1\", port = " + port + " }")
        .withFallback(LoopbackCluster.memberConfig("127.0.0.1", 0)));
    ActorRef<NodeAgent.Command> agent = kit.spawn(Behaviors.receive(NodeAgent.Command.class)
        .onMessage(NodeAgent.GetStatus.class, m -> {
          m.replyTo().tell(new NodeAgent.NodeStatus("d1", List.of("data"), false, false, List.of(new ResourceStatus("home", Role.PRIMARY, 7, "serving",
              List.of(new ResourceStatus.LayerStatus("floating-ip", "up", "127.0.0.100/32")), 0, Optional.empty(), "UpToDate", Optional.empty()))));
          return Behaviors.same();
        }).build());
    ActorRef<Leader.Command> leader = kit.spawn(Behaviors.receive(Leader.Command.class)
        .onMessage(Leader.GetClusterStatus.class, m -> {
          m.replyTo().tell(cluster.get());
          served.release();
          return Behaviors.same();
        })
        .onMessage(Leader.Switchover.class, m -> {
          if (m.resource().equals("home")) switchHome(m.replyTo());
          return Behaviors.same();
        }).build());
    String token = ApiToken.ensure(ApiToken.file(c.stateDir()));
    HanfsExtension.ID.get(kit.system()).set(agent, leader, c, token);
    Daemon.startManagement(kit.system(), c);
    url = "http://127.0.0.1:" + port;
    ManagementClient.pollInterval = Duration.ofMillis(100);
  }

  /** One permit per cluster status served: what the switchover double waits on. */
  static final java.util.concurrent.Semaphore served = new java.util.concurrent.Semaphore(0);

  /** Demote on d1, promote on d2, each step held until the CLI has polled it twice; then the answer. */
  static void switchHome(ActorRef<Leader.ControlReply> replyTo) {
    List<Leader.ResourceView> steps = List.of(
        home(Optional.empty(), Role.DEMOTING, Role.SECONDARY, Optional.of("switchover to d2")),
        home(Optional.empty(), Role.SECONDARY, Role.PROMOTING, Optional.of("switchover to d2")),
        home(Optional.of("d2"), Role.SECONDARY, Role.PRIMARY, Optional.empty()));
    CompletableFuture.runAsync(() -> {
      for (Leader.ResourceView step : steps) {
        Leader.ClusterStatus now = cluster.get();
        served.drainPermits();
        cluster.set(new Leader.ClusterStatus(now.leaderNode(), now.maintenance(), now.coldStartDone(), now.members(), List.of(step)));
        try {
          // A condition, not a pause: the step stands until the CLI has read it (twice, so a read in flight does not count).
          if (!served.tryAcquire(2, 60, TimeUnit.SECONDS)) throw new IllegalStateException("the CLI never polled step " + step);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      replyTo.tell(Leader.ControlReply.done("home is active on d2"));
    }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
  }

  @AfterAll
  static void stop() {
    ManagementClient.pollInterval = Duration.ofSeconds(1);
    if (kit != null) ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
  }

  @BeforeEach
  void healthyCluster() {
    cluster.set(healthy());
  }

  static MainTest.Run hanfs(String... args) {
    List<String> a = new java.util.ArrayList<>(List.of(args));
    a.addAll(List.of("--url", url, "-c", conf.toString()));
    return MainTest.hanfs(a.toArray(String[]::new));
  }

  @Test
  void statusJsonCarriesThisNodeAndTheClusterView() throws Exception {
    for (String[] args : new String[][] {{"status", "-o", "json"}, {"status", "--json"}}) {
      MainTest.Run r = hanfs(args);
      assertEquals(0, r.code(), r.err());
      JsonNode s = Json.MAPPER.readTree(r.out());
      assertEquals("d1", s.path("node").asText(), "this node's status stays at the top, as before");
      assertEquals("primary", s.path("resources").path(0).path("role").asText());
      assertEquals("d1", s.path("cluster").path("leaderNode").asText());
      assertEquals("d1", s.path("cluster").path("resources").path(0).path("activeNode").asText());
      assertEquals(3, s.path("cluster").path("members").size());
    }
  }

  @Test
  void statusTableShowsTheClusterThenThisNode() {
    MainTest.Run r = hanfs("status");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("cluster: leader on d1\n"), r.out());
    assertTrue(r.out().contains("resource home       active on d1"), r.out());
    assertTrue(r.out().contains("node d1 (data)"), r.out());
  }

  @Test
  void checkExitsWithTheMonitorsCodes() {
    MainTest.Run ok = hanfs("status", "--check");
    assertEquals(0, ok.code(), ok.err());
    assertEquals("HANFS OK: 1 resource(s) active, 3 member(s) up\n", ok.out());

    Leader.ClusterStatus h = healthy();
    cluster.set(new Leader.ClusterStatus("d1", false, true, List.of(member("d1", true), member("d2", false), member("w", true)), h.resources()));
    MainTest.Run degraded = hanfs("status", "-s");
    assertEquals(1, degraded.code());
    assertEquals("HANFS DEGRADED: member d2 unreachable\n", degraded.out());

    cluster.set(new Leader.ClusterStatus("d1", false, true, h.members(),
        List.of(home(Optional.empty(), Role.STOP_FAILED, Role.SECONDARY, Optional.empty()))));
    MainTest.Run down = hanfs("status", "-s");
    assertEquals(2, down.code());
    assertEquals("HANFS DOWN: home active nowhere; home on d1: stop-failed\n", down.out());

    MainTest.Run none = MainTest.hanfs("status", "-s", "--url", "http://127.0.0.1:1");
    assertEquals(3, none.code());
    assertTrue(none.out().startsWith("HANFS UNKNOWN: cannot reach the hanfs daemon at http://127.0.0.1:1"), none.out());
  }

  @Test
  void watchRedrawsUntilItsCount() {
    MainTest.Run r = hanfs("status", "--watch", "--interval", "0.05", "--count", "3");
    assertEquals(0, r.code(), r.err());
    assertEquals(3, r.out().lines().filter(l -> l.startsWith("every 0.05 s: hanfs status")).count(), r.out());
    assertEquals(3, r.out().lines().filter(l -> l.startsWith("cluster: leader on d1")).count(), r.out());
    assertEquals(2, hanfs("status", "--watch", "--interval", "0").code(), "a zero interval is a usage error");
  }

  @Test
  void switchoverPrintsEachRoleChangeWhileItWaits() {
    MainTest.Run r = hanfs("switchover", "home", "--to", "d2");
    assertEquals(0, r.code(), r.err());
    assertEquals("switchover home: home is active on d2\n", r.out());
    List<String> progress = r.err().lines().map(String::strip).map(l -> l.replaceFirst("^[0-9.]+ s\\s+", "")).toList();
    for (String change : List.of("d1: primary -> demoting", "transition: none -> switchover to d2", "d1: demoting -> secondary",
        "d2: secondary -> promoting", "d2: promoting -> primary", "transition: switchover to d2 -> none")) {
      assertTrue(progress.contains(change), change + " in\n" + r.err());
    }
    assertTrue(progress.indexOf("d1: primary -> demoting") < progress.indexOf("d2: promoting -> primary"), r.err());
  }

  @Test
  void aTimeoutIsNotAnUnreachableDaemon() {
    MainTest.Run r = hanfs("switchover", "slow", "--timeout", "1");
    assertEquals(4, r.code(), r.err());
    assertTrue(r.err().contains("no answer within 1 s; the operation may still be running: see hanfs status"), r.err());
    assertTrue(!r.err().contains("cannot reach"), r.err());
  }
}
