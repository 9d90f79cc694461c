package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's side of Management HTTP: sends one request, prints a readable answer. */
final class ManagementClient {
  private final String base;
  private final java.util.Optional<String> token;
  private final HttpClient http;
  /** Why no request can be sent (the TLS files do not load), printed instead of sending. */
  private java.util.Optional<String> unusable = java.util.Optional.empty();

  ManagementClient(String base, java.util.Optional<String> token) {
    this(base, token, java.util.Optional.empty());
  }

  /** Over HTTPS: trusting only {@code tls}'s CA, and hostname verification on (the JDK's default). */
  ManagementClient(String base, java.util.Optional<String> token, java.util.Optional<javax.net.ssl.SSLContext> tls) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    tls.ifPresent(b::sslContext);
    this.http = b.build();
  }

  static ManagementClient unusable(String base, String why) {
    ManagementClient c = new ManagementClient(base, java.util.Optional.empty());
    c.unusable = java.util.Optional.of(why);
    return c;
  }

  /** A request that changes something carries the node's API token when this user can read it. */
  private HttpRequest.Builder mutating(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody());
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  int status(boolean raw) {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/hanfs/status")).GET());
    if (r == null) return 3;
    if (raw || r.statusCode() != 200) {
      System.out.println(r.body());
      return r.statusCode() == 200 ? 0 : 1;
    }
    HttpResponse<String> c = send(HttpRequest.newBuilder(URI.create(base + "/hanfs/cluster")).timeout(Duration.ofSeconds(10)).GET());
    if (c != null && c.statusCode() == 200) System.out.print(StatusTable.renderCluster(parse(c.body())));
    else System.out.println("cluster: no answer from the leader" + (c == null ? "" : " (" + parse(c.body()).path("error").asText() + ")"));
    System.out.print(StatusTable.render(parse(r.body())));
    return 0;
  }

  /** A control request to the cluster leader through this node. */
  int post(String path, String what, boolean raw) {
    HttpResponse<String> r = send(mutating(path));
    if (r == null) return 3;
    JsonNode body = parse(r.body());
    if (raw) System.out.println(r.body());
    else if (r.statusCode() == 200) System.out.println(what + ": " + body.path("message").asText("done"));
    else System.err.println(what + ": refused (" + r.statusCode() + "): " + body.path("message").asText(body.path("error").asText(r.body())));
    return r.statusCode() == 200 ? 0 : 1;
  }

  int control(String resource, String action, boolean raw) {
    HttpResponse<String> r = send(mutating("/hanfs/resources/" + encode(resource) + "/" + action));
    if (r == null) return 3;
    JsonNode body = parse(r.body());
    if (raw) {
      System.out.println(r.body());
    } else if (r.statusCode() == 200) {
      JsonNode res = body.path("resource");
      System.out.println(action + " " + resource + ": done, " + res.path("role").asText() + " (epoch " + res.path("epoch").asLong() + ")");
    } else {
      System.err.println(action + " " + resource + ": " + body.path("result").asText("error") + ": " + body.path("error").asText(r.body()));
    }
    return r.statusCode() == 200 ? 0 : 1;
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    if (unusable.isPresent()) {
      System.err.println(unusable.get());
      return null;
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (javax.net.ssl.SSLException e) {
      System.err.println("the TLS handshake with the hanfs daemon at " + base + " failed: " + e.getMessage()
          + " (its certificate must be signed by the CA in hanfs.tls.ca-file and name the address dialled; with client-certificates = required,"
          + " this user must be able to read the node's key: run as root)");
      return null;
    } catch (IOException e) {
      System.err.println("cannot reach the hanfs daemon at " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (is `hanfs run` up on this node?)");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode().put("error", body);
    }
  }

  static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
