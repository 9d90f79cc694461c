package io.hanfs.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hanfs.sbr.history.HistoryEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a hook is given about an event: the JSON body (the script's stdin, the webhook's POST) and
 * the script's environment. {@link #SCHEMA} changes only when a field changes meaning or goes.
 */
public final class AlertPayload {
  public static final int SCHEMA = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertPayload() {}

  /** {"schema":1,"id","event","at","atMillis","origin","resource","node","epoch","reason","facts":{...},"cluster"}, one line. */
  public static String json(HistoryEvent e, String clusterName) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("schema", SCHEMA);
    o.put("id", e.id());
    o.put("event", e.kind().display());
    o.put("at", Instant.ofEpochMilli(e.atMillis()).toString());
    o.put("atMillis", e.atMillis());
    o.put("origin", e.origin());
    o.put("resource", e.resource());
    o.put("node", e.node());
    o.put("epoch", e.epoch());
    o.put("reason", e.reason());
    ObjectNode facts = o.putObject("facts");
    e.facts().forEach(facts::put);
    o.put("cluster", clusterName);
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException x) {
      throw new IllegalStateException(x);
    }
  }

  /** HANFS_EVENT, HANFS_RESOURCE, HANFS_NODE, HANFS_EPOCH, HANFS_REASON for the script (control characters as spaces: an environment holds no NUL). */
  public static Map<String, String> environment(HistoryEvent e) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HANFS_EVENT", e.kind().display());
    env.put("HANFS_RESOURCE", plain(e.resource()));
    env.put("HANFS_NODE", plain(e.node()));
    env.put("HANFS_EPOCH", Long.toString(e.epoch()));
    env.put("HANFS_REASON", plain(e.reason()));
    return env;
  }

  private static String plain(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? ' ' : c));
    return b.toString();
  }
}
