package io.hanfs.leader;

import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.LeaderFence;
import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.LeaderDecision;
import io.hanfs.sbr.LeaderEffect;
import io.hanfs.voter.Voters;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Where the leader serves DRBD's handlers: {@link FenceRequests} decides from the model, and the
 * work that waits is a named child per request ({@link FenceVoteCollector} for a fence-peer's
 * vote, {@link UnfencePeerWrite} for an unfence-peer). Part of the leader (its context, its
 * thread); the fence mark enters the model before the handler is answered.
 */
final class FenceDesk {
  private final ActorContext<Leader.Command> ctx;
  private final ClusterModel model;
  private final FenceRequests fences;
  private final DecisionInput inputs;
  private final Sagas sagas;
  private final Voters voters;
  private final Sagas.Recorder recorder;
  private final io.hanfs.metrics.Metrics metrics;
  private final LeaderHistory history;
  private long nextRequest = 1;

  FenceDesk(ActorContext<Leader.Command> ctx, ClusterModel model, FenceRequests fences, DecisionInput inputs, Sagas sagas, Voters voters,
      Sagas.Recorder recorder, io.hanfs.metrics.Metrics metrics, LeaderHistory history) {
    this.history = history;
    this.ctx = ctx;
    this.model = model;
    this.fences = fences;
    this.inputs = inputs;
    this.sagas = sagas;
    this.voters = voters;
    this.recorder = recorder;
    this.metrics = metrics;
  }

  void fencePeer(Leader.FencePeer f) {
    FenceRequests.Step step = fences.fencePeer(f.resource(), f.requester(), f.peer(), sagas.resolving(f.resource()), System.nanoTime());
    if (step instanceof FenceRequests.Vote v) {
      ActorRef<Leader.Command> self = ctx.getSelf();
      ctx.spawn(FenceVoteCollector.create(voters, f.resource(), v.peer(), v.at(), Duration.ofSeconds(5),
          o -> self.tell(new Leader.FenceVotes(f.resource(), f.requester(), v.peer(), v.at(), o.recorded().size(), o.errors(), f.replyTo()))),
          "fence-votes-" + nextRequest++);
      ctx.getLog().info("resource {}: fence-peer from {}: marking {} outdated at generation {} with the voters", f.resource(), f.requester(), v.peer(), v.at());
    } else if (step instanceof FenceRequests.Answer a) {
      f.replyTo().tell(a.reply());
    }
  }

  void votesCounted(Leader.FenceVotes v) {
    var refused = fences.votesRefusal(v.acks(), v.errors());
    if (refused.isPresent()) {
      v.replyTo().tell(refused.get());
      return;
    }
    model.fenceRecorded(v.resource(), v.peer(), v.at());
    metrics.fenceMarkRecorded(v.resource(), v.peer());
    history.fenced(v.resource(), v.peer(), v.requester());
    // The marks decide from now on; the ledgers keep the history (best effort: a node that is
    // cut off records its side when it is told again, and the marks stand meanwhile).
    NodeAgent.Report req = model.report(v.requester());
    if (req != null) recorder.record(req, v.resource(), new LedgerEvent.PeerOutdated(v.peer(), v.at()));
    NodeAgent.Report peer = model.report(v.peer());
    if (peer != null && model.reachable(v.peer(), System.nanoTime())) recorder.record(peer, v.resource(), new LedgerEvent.Outdated(v.at()));
    ctx.getLog().warn("resource {}: {} is outdated (generation {} goes on on {}), recorded by {} voters", v.resource(), v.peer(), v.at(), v.requester(), v.acks());
    v.replyTo().tell(new Leader.FenceReply(4, v.peer() + " is outdated: " + v.acks() + " voters hold the mark; " + v.requester()
        + " writes on at generation " + v.at()));
  }

  void unfencePeer(Leader.UnfencePeer u) {
    FenceRequests.Step step = fences.unfencePeer(u.resource(), u.requester(), u.peer(), System.nanoTime());
    if (step instanceof FenceRequests.MarkCurrent m) {
      ctx.spawn(UnfencePeerWrite.create(model.report(m.peer()).agent(), model.stamp(0), u.resource(), m.peer(), m.event(), m.at(), u.replyTo()),
          "unfence-peer-" + nextRequest++);
    } else if (step instanceof FenceRequests.Answer a) {
      u.replyTo().tell(a.reply());
    }
  }

  void replicaSplitBrain(Leader.ReplicaSplitBrain d) {
    FenceRequests.Step step = fences.replicaSplitBrain(d.resource(), d.reporter(), d.peer(), d.handlerAgeMillis(), sagas.resolving(d.resource()),
        System.nanoTime());
    if (step instanceof FenceRequests.Note n) {
      List<LeaderEffect> note = LeaderDecision.noteSplitBrain(n.reporter(), n.peer(), inputs.current(d.resource(), n.reporter()),
          inputs.current(d.resource(), n.peer()));
      for (LeaderEffect e : note) {
        if (e instanceof LeaderEffect.Alarm a) ctx.getLog().error("resource {}: {}", d.resource(), a.message());
        if (e instanceof LeaderEffect.RecordSplitBrain s && model.report(s.node()) != null) {
          recorder.record(model.report(s.node()), d.resource(), new LedgerEvent.SplitBrainDetected(s.peer(), s.mine(), s.theirs()));
        }
      }
      d.replyTo().tell(n.reply());
    } else if (step instanceof FenceRequests.Answer a) {
      if (!a.log().isEmpty()) ctx.getLog().info("resource {}: {}", d.resource(), a.log());
      d.replyTo().tell(a.reply());
    }
  }
}
