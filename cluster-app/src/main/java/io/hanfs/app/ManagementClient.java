package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CLI's side of Management HTTP: sends one request, prints a readable answer, and tells the
 * three ways it can end apart: an answer, no daemon (exit 3), no answer in time (exit 4).
 */
final class ManagementClient {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  /** How often a long operation's progress is read while its answer is awaited. */
  static Duration pollInterval = Duration.ofSeconds(1);

  private final String base;
  private final Optional<String> token;
  private final HttpClient http;
  /** Why no request can be sent (the TLS files do not load), printed instead of sending. */
  private Optional<String> unusable = Optional.empty();
  private Duration timeout = DEFAULT_TIMEOUT;

  /** How a request ended: an HTTP answer, or the exit code and message of why there is none. */
  sealed interface Outcome {}

  record Answer(int code, String body) implements Outcome {
    JsonNode json() {
      return parse(body);
    }
  }

  record NoAnswer(int exitCode, String message) implements Outcome {}

  ManagementClient(String base, Optional<String> token) {
    this(base, token, Optional.empty());
  }

  /** Over HTTPS: trusting only {@code tls}'s CA, and hostname verification on (the JDK's default). */
  ManagementClient(String base, Optional<String> token, Optional<javax.net.ssl.SSLContext> tls) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    tls.ifPresent(b::sslContext);
    this.http = b.build();
  }

  static ManagementClient unusable(String base, String why) {
    ManagementClient c = new ManagementClient(base, Optional.empty());
    c.unusable = Optional.of(why);
    return c;
  }

  /** How long a change may take before the CLI stops waiting (--timeout). */
  ManagementClient timeout(Duration t) {
    this.timeout = t;
    return this;
  }

  String base() {
    return base;
  }

  Outcome get(String path) {
    return await(HttpRequest.newBuilder(URI.create(base + path)).timeout(READ_TIMEOUT).GET().build(), READ_TIMEOUT, Optional.empty(), null);
  }

  /** A request that changes something carries the node's API token when this user can read it. */
  private HttpRequest mutating(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody());
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b.build();
  }

  /** A control request to the cluster leader through this node. */
  int post(String path, String what, boolean raw) {
    return post(path, what, raw, Optional.empty(), null);
  }

  /** ... printing the resource's role changes on every node while it runs (switchover, forced promotion). */
  int post(String path, String what, boolean raw, Optional<OperationProgress.Source> progress, String resource) {
    Outcome o = await(mutating(path), timeout, progress, resource);
    if (o instanceof NoAnswer n) return failed(n);
    Answer r = (Answer) o;
    JsonNode body = r.json();
    if (raw) System.out.println(r.body());
    else if (r.code() == 200) System.out.println(what + ": " + body.path("message").asText("done"));
    else System.err.println(what + ": " + (r.code() == 503 ? "no answer in time" : "refused") + " (" + r.code() + "): "
        + body.path("message").asText(body.path("error").asText(r.body())) + (r.code() == 503 ? "; the operation may still be running: see hanfs status" : ""));
    return exitCode(r);
  }

  /** promote or demote on this node, printing its role changes while it runs. */
  int control(String resource, String action, boolean raw) {
    Outcome o = await(mutating("/hanfs/resources/" + encode(resource) + "/" + action), timeout, Optional.of(OperationProgress.Source.NODE), resource);
    if (o instanceof NoAnswer n) return failed(n);
    Answer r = (Answer) o;
    JsonNode body = r.json();
    if (raw) {
      System.out.println(r.body());
    } else if (r.code() == 200) {
      JsonNode res = body.path("resource");
      System.out.println(action + " " + resource + ": done, " + res.path("role").asText() + " (epoch " + res.path("epoch").asLong() + ")");
    } else {
      System.err.println(action + " " + resource + ": " + body.path("result").asText("error") + ": " + body.path("error").asText(r.body()));
    }
    return exitCode(r);
  }

  /** 503 is what the daemon answers when the agent or the leader did not answer it in time. */
  private static int exitCode(Answer r) {
    return r.code() == 200 ? ExitCodes.OK : r.code() == 503 ? ExitCodes.TIMED_OUT : ExitCodes.REFUSED;
  }

  static int failed(NoAnswer n) {
    System.err.println(n.message());
    return n.exitCode();
  }

  /**
   * Sends {@code request} and waits for its answer up to {@code limit}; meanwhile, with a
   * progress source, polls the resource's state and prints each change on stderr.
   */
  private Outcome await(HttpRequest request, Duration limit, Optional<OperationProgress.Source> progress, String resource) {
    if (unusable.isPresent()) return new NoAnswer(ExitCodes.UNREACHABLE, unusable.get());
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> f = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    Map<String, String> seen = progress.isPresent() ? poll(progress.get(), resource) : Map.of();
    try {
      while (true) {
        try {
          HttpResponse<String> r = f.get(progress.isPresent() ? pollInterval.toMillis() : limit.toMillis() + 1000, TimeUnit.MILLISECONDS);
          if (progress.isPresent()) report(seen, poll(progress.get(), resource), start, System.err);
          return new Answer(r.statusCode(), r.body());
        } catch (TimeoutException e) {
          if (progress.isEmpty()) return timedOut(limit);
          Map<String, String> now = poll(progress.get(), resource);
          report(seen, now, start, System.err);
          if (!now.isEmpty()) seen = now;
        }
      }
    } catch (ExecutionException e) {
      return noAnswer(e.getCause(), limit);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      return new NoAnswer(ExitCodes.TIMED_OUT, "interrupted; the operation may still be running: see hanfs status");
    }
  }

  private Map<String, String> poll(OperationProgress.Source source, String resource) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + source.path)).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? OperationProgress.snapshot(source, resource, parse(r.body())) : Map.of();
    } catch (IOException e) {
      return Map.of(); // a busy leader: the next poll, or the answer, tells
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  private static void report(Map<String, String> before, Map<String, String> after, long startNanos, PrintStream out) {
    if (after.isEmpty()) return;
    List<String> changes = OperationProgress.changes(before, after);
    String at = String.format("%6.1f s  ", (System.nanoTime() - startNanos) / 1e9);
    for (String c : changes) out.println(at + c);
  }

  private static NoAnswer timedOut(Duration limit) {
    return new NoAnswer(ExitCodes.TIMED_OUT, "no answer within " + limit.toSeconds() + " s; the operation may still be running: see hanfs status");
  }

  private NoAnswer noAnswer(Throwable e, Duration limit) {
    Throwable t = e;
    while (t != null) {
      if (t instanceof HttpConnectTimeoutException) return unreachable("connect timed out");
      if (t instanceof HttpTimeoutException) return timedOut(limit);
      if (t instanceof javax.net.ssl.SSLException s) {
        return new NoAnswer(ExitCodes.UNREACHABLE, "the TLS handshake with the hanfs daemon at " + base + " failed: " + s.getMessage()
            + " (its certificate must be signed by the CA in hanfs.tls.ca-file and name the address dialled; with client-certificates = required,"
            + " this user must be able to read the node's key: run as root)");
      }
      if (t instanceof java.net.ConnectException && t.getMessage() == null) return unreachable("connection refused");
      t = t.getCause();
    }
    return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  private NoAnswer unreachable(String why) {
    return new NoAnswer(ExitCodes.UNREACHABLE, "cannot reach the hanfs daemon at " + base + ": " + why + " (is `hanfs run` up on this node?)");
  }

  static JsonNode parse(String body) {
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
