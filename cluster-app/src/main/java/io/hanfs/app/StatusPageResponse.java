package io.hanfs.app;

import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.history.HistoryEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * GET / and GET /hanfs/ui: asks the leader, the node agent and the history at once and renders
 * {@link StatusPage}; a part that does not answer is shown as unknown, never as an error page.
 */
final class StatusPageResponse {
  /** The history seam until the cluster history is wired in: no events. */
  static final Supplier<CompletionStage<List<HistoryEvent>>> NO_HISTORY = () -> CompletableFuture.completedFuture(List.of());

  /** The page reads only; nothing may run, load or frame-sniff in it, and a stale copy misleads. */
  static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Cache-Control", "no-store"));

  private final ControlApi api;
  private final Supplier<CompletionStage<List<HistoryEvent>>> recentEvents;

  StatusPageResponse(ControlApi api, Supplier<CompletionStage<List<HistoryEvent>>> recentEvents) {
    this.api = api;
    this.recentEvents = recentEvents;
  }

  CompletionStage<HttpResponse> response() {
    CompletableFuture<Leader.ClusterStatus> cluster = api.clusterStatus().toCompletableFuture();
    CompletableFuture<Optional<String>> noLeader = cluster.handle((s, e) -> e == null ? Optional.<String>empty() : Optional.of(message(e)));
    CompletableFuture<Optional<NodeAgent.NodeStatus>> local = api.nodeStatus().toCompletableFuture()
        .thenApply(Optional::of).exceptionally(e -> Optional.empty());
    CompletableFuture<List<HistoryEvent>> events = safely(recentEvents).toCompletableFuture().exceptionally(e -> List.of());
    return CompletableFuture.allOf(noLeader, local, events).thenApply(done -> {
      Instant now = Instant.now();
      String html = noLeader.join().map(why -> StatusPage.renderWithoutLeader(why, local.join(), events.join(), now))
          .orElseGet(() -> StatusPage.render(cluster.join(), local.join(), events.join(), now));
      return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html)).addHeaders(HEADERS);
    });
  }

  private static CompletionStage<List<HistoryEvent>> safely(Supplier<CompletionStage<List<HistoryEvent>>> s) {
    try {
      CompletionStage<List<HistoryEvent>> events = s.get();
      return events != null ? events : CompletableFuture.failedFuture(new IllegalStateException("no history"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String message(Throwable e) {
    Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
