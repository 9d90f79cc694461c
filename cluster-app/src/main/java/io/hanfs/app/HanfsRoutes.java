package io.hanfs.app;

import io.hanfs.config.HanfsConfig.ReplicationType;
import io.hanfs.config.Syntax;
import io.hanfs.leader.Leader;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceAgent;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The /hanfs routes of Pekko Management HTTP: node status, and promote/demote of a resource
 * until the cluster leader drives them. Every answer is JSON; errors say what was wrong.
 */
public final class HanfsRoutes extends AllDirectives implements ManagementRouteProvider {
  /**
   * A switchover or a split-brain resolution answers when it is done: a demotion and a promotion,
   * each bounded by operation-timeout per layer, and the leader's own bounds (5-10 min) decide.
   * Everything else has the server's 20 s.
   */
  static final Duration LONG_OPERATION = Duration.ofMinutes(11);

  private final ControlApi api;
  private final ExtendedActorSystem classic;
  private final StatusPageResponse statusPage;

  /** As Pekko Management makes it (by reflection): the status page's timeline is the last day of this node's history hub. */
  public HanfsRoutes(ExtendedActorSystem classic) {
    this(classic, recentHistory(new ControlApi(Adapter.toTyped(classic))));
  }

  private static java.util.function.Supplier<CompletionStage<java.util.List<io.hanfs.sbr.history.HistoryEvent>>> recentHistory(ControlApi api) {
    return () -> api.events("", System.currentTimeMillis() - Duration.ofDays(1).toMillis(), 2_000).thenApply(io.hanfs.history.EventHub.Events::events);
  }

  /** {@code recentEvents}: the cluster history the status page's "last failovers" shows (asked once per page). */
  public HanfsRoutes(ExtendedActorSystem classic, java.util.function.Supplier<CompletionStage<java.util.List<io.hanfs.sbr.history.HistoryEvent>>> recentEvents) {
    this.api = new ControlApi(Adapter.toTyped(classic));
    this.classic = classic;
    this.statusPage = new StatusPageResponse(api, recentEvents);
  }

