package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The replication hook against a loopback HTTP server answering as the daemon's route does. */
class ReplicationHookTest {
  @Test
  void drbdsExitCodeComesFromTheAnswerAndTheRequestNamesResourceActionAndPeer() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    List<String> tokens = new CopyOnWriteArrayList<>();
    String token = "ab".repeat(32);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      asked.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      tokens.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      String path = ex.getRequestURI().getPath();
      String body = path.endsWith("/fence-peer") ? "{\"exitCode\":4,\"message\":\"d2 is \\\"outdated\\\": 2 voters\\u0021\"}"
          : path.endsWith("/split-brain") ? "{\"exitCode\":0,\"message\":\"recorded\"}" : "not json at all";
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(path.endsWith("/unfence-peer") ? 500 : 200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      LocalEndpoint daemon = new LocalEndpoint(url, Optional.of(token));
      assertEquals(4, ReplicationHook.post(daemon, "drbd", "r0", "fence-peer", "d2"));
      assertEquals(0, ReplicationHook.post(new LocalEndpoint(url + "/", Optional.of(token)), "hast", "home", "split-brain", null));
      // No exit code in the answer: 1, so DRBD never takes a failure for "peer outdated".
      assertEquals(1, ReplicationHook.post(daemon, "drbd", "r0", "unfence-peer", null));
      assertEquals(List.of("Bearer " + token, "Bearer " + token, "Bearer " + token), tokens, "every request carries the API token");
      // Each request says when this process (the hook) began: at or before now, in epoch milliseconds.
      long began = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
      assertTrue(began <= System.currentTimeMillis());
      assertEquals(List.of("POST /hanfs/drbd/r0/fence-peer?began=" + began + "&peer=d2", "POST /hanfs/hast/home/split-brain?began=" + began,
          "POST /hanfs/drbd/r0/unfence-peer?began=" + began), asked);
      // Events other than split-brain need no daemon at all; a bad resource name is refused before any request.
      assertEquals(0, ReplicationHook.run(new String[] {"--url", url, "hast-event", "connect", "home"}));
      assertEquals(1, ReplicationHook.run(new String[] {"--url", url, "hast-event", "split-brain", "home;rm"}));
      assertEquals(1, ReplicationHook.run(new String[] {"--url", url, "fence-peer", "--bogus"}));
      assertEquals(3, asked.size());
    } finally {
      server.stop(0);
    }
    // Nobody listening: 1.
    assertEquals(1, ReplicationHook.post(new LocalEndpoint("http://127.0.0.1:9", Optional.empty()), "drbd", "r0", "fence-peer", null));
    assertEquals("a \"b\" \\ c\nd!", ReplicationHook.unescape("a \\\"b\\\" \\\\ c\\nd\\u0021"));
  }
}
