package io.hanfs.sbr.membership;

import io.hanfs.sbr.membership.JoinDecision.Decision;
import io.hanfs.sbr.membership.JoinDecision.Form;
import io.hanfs.sbr.membership.JoinDecision.InCluster;
import io.hanfs.sbr.membership.JoinDecision.PeerAnswer;
import io.hanfs.sbr.membership.JoinDecision.Unjoined;
import io.hanfs.sbr.membership.JoinDecision.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node's side of the join protocol, without actors or clocks (every call takes the monotonic
 * time): what it answers a peer's probe, what it keeps of the peers' answers, and its decision
 * each round. The actor ({@code JoinCoordinator}) sends and times; a simulation drives the same
 * code over arbitrary interleavings in the tests.
 *
 * <p>Each node in no cluster backs one candidate (the first configured node it heard from) and
 * holds that ballot for {@link #HOLD_ROUNDS} rounds after it last chose it before it may back
 * another. An answer tells
 * how long the ballot is still held; the candidate counts it until the probe's send time plus
 * that, less one round (for clock rates that differ). So a ballot counts at its candidate only
 * while the voter still holds it, and two candidates never both count a majority: the stale
 * answer that once let a second node form (a peer's "in no cluster" from before it backed the
 * first) backs nobody once its hold is over. A node casts no ballot in its first hold after
 * start (one it cast before a restart may still count somewhere) nor while it heard lately
 * that a cluster runs.
 */
public final class JoinProtocol {
  /** How many rounds an answer or a peer's probe stays fresh. */
  public static final int FRESH_ROUNDS = 5;

  /** How many rounds a node holds a ballot before it may back another candidate. */
  public static final int HOLD_ROUNDS = 6;

  /** What a node answers a probe: {@code heldNanos} is how much longer it holds the ballot {@code backs}. */
  public record Answer(String node, boolean inCluster, Set<String> heard, Optional<String> backs, long heldNanos) {}

  private record Received(PeerAnswer answer, long at, long backsUntil) {}

  private final List<String> nodes;
  private final String self;
  private final long round;
  private final long hold;
  private final long startedAt;
  private final Map<String, Long> heardAt = new HashMap<>();
  private final Map<String, Received> answers = new HashMap<>();
  private String ballot;
  private long ballotUntil;
  private int formRounds;

  public JoinProtocol(List<String> nodes, String self, Duration round, long now) {
    this.nodes = List.copyOf(nodes);
    this.self = self;
    this.round = round.toNanos();
    this.hold = this.round * HOLD_ROUNDS;
    this.startedAt = now;
  }

  /**
   * A peer's probe. {@code fromItsAddress}: it came from the asker's configured address (a
   * message naming another node counts nothing); {@code inCluster}: this node is joining or a
   * member.
   */
  public Answer onProbe(String asker, boolean fromItsAddress, boolean inCluster, long now) {
    if (fromItsAddress && !inCluster && nodes.contains(asker) && !asker.equals(self)) heardAt.put(asker, now);
    if (inCluster) return new Answer(self, true, heard(now), Optional.empty(), 0);
    Optional<String> b = ballot(now);
    return new Answer(self, false, heard(now), b, b.isPresent() ? ballotUntil - now : 0);
  }

  /** The answer of the node asked at {@code peer}'s configured address, whatever name it gives; the probe was sent at {@code sentAt}. */
  public void onAnswer(String peer, Answer a, long sentAt, long now) {
    if (!nodes.contains(peer) || peer.equals(self)) return;
    if (a.inCluster()) {
      answers.put(peer, new Received(new InCluster(peer), now, now));
      return;
    }
    heardAt.put(peer, now);
    long held = Math.max(0, Math.min(hold, a.heldNanos())); // a peer's word, bounded by the protocol's own hold
    Optional<String> backs = a.backs().filter(nodes::contains);
    answers.put(peer, new Received(new Unjoined(peer, Set.copyOf(a.heard()), backs), now, sentAt + held - round));
  }

  /**
   * The decision at the end of a round (the node is in no cluster). {@link Form} comes only on the
   * second round in a row that a majority backs this node, so answers still in flight count.
   */
  public Decision onRound(long now) {
    Optional<String> own = ballot(now);
    Decision d = JoinDecision.decide(nodes, self, counted(now), heard(now), own);
    formRounds = d instanceof Form ? formRounds + 1 : 0;
    if (formRounds == 1) return new Wait(d.why() + "; forming at the next round if that still holds");
    return d;
  }

  /** The fresh answers, each Unjoined one backing a candidate only while its ballot surely still holds. */
  List<PeerAnswer> counted(long now) {
    List<PeerAnswer> out = new ArrayList<>();
    for (Received r : answers.values()) {
      if (r.at() < now - round * FRESH_ROUNDS) continue;
      if (r.answer() instanceof Unjoined u && now >= r.backsUntil()) out.add(new Unjoined(u.peer(), u.heard(), Optional.empty()));
      else out.add(r.answer());
    }
    return out;
  }

  private Optional<String> ballot(long now) {
    // Abstaining keeps a held ballot held: it is not moved to another candidate before its time.
    if (now - startedAt < hold || clusterSeen(now)) return Optional.empty();
    String pick = JoinDecision.candidate(nodes, self, heard(now));
    // Extending the hold of the same candidate is safe and keeps its count steady; another pick
    // waits until the hold is over.
    if (ballot == null || now >= ballotUntil || ballot.equals(pick)) {
      ballot = pick;
      ballotUntil = now + hold;
    }
    return Optional.of(ballot);
  }

  private boolean clusterSeen(long now) {
    for (Received r : answers.values()) if (r.answer() instanceof InCluster && r.at() >= now - round * FRESH_ROUNDS) return true;
    return false;
  }

  /** The nodes heard from lately as being in no cluster, this one included. */
  public Set<String> heard(long now) {
    Set<String> s = new HashSet<>();
    for (Map.Entry<String, Long> e : heardAt.entrySet()) if (e.getValue() >= now - round * FRESH_ROUNDS) s.add(e.getKey());
    s.add(self);
    return s;
  }
}
