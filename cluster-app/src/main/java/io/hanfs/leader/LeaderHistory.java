package io.hanfs.leader;

import io.hanfs.history.HistorySink;
import io.hanfs.sbr.LeaderEffect;
import io.hanfs.sbr.SagaKind;
import io.hanfs.sbr.history.HistoryKind;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the leader tells the cluster history: members it stops or starts seeing, its decisions
 * when they change, each failover, switchover and move from start to end, fence marks and split
 * brains. Part of the leader (its thread); the hub it tells stamps, records and alerts.
 */
final class LeaderHistory {
  private final HistorySink sink;
  private final String leaderNode;
  /** Per member, reachable at the last tick; a member first seen sets its baseline without an event. */
  private final Map<String, Boolean> reachable = new HashMap<>();
  private final Map<String, String> decided = new HashMap<>();
  /** Per resource, the switchover or move whose promotion is still to come (the demotion ended). */
  private final Map<String, SagaKind> episodeOf = new HashMap<>();

  LeaderHistory(HistorySink sink, String leaderNode) {
    this.sink = sink;
    this.leaderNode = leaderNode;
  }

  void members(Map<String, Boolean> reachableByMember) {
    reachableByMember.forEach((node, up) -> {
      Boolean was = reachable.put(node, up);
      if (was == null || was.equals(up)) return;
      sink.publish(up ? HistoryKind.MEMBER_UP : HistoryKind.MEMBER_DOWN, "", node, 0,
          up ? "the leader sees it up, reachable and reporting again" : "the leader no longer sees it reachable and reporting",
          Map.of("leader", leaderNode));
    });
  }

  /** Per resource and node, whether the voters stopped holding the lease that node reports serving under. */
  private final java.util.Set<String> lapsed = new java.util.HashSet<>();

  /** The holder stopped renewing (killed, frozen, cut off): often what the leader sees first, before the member is unreachable. */
  void holderLease(String resource, String node, boolean lapsedNow, long epoch) {
    String key = resource + "\u0000" + node;
    if (!lapsedNow) {
      lapsed.remove(key);
      return;
    }
    if (!lapsed.add(key)) return;
    sink.publish(HistoryKind.LEASE_LOST, resource, node, epoch, "the voters no longer hold " + node + "'s lease (epoch " + epoch
        + "), which it reports serving under: it stopped renewing", Map.of("leader", leaderNode, "seen-by", "leader"));
  }

  void decided(String resource, LeaderEffect.Decided d) {
    if (d.loudness() == LeaderEffect.Loudness.QUIET || d.text().equals(decided.put(resource, d.text()))) return;
    sink.publish(HistoryKind.DECIDED, resource, "", 0, d.text(), Map.of("leader", leaderNode, "loudness", d.loudness().name().toLowerCase()));
  }

  void sagaStarted(String resource, SagaKind kind, Optional<String> from, Optional<String> to, long epoch) {
    HistoryKind started = switch (kind) {
      case PROMOTE -> from.isPresent() ? HistoryKind.FAILOVER_STARTED : null;
      case SWITCHOVER -> HistoryKind.SWITCHOVER_STARTED;
      case MOVE -> HistoryKind.MOVE_STARTED;
      default -> null;
    };
    if (kind == SagaKind.SWITCHOVER || kind == SagaKind.MOVE) episodeOf.put(resource, kind);
    if (started == null) return;
    String why = switch (started) {
      case FAILOVER_STARTED -> "promoting " + to.orElse("?") + ": " + from.orElse("?") + " is gone";
      case SWITCHOVER_STARTED -> "an operator's switchover from " + from.orElse("?") + " to " + to.orElse("?");
      default -> "moving from " + from.orElse("?") + " to " + to.orElse("?");
    };
    sink.publish(started, resource, to.orElse(""), epoch, why, facts(kind, from, to));
  }

  /** A saga ended (not a switchover's or move's demotion that succeeded: its promotion ends the episode). */
  void sagaEnded(String resource, SagaKind kind, Optional<String> from, Optional<String> to, boolean ok, String message, long millis) {
    SagaKind episode = kind == SagaKind.PROMOTE ? episodeOf.remove(resource) : kind;
    if (kind == SagaKind.SWITCHOVER || kind == SagaKind.MOVE) episodeOf.remove(resource);
    boolean failover = kind == SagaKind.PROMOTE && episode == null && from.isPresent();
    HistoryKind done;
    if (episode == SagaKind.SWITCHOVER) done = ok ? HistoryKind.SWITCHOVER_DONE : HistoryKind.TRANSITION_FAILED;
    else if (episode == SagaKind.MOVE) done = ok ? HistoryKind.MOVE_DONE : HistoryKind.TRANSITION_FAILED;
    else if (failover) done = ok ? HistoryKind.FAILOVER_DONE : HistoryKind.TRANSITION_FAILED;
    else return;
    Map<String, String> facts = facts(episode == null ? kind : episode, from, to);
    facts.put("millis", String.valueOf(millis));
    sink.publish(done, resource, to.orElse(""), 0, message, facts);
  }

  void fenced(String resource, String outdated, String requester) {
    sink.publish(HistoryKind.FENCED, resource, outdated, 0, "a majority of voters marked " + outdated + "'s copy outdated for " + requester,
        Map.of("requester", requester));
  }

  void splitBrainFound(String resource, String node, String peer) {
    sink.publish(HistoryKind.SPLIT_BRAIN_FOUND, resource, node, 0, node + "'s data diverged from " + peer + "'s", Map.of("peer", peer));
  }

  void splitBrainResolved(String resource, String victim, String survivor) {
    sink.publish(HistoryKind.SPLIT_BRAIN_RESOLVED, resource, survivor, 0, victim + " saved and discarded its changes; " + survivor + " kept its data",
        Map.of("victim", victim, "survivor", survivor));
  }

  private static Map<String, String> facts(SagaKind kind, Optional<String> from, Optional<String> to) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("saga", kind.display());
    from.ifPresent(x -> f.put("from", x));
    to.ifPresent(x -> f.put("to", x));
    return f;
  }
}
