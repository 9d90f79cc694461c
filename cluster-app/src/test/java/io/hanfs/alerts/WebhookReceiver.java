package io.hanfs.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.IntUnaryOperator;

/** A real HTTP receiver on loopback: records every POST and answers the status {@code answer} gives for the n-th request (0-based). */
final class WebhookReceiver implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  record Request(String method, String contentType, JsonNode body) {}

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();

  WebhookReceiver(IntUnaryOperator answer) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/hook", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      int n;
      synchronized (requests) {
        n = requests.size();
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Content-Type"),
            JSON.readTree(new String(body, StandardCharsets.UTF_8))));
      }
      ex.sendResponseHeaders(answer.applyAsInt(n), -1);
      ex.close();
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** The ids in the order they first arrived (delivery is at least once). */
  List<String> firstIds() {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (Request r : requests()) ids.add(r.body().get("id").asText());
    return new ArrayList<>(ids);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
