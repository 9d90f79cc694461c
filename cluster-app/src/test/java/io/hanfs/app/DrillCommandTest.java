package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole drill through the command line against a stand-in for the management endpoint: a
 * cluster of d1 and d2 whose switchover moves the resource at once and records the history a
 * real one would; the records go to a temporary directory (--dir).
 */
class DrillCommandTest {
  @TempDir Path dir;
  @TempDir Path scripts;
  HttpServer server;
  final AtomicReference<String> active = new AtomicReference<>("d1");
  final List<ObjectNode> events = new ArrayList<>();
  final List<String> switchovers = new ArrayList<>();
  /** Deletes the records written so far at the first switchover: a failover that loses data. */
  final AtomicBoolean loseRecords = new AtomicBoolean();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hanfs/cluster", x -> answer(x, 200, cluster()));
    server.createContext("/hanfs/events", x -> {
      ObjectNode o = Json.MAPPER.createObjectNode();
      synchronized (events) {
        o.set("events", Json.MAPPER.valueToTree(events));
      }
      o.set("unanswered", Json.MAPPER.createArrayNode());
      answer(x, 200, o.toString());
    });
    server.createContext("/hanfs/resources/home/switchover", x -> {
      String to = x.getRequestURI().getQuery().replace("to=", "");
      switchovers.add(to);
      String from = active.get();
      event("switchover-started", to, "from", from);
      event("demoted", from);
      event("step", to, "layer", "floating-ip", "op", "start", "ok", "true", "millis", "12");
      event("promoted", to);
      event("switchover-done", to);
      if (loseRecords.getAndSet(false)) {
        try (var files = Files.list(dir)) {
          for (Path p : files.toList()) Files.delete(p);
        }
      }
      active.set(to);
      answer(x, 200, "{\"message\":\"home is active on " + to + "\"}");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String cluster() {
    // The kill script leaves a file: the "killed" node's resource is then active on the other.
    if (Files.exists(scripts.resolve("killed")) && active.get().equals("d1")) {
      event("member-down", "d1");
      event("promoted", "d2");
      active.set("d2");
    }
    ObjectNode r = Json.MAPPER.createObjectNode().put("name", "home").put("activeNode", active.get());
    r.putObject("roleByNode").put("d1", active.get().equals("d1") ? "primary" : "secondary").put("d2", active.get().equals("d2") ? "primary" : "secondary");
    r.putNull("transition");
    ObjectNode c = Json.MAPPER.createObjectNode();
    ArrayNode rs = c.putArray("resources");
    rs.add(r);
    return c.toString();
  }

  void event(String kind, String node, String... facts) {
    ObjectNode e = Json.MAPPER.createObjectNode().put("atMillis", System.currentTimeMillis()).put("kind", kind).put("node", node).put("reason", kind);
    ObjectNode f = e.putObject("facts");
    for (int i = 0; i + 1 < facts.length; i += 2) f.put(facts[i], facts[i + 1]);
    synchronized (events) {
      events.add(e);
    }
  }

  static void answer(HttpExchange x, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(code, b.length);
    try (var out = x.getResponseBody()) {
      out.write(b);
    }
  }

  MainTest.Run drill(String... more) {
    List<String> a = new ArrayList<>(List.of("drill", "home", "--dir", dir.toString(), "--api", "http://127.0.0.1:" + server.getAddress().getPort(),
        "-c", dir.resolve("no.conf").toString(), "--records-per-second", "50", "--acks", "5", "--settle", "0s", "--timeout", "20"));
    a.addAll(List.of(more));
    return MainTest.hanfs(a.toArray(String[]::new));
  }

  @Test
  void aDrillSwitchesOverAndBackAndReportsEachTransition() throws Exception {
    MainTest.Run r = drill();
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(List.of("d2", "d1"), switchovers);
    assertTrue(r.out().contains("switchover d1 -> d2: requested at") && r.out().contains("switchover d2 -> d1: requested at"), r.out());
    assertEquals(2, r.out().lines().filter(l -> l.contains("client: longest I/O gap")).count(), r.out());
    assertTrue(r.out().contains("floating-ip start (VIP up)") && r.out().contains("promoted"), r.out());
    assertTrue(r.out().contains("acknowledged records are there with their content"), r.out());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "the records are removed after a clean read-back");
    }
  }

  @Test
  void lostRecordsExit5AndAreListed() throws Exception {
    loseRecords.set(true);
    MainTest.Run r = drill();
    assertEquals(5, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("acknowledged records are LOST") && r.out().contains("  missing record 1 (hanfs-drill-"), r.out());
  }

  @Test
  void killActiveRunsTheCommandWithTheActiveNodeAndWaitsForTheFailover() throws Exception {
    Path kill = scripts.resolve("lab-kill");
    Files.writeString(kill, "#!/bin/sh\necho \"$1\" > " + scripts.resolve("killed") + "\n");
    kill.toFile().setExecutable(true);
    MainTest.Run r = drill("--kill-active", kill.toString(), "--keep");
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals("d1\n", Files.readString(scripts.resolve("killed")), "the active node's name is the last argument");
    assertTrue(r.out().contains("kill of the active daemon on d1: active again on d2"), r.out());
    assertTrue(r.out().contains("detected: member down"), r.out());
    try (var files = Files.list(dir)) {
      assertTrue(files.count() > 0, "--keep keeps them");
    }
  }

  @Test
  void helpAndCompletionKnowTheDrill() {
    MainTest.Run help = MainTest.hanfs("help", "drill");
    assertTrue(help.out().contains("5   acknowledged records are missing or have other content"), help.out());
    MainTest.Run completion = MainTest.hanfs("completion", "bash");
    assertTrue(completion.out().contains("drill") && completion.out().contains("--kill-active") && completion.out().contains("--records-per-second"),
        "generated from the commands");
  }

  @Test
  void noDaemonExits3AndWritesNothing() throws Exception {
    MainTest.Run r = MainTest.hanfs("drill", "home", "--dir", dir.toString(), "--api", "http://127.0.0.1:1", "-c", dir.resolve("no.conf").toString());
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("cannot reach the hanfs daemon at http://127.0.0.1:1"), r.err());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void aResourceThatCannotMoveIsRefusedBeforeAnyWrite() throws Exception {
    MainTest.Run r = MainTest.hanfs("drill", "other", "--dir", dir.toString(), "--api", "http://127.0.0.1:" + server.getAddress().getPort(), "-c",
        dir.resolve("no.conf").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("no resource \"other\" in the cluster; nothing was done"), r.err());
  }
}
