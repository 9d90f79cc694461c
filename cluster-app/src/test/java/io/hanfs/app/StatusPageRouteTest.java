package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.Role;
import io.hanfs.testkit.LoopbackCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET / and GET /hanfs/ui on the real management routes (a Pekko Management server on 127.0.0.1),
 * with doubles for the node agent and the leader: the headers that keep the page inert, no token
 * (it reads), 405 for anything but GET, and the page when the leader does not answer.
 */
class StatusPageRouteTest {
  @TempDir static Path dir;
  static ActorTestKit kit;
  static String url;
  /** What the leader double answers; null: it does not answer. */
  static final AtomicReference<Leader.ClusterStatus> cluster = new AtomicReference<>();
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    int port = LoopbackCluster.freePort();
    String text = LoopbackCluster.text(dir.resolve("state"), "node = d1\ntls.enabled = false\nmanagement { hostname = \"127.0.0.1\", port = " + port + " }", "", "");
    HanfsConfig c = ConfigLoader.parse(text);
    kit = ActorTestKit.create("hanfs", ConfigFactory.parseString("pekko.management.http { hostname = \"127.0.0.1\", port = " + port + " }")
        .withFallback(LoopbackCluster.memberConfig("127.0.0.1", 0)));
    ActorRef<NodeAgent.Command> agent = kit.spawn(Behaviors.receive(NodeAgent.Command.class)
        .onMessage(NodeAgent.GetStatus.class, m -> {
          m.replyTo().tell(StatusPageTest.local("serving", "10.0.0.100/24").orElseThrow());
          return Behaviors.same();
        }).build());
    ActorRef<Leader.Command> leader = kit.spawn(Behaviors.receive(Leader.Command.class)
        .onMessage(Leader.GetClusterStatus.class, m -> {
          Leader.ClusterStatus s = cluster.get();
          if (s != null) m.replyTo().tell(s);
          return Behaviors.same();
        }).build());
    HanfsExtension.ID.get(kit.system()).set(agent, leader, c, ApiToken.ensure(ApiToken.file(c.stateDir())));
    Daemon.startManagement(kit.system(), c);
    url = "http://127.0.0.1:" + port;
    cluster.set(StatusPageTest.cluster(StatusPageTest.resource("home", Optional.of("d1"), Role.PRIMARY, Role.SECONDARY, "active on d1", List.of())));
  }

  @AfterAll
  static void stop() {
    if (kit != null) ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
  }

  static HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bothPathsServeThePageWithoutATokenAndWithHeadersThatKeepItInert() throws Exception {
    for (String path : List.of("/", "/hanfs/ui")) {
      HttpResponse<String> r = send("GET", path);
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse("").toLowerCase(), path);
      assertEquals("default-src 'none'; style-src 'unsafe-inline'", r.headers().firstValue("Content-Security-Policy").orElse(""), path);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
      assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), path);
      assertTrue(r.body().contains("<span class=\"active\" data-node=\"d1\">d1</span>"), r.body());
      assertTrue(r.body().contains("<td>floating-ip</td>"), "the node agent's layers: " + r.body());
    }
  }

  @Test
  void anythingButGetIsRefusedWith405() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "HEAD")) {
      for (String path : List.of("/", "/hanfs/ui")) {
        HttpResponse<String> r = send(method, path);
        assertEquals(405, r.statusCode(), method + " " + path + ": " + r.body());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""), method + " " + path);
        if (!method.equals("HEAD")) assertTrue(r.body().contains("use GET / or GET /hanfs/ui"), r.body());
      }
    }
  }

  @Test
  void theOtherRoutesAreWhereTheyWere() throws Exception {
    assertEquals(200, send("GET", "/hanfs/cluster").statusCode());
    assertEquals(404, send("GET", "/hanfs/nothing").statusCode());
    assertEquals(401, send("POST", "/hanfs/maintenance/on").statusCode(), "a change still needs the token");
  }

  @Test
  void withoutALeaderThePageSaysSo() throws Exception {
    Leader.ClusterStatus before = cluster.getAndSet(null);
    try {
      HttpResponse<String> r = send("GET", "/hanfs/ui");
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("No leader answers"), r.body());
      assertTrue(r.body().contains("<td>floating-ip</td>"), r.body());
    } finally {
      cluster.set(before);
    }
  }
}
