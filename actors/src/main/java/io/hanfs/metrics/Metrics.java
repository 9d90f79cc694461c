package io.hanfs.metrics;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.SagaKind;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * This daemon's Prometheus metrics, served by {@code GET /metrics}: one registry per actor system
 * (not the client's static default one, so that the daemons a test runs in one JVM stay apart).
 * Recorded where the facts already arrive: the node's own reports (roles, epochs, monitor
 * failures) and, on the node that runs the leader, its sagas, ledger records and view of the
 * members. It only records: nothing reads it back to decide. Labels are bounded: resource and node
 * names from the config, enum constants, never free text.
 */
public final class Metrics implements Extension {
  /** The Prometheus text format, version 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** How a saga ended, as the {@code outcome} label says it. */
  public enum Outcome {
    OK, FAILED, TIMED_OUT, ABORTED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Id ID = new Id();

  /** This actor system's metrics (created on first use, with the JVM's metrics). */
  public static Metrics of(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  public static Metrics of(org.apache.pekko.actor.ActorSystem classic) {
    return ID.get(classic);
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  // ---- this node's resources (from the NodeAgent's reports) ----
  private final Gauge role = Gauge.builder().name("hanfs_resource_role")
      .help("1 for the role the resource has on this node, 0 for every other role").labelNames("resource", "node", "role").register(registry);
  private final Gauge epoch = Gauge.builder().name("hanfs_resource_epoch")
      .help("The epoch this node's copy of the resource acts under").labelNames("resource", "node").register(registry);
  private final Gauge monitorFailures = Gauge.builder().name("hanfs_resource_recent_monitor_failures")
      .help("Monitor failures of the resource's layers on this node within the failure window").labelNames("resource", "node").register(registry);

  // ---- the leader (on the node that runs it) ----
  private final Gauge leaderRunning = Gauge.builder().name("hanfs_leader_running")
      .help("1 while the cluster leader runs in this daemon").register(registry);
  private final Counter started = Counter.builder().name("hanfs_transitions_started")
      .help("Sagas the leader started; kind failover is a promotion while the active node is gone").labelNames("resource", "kind").register(registry);
  private final Counter ended = Counter.builder().name("hanfs_transitions_ended")
      .help("Sagas the leader saw end, by outcome").labelNames("resource", "kind", "outcome").register(registry);
  private final Histogram duration = Histogram.builder().name("hanfs_transition_duration_seconds")
      .help("How long a saga ran, from its start to its outcome").labelNames("resource", "kind", "outcome")
      .classicOnly().classicUpperBounds(0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600).register(registry);
  private final Counter splitBrains = Counter.builder().name("hanfs_split_brains_noted")
      .help("Split brains the leader recorded in a copy's ledger (one per copy)").labelNames("resource", "node").register(registry);
  private final Counter splitBrainsResolved = Counter.builder().name("hanfs_split_brains_resolved")
      .help("Split brains ended by a resolution (the victim discarded, the survivor kept)").labelNames("resource").register(registry);
  private final Counter fenceMarks = Counter.builder().name("hanfs_fence_marks_recorded")
      .help("Fence-peer marks a majority of voters recorded; node is the copy marked outdated").labelNames("resource", "node").register(registry);
  private final Gauge memberReachable = Gauge.builder().name("hanfs_member_reachable")
      .help("1 if the leader sees the configured member up, reachable and reporting").labelNames("node").register(registry);
  private final Gauge resourcesActive = Gauge.builder().name("hanfs_resources_active")
      .help("Resources the leader sees active on a reachable node").register(registry);

  // ---- this node's leases (recorded by each resource's lease while it holds it) ----
  private final Histogram leaseRenewLatency = Histogram.builder().name("hanfs_lease_renew_latency_seconds")
      .help("From a renewal round's request to the majority's grant, on the node that holds the lease").labelNames("resource", "node")
      .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2).register(registry);
  private final Counter leaseLapses = Counter.builder().name("hanfs_lease_lapses")
      .help("Leases this node held that a majority did not renew in time (the node stopped serving)").labelNames("resource", "node").register(registry);

  // ---- the NFS clients' connections this node's replica knows (what it would tickle on taking over) ----
  private final Gauge clientConnections = Gauge.builder().name("hanfs_client_connections_known")
      .help("NFS client connections to the resource's floating IP, as last recorded by its active node and replicated here").labelNames("resource")
      .register(registry);

  // ---- the alert hooks (hook: script or webhook) ----
  private final Counter alertsDelivered = Counter.builder().name("hanfs_alerts_delivered")
      .help("Events an alert hook delivered (the script exited 0, the webhook answered 2xx)").labelNames("hook").register(registry);
  private final Counter alertsAttemptsFailed = Counter.builder().name("hanfs_alerts_attempts_failed")
      .help("Attempts of an alert hook that failed (each retry counts)").labelNames("hook").register(registry);
  private final Counter alertsDropped = Counter.builder().name("hanfs_alerts_dropped")
      .help("Events an alert hook dropped: why is queue-full (the oldest waiting) or gave-up (every attempt failed)").labelNames("hook", "why").register(registry);

  private Metrics() {
    JvmMetrics.builder().register(registry);
  }

  // ---- recording ----

  /** One report of this node's agent (twice a second and on every change). */
  public void nodeReported(NodeAgent.Report report) {
    for (ResourceStatus s : report.resources()) {
      for (Role r : Role.values()) role.labelValues(s.name(), report.node(), r.display()).set(r == s.role() ? 1 : 0);
      epoch.labelValues(s.name(), report.node()).set(s.epoch());
      monitorFailures.labelValues(s.name(), report.node()).set(s.recentFailures());
    }
  }

  /** The {@code kind} label: the saga's kind, or failover for a promotion while the active node is gone. */
  public static String kind(SagaKind kind, boolean failover) {
    return failover ? "failover" : kind.name().toLowerCase(Locale.ROOT);
  }

  public void sagaStarted(String resource, String kind) {
    started.labelValues(resource, kind).inc();
  }

  public void sagaEnded(String resource, String kind, Outcome outcome, long startedNanos, long nowNanos) {
    ended.labelValues(resource, kind, outcome.label()).inc();
    duration.labelValues(resource, kind, outcome.label()).observe(Math.max(0, nowNanos - startedNanos) / 1e9);
  }

  public void splitBrainNoted(String resource, String node) {
    splitBrains.labelValues(resource, node).inc();
  }

  public void splitBrainResolved(String resource) {
    splitBrainsResolved.labelValues(resource).inc();
  }

  public void fenceMarkRecorded(String resource, String outdatedNode) {
    fenceMarks.labelValues(resource, outdatedNode).inc();
  }

  /** The leader's view, set on its tick. */
  public void leaderView(java.util.Map<String, Boolean> reachableByMember, int active) {
    leaderRunning.set(1);
    reachableByMember.forEach((node, up) -> memberReachable.labelValues(node).set(up ? 1 : 0));
    resourcesActive.set(active);
  }

  /** The leader stopped here (it moved, or the node leaves): its view is no longer this node's to tell. */
  public void leaderStopped() {
    leaderRunning.set(0);
    memberReachable.clear();
    resourcesActive.set(0);
  }

  public void leaseRenewed(String resource, String node, long latencyNanos) {
    leaseRenewLatency.labelValues(resource, node).observe(Math.max(0, latencyNanos) / 1e9);
  }

  public void leaseLapsed(String resource, String node) {
    leaseLapses.labelValues(resource, node).inc();
  }

  public void clientConnectionsKnown(String resource, int count) {
    clientConnections.labelValues(resource).set(count);
  }

  public void alertDelivered(String hook) {
    alertsDelivered.labelValues(hook).inc();
  }

  public void alertAttemptFailed(String hook) {
    alertsAttemptsFailed.labelValues(hook).inc();
  }

  public void alertDropped(String hook, String why) {
    alertsDropped.labelValues(hook, why).inc();
  }

  // ---- serving ----

  /** Every metric in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static final class Id extends AbstractExtensionId<Metrics> implements ExtensionIdProvider {
    @Override
    public Id lookup() {
      return ID;
    }

    @Override
    public Metrics createExtension(ExtendedActorSystem system) {
      return new Metrics();
    }
  }
}