  /**
   * A route that changes something: refused when the routes are read-only, and without the
   * node's API token (ApiToken) before anything in the request is looked at.
   */
  private Route mutating(boolean readOnly, java.util.function.Supplier<Route> inner) {
    if (readOnly) return complete(readOnlyError());
    return optionalHeaderValueByName("Authorization", auth -> {
      String token = HanfsExtension.ID.get(classic).apiToken();
      if (ApiToken.accepts(token, auth)) return withRequestTimeout(LONG_OPERATION, inner);
      String why = token == null ? "the node is still starting; retry in a moment"
          : (auth.isEmpty() ? "this request changes the cluster and needs" : "wrong credentials; send")
              + " the node's API token as 'Authorization: Bearer TOKEN', from " + ApiToken.file(HanfsExtension.ID.get(classic).config().stateDir())
              + " (readable by root only; the hanfs CLI and the replication hooks send it)";
      return complete(json(StatusCodes.UNAUTHORIZED, Map.of("result", "error", "error", why, "message", why, "exitCode", 1))
          .addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create("WWW-Authenticate", "Bearer realm=\"hanfs\"")));
    });
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    boolean readOnly = settings.readOnly();
    return concat(path("metrics", () -> concat(
            get(() -> complete(metrics())),
            complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use GET /metrics")))),
        pathSingleSlash(this::statusPage),
        pathPrefix("hanfs", () -> concat(
        path("ui", this::statusPage),
        path("status", () -> concat(
            get(() -> completeWithFuture(status())),
            complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use GET /hanfs/status")))),
        path("events", () -> concat(
            get(() -> parameterOptional("resource", res -> parameterOptional("since", since -> parameterOptional("limit", limit ->
                events(res, since, limit))))),
            complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use GET /hanfs/events[?resource=NAME&since=2h&limit=N]")))),
        path("cluster", () -> concat(
            get(() -> completeWithFuture(clusterStatus())),
            complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use GET /hanfs/cluster")))),
        pathPrefix("nodes", () -> pathPrefix(PathMatchers.segment(), node ->
            path(PathMatchers.segment(), action -> concat(
                post(() -> mutating(readOnly, () -> standby(node, action))),
                complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use POST /hanfs/nodes/{node}/standby or /unstandby")))))),
        path(PathMatchers.segment("clear").slash(PathMatchers.segment()), target -> concat(
            post(() -> mutating(readOnly, () -> clear(target))),
            complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use POST /hanfs/clear/{node or resource}")))),
        path(PathMatchers.segment("maintenance").slash(PathMatchers.segment()), state -> concat(
            post(() -> mutating(readOnly, () -> maintenance(state))),
            complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use POST /hanfs/maintenance/on or /off")))),
        pathPrefix("drbd", () -> pathPrefix(PathMatchers.segment(), drbdRes ->
            path(PathMatchers.segment(), action -> concat(
                post(() -> mutating(readOnly, () -> parameterOptional("peer", peer -> parameterOptional("began", began ->
                    fence(ReplicationType.DRBD, drbdRes, action, peer, began))))),
                complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use POST /hanfs/drbd/{resource}/fence-peer or /unfence-peer")))))),
        pathPrefix("hast", () -> pathPrefix(PathMatchers.segment(), hastRes ->
            path(PathMatchers.segment(), event -> concat(
                post(() -> mutating(readOnly, () -> parameterOptional("began", began ->
                    fence(ReplicationType.HAST, hastRes, event, Optional.empty(), began)))),
                complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use POST /hanfs/hast/{resource}/split-brain")))))),
        pathPrefix("resources", () -> pathPrefix(PathMatchers.segment(), name ->
            path(PathMatchers.segment(), action -> concat(
                post(() -> mutating(readOnly, () -> action.equals("switchover") ? parameterOptional("to", to -> switchover(name, to))
                    : action.equals("resolve") ? parameterOptional("discard", discard -> parameterOptional("force", force ->
                        resolve(name, discard, force)))
                    : action.equals("force-promote") ? parameterOptional("to", to -> parameterOptional("by", by ->
                        parameterOptional("reason", reason -> forcePromote(name, to, by, reason))))
                    : parameterOptional("epoch", epoch -> control(name, action, epoch)))),
                complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use POST /hanfs/resources/" + safe(name) + "/promote or /demote")))))),
        complete(error(StatusCodes.NOT_FOUND, "unknown hanfs route; known: GET /hanfs/status, GET /hanfs/cluster, GET /hanfs/events, GET /hanfs/ui (or /: the status page), "
            + "POST /hanfs/resources/{name}/promote|demote|switchover[?to=NODE], "
            + "POST /hanfs/resources/{name}/force-promote?to=NODE&by=WHO&reason=TEXT, POST /hanfs/resources/{name}/resolve?discard=NODE[&force=true], POST /hanfs/drbd/{resource}/fence-peer|unfence-peer|split-brain[?peer=NODE], "
            + "POST /hanfs/nodes/{node}/standby|unstandby, "
            + "POST /hanfs/maintenance/on|off, POST /hanfs/clear/{node or resource}; GET /metrics")))));
  }

  /** The status page: a read like GET /hanfs/cluster, so no token (docs/security.md). */
  private Route statusPage() {
    return concat(get(() -> completeWithFuture(statusPage.response())),
        complete(error(StatusCodes.METHOD_NOT_ALLOWED, "the status page only reads: use GET / or GET /hanfs/ui")
            .addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Allow", "GET"))));
  }

  /** This daemon's metrics in the Prometheus text format (no token: it reads, like the other GETs). */
  private HttpResponse metrics() {
    return HttpResponse.create().withEntity(HttpEntities.create(METRICS_TYPE, io.hanfs.metrics.Metrics.of(classic).scrape()));
  }

  private static final org.apache.pekko.http.javadsl.model.ContentType METRICS_TYPE = ContentTypes.parse(io.hanfs.metrics.Metrics.CONTENT_TYPE);

  private Route control(String name, String action, Optional<String> epochParam) {
    if (!Syntax.isName(name)) {
      return complete(error(StatusCodes.BAD_REQUEST, "resource name \"" + safe(name) + "\" is not a plain name (lower-case letters, digits, -)"));
    }
    long epoch = 0;
    if (epochParam.isPresent()) {
      if (!epochParam.get().matches("[1-9]\\d{0,17}")) {
        return complete(error(StatusCodes.BAD_REQUEST, "epoch \"" + safe(epochParam.get()) + "\" must be a positive whole number"));
      }
      epoch = Long.parseLong(epochParam.get());
    }
    if (!action.equals("promote") && !action.equals("demote")) {
      return complete(error(StatusCodes.NOT_FOUND, "unknown action \"" + safe(action) + "\"; use promote, demote or switchover"));
    }
    // A transition runs every layer's operation in turn, each bounded by its own timeout.
    CompletionStage<ResourceAgent.Reply> reply = action.equals("promote") ? api.promote(name, epoch) : api.demote(name, epoch);
    return completeWithFuture(reply.handle((r, failure) -> {
      if (failure != null) return error(StatusCodes.SERVICE_UNAVAILABLE, "no answer from the node agent: " + failure.getMessage());
      if (r instanceof ResourceAgent.Done d) return json(StatusCodes.OK, Map.of("result", "done", "resource", d.status()));
      if (r instanceof ResourceAgent.Failed f) return json(StatusCodes.INTERNAL_SERVER_ERROR, Map.of("result", "failed", "error", f.message(), "resource", f.status()));
      ResourceAgent.Refused ref = (ResourceAgent.Refused) r;
      return json(RefusalCodes.http(ref.reason()), Map.of("result", "refused", "reason", ref.reason().name(), "error", ref.message()));
    }));
  }

  private static HttpResponse readOnlyError() {
    return error(StatusCodes.FORBIDDEN, "management routes are read-only (pekko.management.http.route-providers-read-only = true)");
  }

  private Route switchover(String resource, Optional<String> to) {
    if (!Syntax.isName(resource)) return complete(error(StatusCodes.BAD_REQUEST, "resource name \"" + safe(resource) + "\" is not a plain name"));
    if (to.isPresent() && !Syntax.isName(to.get())) return complete(error(StatusCodes.BAD_REQUEST, "node name \"" + safe(to.get()) + "\" is not a plain name"));
    return completeWithFuture(askLeader(api.switchover(resource, to)));
  }

  private Route resolve(String resource, Optional<String> discard, Optional<String> force) {
    if (!Syntax.isName(resource)) return complete(error(StatusCodes.BAD_REQUEST, "resource name \"" + safe(resource) + "\" is not a plain name"));
    if (discard.isEmpty() || !Syntax.isName(discard.get())) {
      return complete(error(StatusCodes.BAD_REQUEST, "discard: name the node whose copy is discarded as ?discard=NODE"));
    }
    if (force.isPresent() && !force.get().equals("true") && !force.get().equals("false")) {
      return complete(error(StatusCodes.BAD_REQUEST, "force must be true or false"));
    }
    return completeWithFuture(askLeader(api.resolve(resource, discard.get(), force.map(Boolean::parseBoolean).orElse(false))));
  }

  /**
   * {@code began}: when the tool ran the hook (epoch milliseconds, this node's clock), so the
   * leader can tell a handler call about a split brain it already resolved from a new one.
   */
  private Route fence(ReplicationType type, String drbdResource, String action, Optional<String> peer, Optional<String> began) {
    if (!drbdResource.matches("[A-Za-z0-9_.-]{1,64}")) {
      return complete(json(StatusCodes.BAD_REQUEST, Map.of("exitCode", 1, "message", type + " resource name \"" + safe(drbdResource) + "\" is not plain (letters, digits, _ . -)")));
    }
    if (type == ReplicationType.HAST && !action.equals("split-brain")) {
      return complete(json(StatusCodes.NOT_FOUND, Map.of("exitCode", 1, "message", "unknown HAST event \"" + safe(action) + "\"; the leader acts on split-brain only")));
    }
    if (peer.isPresent() && !Syntax.isName(peer.get())) {
      return complete(json(StatusCodes.BAD_REQUEST, Map.of("exitCode", 1, "message", "peer \"" + safe(peer.get()) + "\" is not a plain node name")));
    }
    if (!action.equals("fence-peer") && !action.equals("unfence-peer") && !action.equals("split-brain")) {
      return complete(json(StatusCodes.NOT_FOUND, Map.of("exitCode", 1, "message", "unknown action \"" + safe(action) + "\"; use fence-peer, unfence-peer or split-brain")));
    }
    if (began.isPresent() && !began.get().matches("\\d{1,15}")) {
      return complete(json(StatusCodes.BAD_REQUEST, Map.of("exitCode", 1, "message", "began \"" + safe(began.get())
          + "\" is not a time: give the hook's start as epoch milliseconds (?began=1764000000000) or leave it out")));
    }
    Optional<java.time.Instant> start = began.map(b -> java.time.Instant.ofEpochMilli(Long.parseLong(b)));
    return completeWithFuture(api.replicationHandler(type, drbdResource, peer, action, start).handle((r, failure) -> failure != null
        ? json(StatusCodes.SERVICE_UNAVAILABLE, Map.of("exitCode", 1, "message", "no answer from the cluster leader: " + failure.getMessage()))
        : json(r.exitCode() == 4 || r.exitCode() == 0 ? StatusCodes.OK : r.exitCode() == 6 ? StatusCodes.CONFLICT : StatusCodes.SERVICE_UNAVAILABLE,
            Map.of("exitCode", r.exitCode(), "message", r.message()))));
  }

  /** A reason is free text that ends up in logs and the ledger: printable, bounded. */
  static final java.util.regex.Pattern REASON = java.util.regex.Pattern.compile("[\\p{Print}&&[^\\p{Cntrl}]]{3,200}");

  private Route forcePromote(String resource, Optional<String> to, Optional<String> by, Optional<String> reason) {
    if (!Syntax.isName(resource)) return complete(error(StatusCodes.BAD_REQUEST, "resource name \"" + safe(resource) + "\" is not a plain name"));
    if (to.isEmpty() || !Syntax.isName(to.get())) {
      return complete(error(StatusCodes.BAD_REQUEST, "to: give the node to promote as ?to=NODE (a plain node name)"));
    }
    if (reason.isEmpty() || !REASON.matcher(reason.get()).matches()) {
      return complete(error(StatusCodes.BAD_REQUEST, "reason: a forced promotion needs ?reason=TEXT (3 to 200 printable characters); it is recorded in the ledger"));
    }
    String who = by.filter(b -> b.matches("[A-Za-z0-9_.@-]{1,64}")).orElse("http");
    return completeWithFuture(askLeader(api.forcePromote(resource, to.get(), who, reason.get())));
  }

  private Route standby(String node, String action) {
    if (!Syntax.isName(node)) return complete(error(StatusCodes.BAD_REQUEST, "node name \"" + safe(node) + "\" is not a plain name"));
    if (!action.equals("standby") && !action.equals("unstandby")) {
      return complete(error(StatusCodes.NOT_FOUND, "unknown action \"" + safe(action) + "\"; use standby or unstandby"));
    }
    return completeWithFuture(askLeader(api.standby(node, action.equals("standby"))));
  }

  private Route clear(String target) {
    if (!Syntax.isName(target)) return complete(error(StatusCodes.BAD_REQUEST, "\"" + safe(target) + "\" is not a plain node or resource name"));
    return completeWithFuture(askLeader(api.clear(target)));
  }

  private Route maintenance(String state) {
    if (!state.equals("on") && !state.equals("off")) return complete(error(StatusCodes.NOT_FOUND, "use POST /hanfs/maintenance/on or /off"));
    return completeWithFuture(askLeader(api.maintenance(state.equals("on"))));
  }

  private CompletionStage<HttpResponse> askLeader(CompletionStage<Leader.ControlReply> reply) {
    return reply.handle((r, failure) -> failure != null
        ? error(StatusCodes.SERVICE_UNAVAILABLE, "no answer from the cluster leader (is a majority of nodes up?): " + failure.getMessage())
        : r.accepted() ? json(StatusCodes.OK, Map.of("result", "done", "message", r.message()))
        : r.refusal().map(x -> json(RefusalCodes.http(x.reason()), Map.of("result", "refused", "reason", x.reason().name(), "message", r.message())))
            .orElseGet(() -> json(StatusCodes.INTERNAL_SERVER_ERROR, Map.of("result", "failed", "message", r.message()))));
  }

  /** The cluster's history: the events and, from them, each failover's timeline. */
  private Route events(Optional<String> resource, Optional<String> since, Optional<String> limit) {
    EventsQuery.Parsed p = EventsQuery.parse(resource, since, limit, System.currentTimeMillis());
    if (p instanceof EventsQuery.Bad b) return complete(error(StatusCodes.BAD_REQUEST, b.message()));
    EventsQuery q = ((EventsQuery.Ok) p).query();
    return completeWithFuture(api.events(q.resource(), q.sinceMillis(), q.limit()).handle((e, failure) -> failure != null
        ? error(StatusCodes.SERVICE_UNAVAILABLE, "no answer from this node's history: " + failure.getMessage())
        : json(StatusCodes.OK, EventsView.of(q, e))));
  }

  private CompletionStage<HttpResponse> clusterStatus() {
    return api.clusterStatus().handle((s, failure) -> failure != null
        ? error(StatusCodes.SERVICE_UNAVAILABLE, "no answer from the cluster leader (is a majority of nodes up?): " + failure.getMessage())
        : json(StatusCodes.OK, s));
  }

  private CompletionStage<HttpResponse> status() {
    return api.nodeStatus().handle((s, failure) -> failure != null
        ? error(StatusCodes.SERVICE_UNAVAILABLE, "no answer from the node agent: " + failure.getMessage())
        : json(StatusCodes.OK, s));
  }

  private static HttpResponse json(StatusCode code, Object body) {
    return HttpResponse.create().withStatus(code).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.write(body)));
  }

  private static HttpResponse error(StatusCode code, String message) {
    return json(code, Map.of("result", "error", "error", message));
  }

  /** Echoes request text back only in a harmless, bounded form. */
  private static String safe(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._/-]", "?");
    return t.length() > 64 ? t.substring(0, 64) + "..." : t;
  }
}
