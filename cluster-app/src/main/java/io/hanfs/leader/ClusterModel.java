package io.hanfs.leader;

import io.hanfs.config.HanfsConfig;
import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Remembered;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.voter.LeaseVoter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Collections;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * What the leader knows of the cluster, built only from what it is told: the members and their
 * reachability (Pekko's membership events), each node's latest report and when it came, every
 * voter's view of each resource's lease and fence marks, the highest epoch seen per resource, and
 * the fence marks this leader had written. One apply method per kind of event, then queries;
 * plain state that the leader owns (no actor, no timers, no I/O), so decisions read one model.
 */
final class ClusterModel {
  static final Duration REPORT_STALE = Duration.ofSeconds(3);

  private final HanfsConfig config;
  private final Map<String, NodeAgent.Report> reports = new HashMap<>();
  private final Map<String, Long> reportedAt = new HashMap<>();
  private final Map<String, Member> members = new HashMap<>();
  private final Set<Address> unreachable = new HashSet<>();
  private final Map<String, Long> maxEpoch = new HashMap<>();
  private final Map<String, Map<String, LeaseVoter.GrantInfo>> grants = new HashMap<>();
  /** Fence marks this leader saw a majority of voters write (resource -> node -> generation). */
  private final Map<String, Map<String, Generation>> fencedHere = new HashMap<>();
  /** The facts this leader acted on once (typed keys: noted, resolved, seen). */
  private final Set<Remembered> remembered = new HashSet<>();
  /** When (nanoTime) this leader last resolved a split brain between two copies. */
  private final Map<CopyPair, Long> splitBrainResolvedAt = new HashMap<>();
  /** This leader's term (0 until its first command): what nodes check every command against. */
  private long term;

  /** Two copies of a resource, whichever order they are named in. */
  record CopyPair(String resource, String first, String second) {
    static CopyPair of(String resource, String a, String b) {
      return a.compareTo(b) < 0 ? new CopyPair(resource, a, b) : new CopyPair(resource, b, a);
    }
  }

  ClusterModel(HanfsConfig config) {
    this.config = config;
  }

  // ---- events ----

  void reported(NodeAgent.Report r, long nowNanos) {
    reports.put(r.node(), r);
    // A node that obeyed a higher term (one this leader had not heard of when it chose its own)
    // would refuse every command: take the next term; the singleton makes this leader the only one.
    if (term != 0 && r.leaderTerm() > term) term = r.leaderTerm() + 1;
    reportedAt.put(r.node(), nowNanos);
    // A new leader learns the highest epoch from every node's ledger and epoch file (and from
    // the voters) before it promotes anything.
    for (ResourceStatus s : r.resources()) {
      maxEpoch.merge(s.name(), s.epoch(), Math::max);
      s.ledger().ifPresent(l -> maxEpoch.merge(s.name(), l.lastEpoch(), Math::max));
    }
  }

  /** A membership event (typed subscriptions deliver the initial state as events, too); the address that became unreachable, if one did. */
  Optional<Address> membership(ClusterEvent.ClusterDomainEvent e) {
    if (e instanceof ClusterEvent.MemberRemoved r) {
      nodeOf(r.member().address()).ifPresent(members::remove);
      unreachable.remove(r.member().address());
    } else if (e instanceof ClusterEvent.MemberEvent me) {
      nodeOf(me.member().address()).ifPresent(n -> members.put(n, me.member()));
    } else if (e instanceof ClusterEvent.UnreachableMember u) {
      unreachable.add(u.member().address());
      return Optional.of(u.member().address());
    } else if (e instanceof ClusterEvent.ReachableMember r) {
      unreachable.remove(r.member().address());
    }
    return Optional.empty();
  }

  void voterInfo(String voter, LeaseVoter.GrantInfo info) {
    grants.computeIfAbsent(info.resource(), k -> new HashMap<>()).put(voter, info);
    maxEpoch.merge(info.resource(), info.highestEpoch(), Math::max);
  }

  void fenceRecorded(String resource, String node, Generation at) {
    fencedHere.computeIfAbsent(resource, k -> new HashMap<>()).merge(node, at, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /** Remembers the fact; true when it was new (as {@link Set#add}). */
  boolean remember(Remembered fact) {
    return remembered.add(fact);
  }

  void forget(Remembered fact) {
    remembered.remove(fact);
  }

  void splitBrainResolved(String resource, String a, String b, long nowNanos) {
    splitBrainResolvedAt.put(CopyPair.of(resource, a, b), nowNanos);
  }

  /**
   * The stamp for a command about {@code resource} under {@code epoch} (0: not bound to one). The
   * term is fixed at the first command, above every term the nodes reported obeying.
   */
  LeaderFence.Stamp stamp(long epoch) {
    if (term == 0) term = reports.values().stream().mapToLong(NodeAgent.Report::leaderTerm).max().orElse(0) + 1;
    return new LeaderFence.Stamp(term, epoch);
  }

  /** The highest epoch of {@code resource} this leader knows of. */
  long knownEpoch(String resource) {
    return maxEpoch.getOrDefault(resource, 0L);
  }

  /** The epoch for a new promotion of {@code resource}: above every one seen. */
  long nextEpoch(String resource) {
    long epoch = maxEpoch.getOrDefault(resource, 0L) + 1;
    maxEpoch.put(resource, epoch);
    return epoch;
  }

  // ---- queries ----

  /** The node's latest report; null before its first. */
  NodeAgent.Report report(String node) {
    return reports.get(node);
  }

  Optional<ResourceStatus> statusOf(String resource, String node) {
    NodeAgent.Report rep = reports.get(node);
    return rep == null ? Optional.empty() : rep.resources().stream().filter(x -> x.name().equals(resource)).findFirst();
  }

  long epochOf(String resource, String node) {
    return statusOf(resource, node).map(ResourceStatus::epoch).orElse(0L);
  }

  /** The node is a member, up or weakly up, whether or not the failure detector reaches it now (the resolver has not downed it). */
  boolean member(String node) {
    Member m = members.get(node);
    return m != null && (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp());
  }

  /** Up (or weakly up), reachable, and reporting. */
  boolean reachable(String node, long nowNanos) {
    Member m = members.get(node);
    if (m == null || !(m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) || unreachable.contains(m.address())) return false;
    Long at = reportedAt.get(node);
    return at != null && nowNanos - at < REPORT_STALE.toNanos();
  }

  /** Some reachable node is in maintenance mode. */
  boolean maintenance(long nowNanos) {
    return reports.values().stream().anyMatch(r -> reachable(r.node(), nowNanos) && r.maintenance());
  }

  /** The node reported with its resources probed and their ledgers read. */
  boolean settled(String node) {
    NodeAgent.Report rep = reports.get(node);
    return rep != null && !rep.resources().isEmpty()
        && rep.resources().stream().allMatch(st -> st.role() != Role.PROBING && st.ledger().isPresent());
  }

  /** Every voter's last answer for the resource, by voter. */
  Map<String, LeaseVoter.GrantInfo> grants(String resource) {
    return grants.getOrDefault(resource, Map.of());
  }

  /** The newest fence mark any voter holds for the node's copy ("*" marks every copy: a voter that cannot read its marks). */
  Optional<Generation> fencedAt(String resource, String node) {
    // Marks this leader had written itself count at once (the voters report them on their next poll).
    Generation top = fencedHere.getOrDefault(resource, Map.of()).get(node);
    for (LeaseVoter.GrantInfo g : grants(resource).values()) {
      for (String key : List.of(node, "*")) {
        Generation m = g.fenceMarks() == null ? null : g.fenceMarks().get(key);
        if (m != null && (top == null || m.compareTo(top) > 0)) top = m;
      }
    }
    return Optional.ofNullable(top);
  }

  boolean remembers(Remembered fact) {
    return remembered.contains(fact);
  }

  /** Every fact remembered, read-only (the decision's input). */
  Set<Remembered> remembered() {
    return Collections.unmodifiableSet(remembered);
  }

  Optional<Long> splitBrainResolvedAt(String resource, String a, String b) {
    return Optional.ofNullable(splitBrainResolvedAt.get(CopyPair.of(resource, a, b)));
  }

  /** For status: the member's state ("absent" when it is none), whether Pekko sees it reachable, and its report's age (-1: none). */
  String memberStatus(String node) {
    Member m = members.get(node);
    return m == null ? "absent" : m.status().toString().toLowerCase();
  }

  boolean memberReachable(String node) {
    Member m = members.get(node);
    return m != null && !unreachable.contains(m.address());
  }

  long reportAgeMillis(String node, long nowNanos) {
    Long at = reportedAt.get(node);
    return at == null ? -1 : (nowNanos - at) / 1_000_000;
  }

  private Optional<String> nodeOf(Address a) {
    String host = io.hanfs.config.IpLiteral.unbracketed(a.getHost().orElse(""));
    int port = a.getPort().orElse(-1);
    return config.nodes().stream().filter(n -> n.address().equals(host) && port == config.remotingPort()).map(HanfsConfig.Node::name).findFirst();
  }
}
