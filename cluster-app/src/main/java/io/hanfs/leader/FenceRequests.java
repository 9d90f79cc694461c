package io.hanfs.leader;

import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the leader does for DRBD's handlers (fence-peer, unfence-peer, split-brain), decided from
 * its model alone: an answer now, or the step to take. The leader carries the step out (a vote
 * of the voters, a ledger write, the split brain noted) and answers when it is done.
 */
final class FenceRequests {
  private final HanfsConfig config;
  private final ClusterModel model;
  private final Replicas replicas;

  FenceRequests(HanfsConfig config, ClusterModel model, Replicas replicas) {
    this.config = config;
    this.model = model;
    this.replicas = replicas;
  }

  sealed interface Step {}

  /** Answer the handler now; {@code log} is a line for the leader's log ("" for none). */
  record Answer(Leader.FenceReply reply, String log) implements Step {
    Answer(int exitCode, String message) {
      this(new Leader.FenceReply(exitCode, message), "");
    }
  }

  /** Ask the voters to mark {@code peer}'s copy outdated at {@code at}. */
  record Vote(String peer, Generation at) implements Step {}

  /** Write {@code event} into {@code peer}'s ledger: its copy resynced to the primary's {@code at}. */
  record MarkCurrent(String peer, LedgerEvent event, Generation at) implements Step {}

  /** Note the split brain between the two in both ledgers, then answer. */
  record Note(String reporter, String peer, Leader.FenceReply reply) implements Step {}

  /** The split brain being resolved now, if one is: {@code victim} discards, {@code survivor} keeps. */
  record Resolving(String victim, String survivor) {}

  Step fencePeer(String resource, String requester, Optional<String> named, Optional<Resolving> resolving, long now) {
    Optional<Resource> r = config.resource(resource);
    if (r.isEmpty() || r.get().replication().shared()) {
      return new Answer(1, r.isEmpty() ? "no resource named " + resource : resource + " is on a shared disk: there is no peer copy to fence");
    }
    Optional<String> peer = replicas.peerOf(requester, named);
    if (peer.isEmpty()) {
      return new Answer(1, "cannot tell which data node is " + requester + "'s peer" + named.map(p -> " (\"" + p + "\" is not one)").orElse(""));
    }
    if (resolving.isPresent() && resolving.get().victim().equals(requester)) {
      // The split brain's victim goes Primary while disconnected only to save its changes
      // before discarding them: DRBD asks to fence the survivor, which must stay current.
      // 4 lets the victim's DRBD proceed; nothing is marked at the voters.
      return new Answer(4, requester + " is the split brain's victim opening its copy to save its changes; " + peer.get()
          + " is not fenced (no mark written)");
    }
    Optional<LedgerSummary> mine = model.statusOf(resource, requester).flatMap(ResourceStatus::ledger);
    if (mine.isEmpty()) return new Answer(1, requester + "'s ledger of " + resource + " is not known to the leader yet");
    Optional<ResourceStatus> peerStatus = model.statusOf(resource, peer.get());
    if (model.reachable(peer.get(), now) && peerStatus.map(st -> st.role().holding()).orElse(false)) {
      return new Answer(6, peer.get() + " is " + peerStatus.get().role().display() + " itself: refusing to outdate an active copy");
    }
    return new Vote(peer.get(), mine.get().current().next());
  }

  /** The voters' count for a fence-peer: a majority holds the mark, or the handler fails. */
  Optional<Leader.FenceReply> votesRefusal(int acks, List<String> errors) {
    int majority = config.voters().size() / 2 + 1;
    if (acks >= majority) return Optional.empty();
    return Optional.of(new Leader.FenceReply(1, "only " + acks + " of " + config.voters().size() + " voters recorded the mark (need " + majority + ")"
        + (errors.isEmpty() ? "" : ": " + errors)));
  }

  /**
   * DRBD 9 runs unfence-peer on the primary once its peer resynced; DRBD 8.4's equivalent,
   * after-resync-target, runs on the copy that resynced. Either way the copy that is not primary
   * takes the primary's history.
   */
  Step unfencePeer(String resource, String requester, Optional<String> named, long now) {
    Optional<Resource> r = config.resource(resource);
    Optional<String> other = r.flatMap(res -> replicas.peerOf(requester, named));
    boolean requesterResynced = r.isPresent() && other.isPresent()
        && model.statusOf(resource, other.get()).map(st -> st.role() == Role.PRIMARY).orElse(false)
        && !model.statusOf(resource, requester).map(st -> st.role() == Role.PRIMARY).orElse(false);
    String primaryNode = requesterResynced ? other.get() : requester;
    Optional<String> peer = requesterResynced ? Optional.of(requester) : other;
    Optional<LedgerSummary> mine = r.flatMap(res -> model.statusOf(resource, primaryNode)).flatMap(ResourceStatus::ledger);
    if (r.isEmpty() || peer.isEmpty() || mine.isEmpty() || model.report(peer.get()) == null || !model.reachable(peer.get(), now)) {
      return new Answer(1, "cannot mark the peer current: " + (r.isEmpty() ? "unknown resource" : peer.isEmpty() ? "no peer"
          : mine.isEmpty() ? primaryNode + "'s ledger is not known" : peer.get() + " is not reachable"));
    }
    return new MarkCurrent(peer.get(), new LedgerEvent.SyncCompleted(mine.get().current(), mine.get().lineage()), mine.get().current());
  }

  /**
   * DRBD found a split brain the ledgers may not show (without fencing both copies can carry the
   * same generation and still both have written): flag both copies; from then on the gate refuses
   * both and the policy (or an operator) resolves it like any other.
   */
  Step replicaSplitBrain(String resource, String reporter, Optional<String> named, OptionalLong handlerAgeMillis, Optional<Resolving> resolving,
      long now) {
    Optional<Resource> r = config.resource(resource);
    Optional<String> peer = r.flatMap(res -> replicas.peerOf(reporter, named));
    if (r.isEmpty() || peer.isEmpty()) return new Answer(1, "cannot tell the split brain's two nodes (" + reporter + ", " + named.orElse("?") + ")");
    if (resolving.isPresent() && Set.of(reporter, peer.get()).equals(Set.of(resolving.get().victim(), resolving.get().survivor()))) {
      // DRBD's handshake during the victim's rejoin: the split brain this saga is resolving.
      return new Answer(0, "split brain between " + reporter + " and " + peer.get() + " is being resolved");
    }
    Optional<Long> resolvedAt = model.splitBrainResolvedAt(resource, reporter, peer.get());
    if (resolvedAt.isPresent() && handlerAgeMillis.isPresent() && now - handlerAgeMillis.getAsLong() * 1_000_000 < resolvedAt.get()) {
      // DRBD ran this handler before the resolution ended: it reports the split brain just
      // resolved (a slow hook: a JVM on a small CPU took 27 s in the VM lab, the resolution less).
      String why = reporter + "'s split-brain handler began " + handlerAgeMillis.getAsLong() / 1000 + " s ago, before the split brain between "
          + reporter + " and " + peer.get() + " was resolved " + Duration.ofNanos(now - resolvedAt.get()).toSeconds() + " s ago";
      return new Answer(new Leader.FenceReply(0, why + "; nothing recorded"), why + ": nothing recorded");
    }
    return new Note(reporter, peer.get(), new Leader.FenceReply(0, "split brain between " + reporter + " and " + peer.get() + " recorded; policy "
        + r.get().replication().splitBrainPolicy() + " decides"));
  }
}
