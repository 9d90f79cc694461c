package io.hanfs.app;

import io.hanfs.config.Syntax;
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
  private final ActorSystem<Void> system;

  public HanfsRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    boolean readOnly = settings.readOnly();
    return pathPrefix("hanfs", () -> concat(
        path("status", () -> concat(
            get(() -> completeWithFuture(status())),
            complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use GET /hanfs/status")))),
        pathPrefix("resources", () -> pathPrefix(PathMatchers.segment(), name ->
            path(PathMatchers.segment(), action -> concat(
                post(() -> parameterOptional("epoch", epoch -> readOnly
                    ? complete(error(StatusCodes.FORBIDDEN, "management routes are read-only (pekko.management.http.route-providers-read-only = true)"))
                    : control(name, action, epoch))),
                complete(error(StatusCodes.METHOD_NOT_ALLOWED, "use POST /hanfs/resources/" + safe(name) + "/promote or /demote")))))),
        complete(error(StatusCodes.NOT_FOUND, "unknown hanfs route; known: GET /hanfs/status, POST /hanfs/resources/{name}/promote, POST /hanfs/resources/{name}/demote"))));
  }

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
    BiFunction<Long, ActorRef<ResourceAgent.Reply>, NodeAgent.Command> msg = switch (action) {
      case "promote" -> (e, r) -> new NodeAgent.Promote(name, e, r);
      case "demote" -> (e, r) -> new NodeAgent.Demote(name, e, r);
      default -> null;
    };
    if (msg == null) {
      return complete(error(StatusCodes.NOT_FOUND, "unknown action \"" + safe(action) + "\"; use promote or demote"));
    }
    ActorRef<NodeAgent.Command> agent = HanfsExtension.ID.get(system).agent();
    long ep = epoch;
    // A transition runs every layer's operation in turn, each bounded by its own timeout.
    CompletionStage<ResourceAgent.Reply> reply = AskPattern.ask(agent, r -> msg.apply(ep, r), Duration.ofMinutes(5), system.scheduler());
    return completeWithFuture(reply.handle((r, failure) -> {
      if (failure != null) return error(StatusCodes.SERVICE_UNAVAILABLE, "no answer from the node agent: " + failure.getMessage());
      if (r instanceof ResourceAgent.Done d) return json(StatusCodes.OK, Map.of("result", "done", "resource", d.status()));
      if (r instanceof ResourceAgent.Failed f) return json(StatusCodes.INTERNAL_SERVER_ERROR, Map.of("result", "failed", "error", f.message(), "resource", f.status()));
      ResourceAgent.Refused ref = (ResourceAgent.Refused) r;
      StatusCode code = ref.reason().equals("NOT_FOUND") ? StatusCodes.NOT_FOUND : StatusCodes.CONFLICT;
      return json(code, Map.of("result", "refused", "reason", ref.reason(), "error", ref.message()));
    }));
  }

  private CompletionStage<HttpResponse> status() {
    ActorRef<NodeAgent.Command> agent = HanfsExtension.ID.get(system).agent();
    return AskPattern.<NodeAgent.Command, NodeAgent.NodeStatus>ask(agent, NodeAgent.GetStatus::new, Duration.ofSeconds(5), system.scheduler())
        .handle((s, failure) -> failure != null
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
