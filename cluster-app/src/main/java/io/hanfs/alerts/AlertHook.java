package io.hanfs.alerts;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.sbr.history.HistoryEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** One way of telling an event: each attempt yields one {@link Outcome}, bounded by the hook's timeout. */
public sealed interface AlertHook {

  /** The hook's name in metrics, logs, stats and child names. */
  enum Kind {
    SCRIPT, WEBHOOK;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How one attempt ended: {@code detail} says why it failed (or what answered). */
  record Outcome(boolean ok, String detail) {}

  Kind kind();

  /** One attempt; never completes exceptionally (a failure is an Outcome). */
  CompletionStage<Outcome> attempt(HistoryEvent event, String json);

  /**
   * {@code script <event>} with the JSON on stdin and HANFS_* in its environment, run as an
   * argument list (never a shell) on {@code blocking}; exit 0 is delivered.
   */
  record Script(Path script, Duration timeout, CommandRunner runner, Executor blocking) implements AlertHook {
    @Override
    public Kind kind() {
      return Kind.SCRIPT;
    }

    @Override
    public CompletionStage<Outcome> attempt(HistoryEvent event, String json) {
      return CompletableFuture.supplyAsync(() -> {
        CommandResult r = runner.withEnvironment(AlertPayload.environment(event))
            .run(List.of(script.toString(), event.kind().display()), timeout, json + "\n");
        if (r.ok()) return new Outcome(true, "exit 0");
        String why = r.timedOut() ? "timed out after " + timeout.toMillis() + " ms" : "exit " + r.exitCode();
        String err = r.stderr().strip();
        return new Outcome(false, err.isEmpty() ? why : why + ": " + clip(err));
      }, blocking).exceptionally(AlertHook::failed);
    }
  }

  /** POST application/json; a 2xx answer is delivered. Redirects are not followed: the config names the receiver. */
  record Webhook(URI url, Duration timeout, HttpClient http) implements AlertHook {
    public static HttpClient client(Duration timeout) {
      return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
    }

    @Override
    public Kind kind() {
      return Kind.WEBHOOK;
    }

    @Override
    public CompletionStage<Outcome> attempt(HistoryEvent event, String json) {
      HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
          .header("Content-Type", "application/json").header("User-Agent", "hanfs-alerts")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build();
      try {
        // The request timeout covers the answer's head; orTimeout bounds a body that trickles too.
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
            .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .thenApply(r -> new Outcome(r.statusCode() / 100 == 2, "HTTP " + r.statusCode()))
            .exceptionally(AlertHook::failed);
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(failed(e));
      }
    }
  }

  private static Outcome failed(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    String what = c instanceof java.util.concurrent.TimeoutException ? "timed out" : c.getClass().getSimpleName();
    return new Outcome(false, c.getMessage() == null ? what : what + ": " + clip(c.getMessage()));
  }

  private static String clip(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 300 ? one : one.substring(0, 299) + "…";
  }
}
