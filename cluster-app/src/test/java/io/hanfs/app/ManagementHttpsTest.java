package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hanfs.app.tls.Certs;
import io.hanfs.app.tls.PemContext;
import io.hanfs.app.tls.TlsFiles;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.testkit.LoopbackCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management endpoint over HTTPS with client certificates required, a real Pekko Management
 * server on 127.0.0.1: the CLI's endpoint (found from the config alone) reads; an anonymous
 * change is refused with 401 over TLS; a client without a certificate, one trusting another CA,
 * and one presenting another CA's certificate all fail the handshake; renewed files with a new CA
 * serve without a restart; the DRBD hook speaks HTTPS too.
 */
class ManagementHttpsTest {
  @TempDir Path dir;
  ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
  }

  HanfsConfig config(int port, String host) throws Exception {
    String text = LoopbackCluster.text(dir.resolve("state"), """
        node = d1
        tls { key-file = "%s/d1/node.key", cert-file = "%s/d1/node.crt", ca-file = "%s/d1/ca.crt" }
        management { hostname = %s, port = %d, https = on, client-certificates = required }""".formatted(dir, dir, dir, host, port), "", "");
    Files.writeString(dir.resolve("hanfs.conf"), text);
    return ConfigLoader.parse(text);
  }

  @Test
  void httpsWithClientCertificatesLetsOnlyTheClustersClientsIn() throws Exception {
    int port = ClusterTlsTest.freePort();
    HanfsConfig c = config(port, "node-address");
    Certs.issue(c, dir.resolve("ca"), c.nodes(), dir, false, false, Duration.ofDays(2));
    Certs.issue(c, dir.resolve("rogue-ca"), List.of(c.node("d1").get()), dir.resolve("rogue"), true, false, Duration.ofDays(2));
    HanfsConfig.Node d1 = c.node("d1").get();
    assertEquals(List.of(), TlsFiles.problems(c, d1));
    assertTrue(TlsFiles.problems(config(port, "\"127.0.0.9\""), d1).stream().anyMatch(p -> p.startsWith("hanfs.management.hostname:") && p.contains("node-address")));
    c = config(port, "node-address");

    kit = ActorTestKit.create("hanfs", ConfigFactory.parseString("pekko.management.http { hostname = \"127.0.0.1\", port = " + port + " }")
        .withFallback(LoopbackCluster.memberConfig("127.0.0.1", 0)));
    String token = ApiToken.ensure(ApiToken.file(c.stateDir()));
    HanfsExtension.ID.get(kit.system()).set(null, null, c, token);
    Daemon.startManagement(kit.system(), c);

    LocalEndpoint cli = LocalEndpoint.locate(Optional.empty(), dir.resolve("hanfs.conf"));
    assertEquals("https://127.0.0.1:" + port, cli.url());
    SSLContext node = cli.sslContext().orElseThrow();
    assertEquals(200, get(node, cli.url() + "/cluster/members").statusCode());
    HttpResponse<String> anonymous = client(node).send(HttpRequest.newBuilder(URI.create(cli.url() + "/hanfs/resources/home/demote"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, anonymous.statusCode(), anonymous.body());

    // No client certificate (a user who cannot read the node's key), another CA's server trust,
    // another CA's client certificate: no request gets through.
    HanfsConfig.Tls caOnly = new HanfsConfig.Tls(true, dir.resolve("none.key"), dir.resolve("none.crt"), c.tls().caFile());
    assertThrows(SSLException.class, () -> get(PemContext.client(caOnly), cli.url() + "/cluster/members"));
    HanfsConfig.Tls rogue = new HanfsConfig.Tls(true, dir.resolve("rogue/node.key"), dir.resolve("rogue/node.crt"), dir.resolve("rogue/ca.crt"));
    assertThrows(SSLException.class, () -> get(PemContext.client(rogue), cli.url() + "/cluster/members"));
    HanfsConfig.Tls rogueClient = new HanfsConfig.Tls(true, rogue.keyFile(), rogue.certFile(), c.tls().caFile());
    assertThrows(SSLException.class, () -> get(PemContext.client(rogueClient), cli.url() + "/cluster/members"));

    // The DRBD hook over HTTPS: the handshake passes, the wrong token is refused.
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = ReplicationHook.post(new LocalEndpoint(cli.url(), Optional.of("not-the-token"), cli.tls()), "drbd", "r0", "fence-peer", null);
    } finally {
      System.setErr(err);
    }
    assertEquals(1, exit);
    assertTrue(captured.toString(StandardCharsets.UTF_8).contains("HTTP 401"), captured.toString(StandardCharsets.UTF_8));

    // Renewed with a new CA: the running server serves the new certificate at the next connection.
    Certs.issue(c, dir.resolve("new-ca"), List.of(d1), dir.resolve("d1"), true, true, Duration.ofDays(2));
    assertThrows(SSLException.class, () -> get(node, cli.url() + "/cluster/members"));
    assertEquals(200, get(PemContext.client(c.tls()), cli.url() + "/cluster/members").statusCode());
  }

  static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  static HttpResponse<String> get(SSLContext tls, String url) throws Exception {
    return client(tls).send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
