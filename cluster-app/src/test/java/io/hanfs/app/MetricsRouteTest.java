package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.metrics.Metrics;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.SagaKind;
import io.hanfs.testkit.LoopbackCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics on the real management routes: the daemon's registry, fed the calls the leader's
 * Sagas and the node's report stream make, scraped as Prometheus's text format and parsed.
 */
class MetricsRouteTest {
  @TempDir static Path dir;
  static ActorTestKit kit;
  static String url;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    int port = LoopbackCluster.freePort();
    String text = LoopbackCluster.text(dir.resolve("state"), "node = d1\ntls.enabled = false\nmanagement { hostname = \"127.0.0.1\", port = " + port + " }", "", "");
    HanfsConfig c = ConfigLoader.parse(text);
    kit = ActorTestKit.create("hanfs", ConfigFactory.parseString("pekko.management.http { hostname = \"127.0.0.1\", port = " + port + " }")
        .withFallback(LoopbackCluster.memberConfig("127.0.0.1", 0)));
    HanfsExtension.ID.get(kit.system()).set(kit.spawn(Behaviors.empty()), kit.spawn(Behaviors.empty()), c, ApiToken.ensure(ApiToken.file(c.stateDir())));
    Daemon.startManagement(kit.system(), c);
    url = "http://127.0.0.1:" + port + "/metrics";
  }

  @AfterAll
  static void stop() {
    if (kit != null) ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
  }

  @Test
  void leaseRenewalsAreTimedAndLapsesCounted() throws Exception {
    Metrics m = Metrics.of(kit.system());
    Map<String, Double> before = scrape();
    String series = "{node=d1,resource=home}";
    m.leaseRenewed("home", "d1", Duration.ofMillis(30).toNanos());
    m.leaseLapsed("home", "d1");
    Map<String, Double> after = scrape();
    assertEquals(before.getOrDefault("hanfs_lease_renew_latency_seconds_count" + series, 0.0) + 1, after.get("hanfs_lease_renew_latency_seconds_count" + series));
    // 30 ms lands in the 50 ms bucket, not in the 25 ms one.
    assertEquals(before.getOrDefault("hanfs_lease_renew_latency_seconds_bucket{le=0.05,node=d1,resource=home}", 0.0) + 1,
        after.get("hanfs_lease_renew_latency_seconds_bucket{le=0.05,node=d1,resource=home}"), after.toString());
    assertEquals(before.getOrDefault("hanfs_lease_renew_latency_seconds_bucket{le=0.025,node=d1,resource=home}", 0.0),
        after.getOrDefault("hanfs_lease_renew_latency_seconds_bucket{le=0.025,node=d1,resource=home}", 0.0), after.toString());
    assertEquals(before.getOrDefault("hanfs_lease_lapses_total" + series, 0.0) + 1, after.get("hanfs_lease_lapses_total" + series));
  }

  @Test
  void aFailoverThatEndsCountsOnceAndRecordsItsDuration() throws Exception {
    Metrics m = Metrics.of(kit.system());
    String kind = Metrics.kind(SagaKind.PROMOTE, true);
    Map<String, Double> before = scrape();
    String ended = "hanfs_transitions_ended_total{kind=failover,outcome=ok,resource=home}";
    long t0 = System.nanoTime();
    m.sagaStarted("home", kind);
    m.sagaEnded("home", kind, Metrics.Outcome.OK, t0, t0 + Duration.ofMillis(1500).toNanos());
    Map<String, Double> after = scrape();
    assertEquals(before.getOrDefault("hanfs_transitions_started_total{kind=failover,resource=home}", 0.0) + 1,
        after.get("hanfs_transitions_started_total{kind=failover,resource=home}"));
    assertEquals(before.getOrDefault(ended, 0.0) + 1, after.get(ended));
    String series = "{kind=failover,outcome=ok,resource=home}";
    assertEquals(before.getOrDefault("hanfs_transition_duration_seconds_count" + series, 0.0) + 1, after.get("hanfs_transition_duration_seconds_count" + series));
    assertTrue(after.get("hanfs_transition_duration_seconds_sum" + series) >= 1.5, after.toString());
    // 1.5 s lands in the 2 s bucket, not in the 1 s one.
    assertEquals(bucket(before, series, 2.0) + 1, bucket(after, series, 2.0));
    assertEquals(bucket(before, series, 1.0), bucket(after, series, 1.0));
  }

  @Test
  void theNodesReportsSetRoleEpochAndMonitorFailures() throws Exception {
    ResourceStatus home = new ResourceStatus("home", Role.PRIMARY, 7, "serving", List.of(), 2, Optional.empty(), "UpToDate", Optional.empty());
    Metrics.of(kit.system()).nodeReported(new NodeAgent.Report("d1", kit.createTestProbe(NodeAgent.Command.class).ref(), false, false, List.of(home)));
    Map<String, Double> s = scrape();
    assertEquals(1.0, s.get("hanfs_resource_role{node=d1,resource=home,role=primary}"));
    assertEquals(0.0, s.get("hanfs_resource_role{node=d1,resource=home,role=secondary}"));
    assertEquals(0.0, s.get("hanfs_resource_role{node=d1,resource=home,role=stop-failed}"), "a role reads as everywhere else");
    assertEquals(7.0, s.get("hanfs_resource_epoch{node=d1,resource=home}"));
    assertEquals(2.0, s.get("hanfs_resource_recent_monitor_failures{node=d1,resource=home}"));
  }

  @Test
  void theLeadersViewIsShownWhileItRunsHere() throws Exception {
    Metrics m = Metrics.of(kit.system());
    Map<String, Boolean> members = new java.util.LinkedHashMap<>();
    members.put("d1", true);
    members.put("d2", false);
    m.leaderView(members, 1);
    Map<String, Double> s = scrape();
    assertEquals(1.0, s.get("hanfs_member_reachable{node=d1}"));
    assertEquals(0.0, s.get("hanfs_member_reachable{node=d2}"));
    assertEquals(1.0, s.get("hanfs_resources_active"));
    assertEquals(1.0, s.get("hanfs_leader_running"));
    m.leaderStopped();
    s = scrape();
    assertFalse(s.containsKey("hanfs_member_reachable{node=d1}"), "a leader that moved away no longer speaks for the members");
    assertEquals(0.0, s.get("hanfs_leader_running"));
  }

  @Test
  void theTextFormatCarriesItsContentTypeAndTheJvmsMetrics() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals(Metrics.CONTENT_TYPE.toLowerCase(), r.headers().firstValue("Content-Type").orElse("").toLowerCase());
    assertTrue(parse(r.body()).keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics are there");
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  void eachActorSystemHasItsOwnRegistry() {
    ActorTestKit other = ActorTestKit.create("other");
    try {
      assertNotSame(Metrics.of(kit.system()), Metrics.of(other.system()));
    } finally {
      other.shutdownTestKit();
    }
  }

  static double bucket(Map<String, Double> samples, String series, double le) {
    String labels = series.substring(1, series.length() - 1);
    return samples.entrySet().stream()
        .filter(e -> e.getKey().startsWith("hanfs_transition_duration_seconds_bucket{"))
        .filter(e -> {
          Map<String, String> l = new TreeMap<>();
          for (String kv : e.getKey().substring(e.getKey().indexOf('{') + 1, e.getKey().length() - 1).split(",")) l.put(kv.split("=")[0], kv.split("=")[1]);
          String lev = l.remove("le");
          return lev != null && Double.parseDouble(lev) == le && canonical(l).equals(labels);
        })
        .mapToDouble(Map.Entry::getValue).findFirst().orElse(0.0);
  }

  Map<String, Double> scrape() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return parse(r.body());
  }

  static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$");
  static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The text format's samples, keyed {@code name{a=x,b=y}} with the labels sorted and unquoted. */
  static Map<String, Double> parse(String body) {
    Map<String, Double> out = new HashMap<>();
    for (String line : body.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      String labels = m.group(2) == null ? "" : canonical(labels(m.group(2)));
      String v = m.group(3);
      double value = v.equals("+Inf") ? Double.POSITIVE_INFINITY : v.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(v);
      out.put(m.group(1) + (labels.isEmpty() ? "" : "{" + labels + "}"), value);
    }
    return out;
  }

  static Map<String, String> labels(String text) {
    Map<String, String> l = new TreeMap<>();
    Matcher m = LABEL.matcher(text);
    while (m.find()) l.put(m.group(1), m.group(2));
    return l;
  }

  static String canonical(Map<String, String> labels) {
    return String.join(",", new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
