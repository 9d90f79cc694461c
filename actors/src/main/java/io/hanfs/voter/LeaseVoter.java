package io.hanfs.voter;

import io.hanfs.CborSerializable;
import io.hanfs.persistence.EpochStore;
import io.hanfs.persistence.FenceMarks;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.lease.LeaseGrants;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * This node's vote on active-role leases (every data node and the witness run one). Grants are
 * kept on this node's monotonic clock only. The highest epoch of each resource (and its holder)
 * is persisted before a grant is answered, so a restarted voter never goes back to an older
 * epoch; and for a lease (or restart-grace, after it extended one) plus the margin after its own
 * start it grants nobody but the holder of that persisted epoch, the one grant it may have forgotten.
 */
public final class LeaseVoter extends AbstractBehavior<LeaseVoter.Command> {

  public sealed interface Command extends CborSerializable {}

  /**
   * Grant or renew {@code holder}'s lease on {@code resource} under {@code epoch}; {@code round} is
   * echoed; {@code contract} is the holder's lease settings, refused when they differ from this voter's.
   */
  public record Request(String resource, String holder, long epoch, long round, LeaseContract contract, ActorRef<Answer> replyTo) implements Command {}

  public record Release(String resource, String holder, long epoch) implements Command {}

  /** A longer grant for a daemon restart. */
  public record Extend(String resource, String holder, long epoch, long forMillis, long round, LeaseContract contract, ActorRef<Answer> replyTo)
      implements Command {}

  /** What this voter holds for a resource, for the leader's decisions and for status. */
  public record Inspect(String resource, ActorRef<GrantInfo> replyTo) implements Command {}

  /** @param fenceMarks nodes this voter holds as outdated, with the generation the primary writes on at */
  public record GrantInfo(String voter, String resource, Optional<String> holder, long epoch, long remainingMillis, boolean blocking, long highestEpoch,
      Map<String, Generation> fenceMarks) implements CborSerializable {}

  /** Persist "{@code node}'s copy is outdated; the primary writes on at {@code primaryAt}" (fence-peer). */
  public record RecordFence(String resource, String node, Generation primaryAt, ActorRef<FenceRecorded> replyTo) implements Command {}

  /** The mark is on this voter's disk ({@code ok}), or could not be written. */
  public record FenceRecorded(String voter, boolean ok, String error) implements CborSerializable {}

  public sealed interface Answer extends CborSerializable {
    String voter();

    String resource();

    long round();
  }

  public record Granted(String voter, String resource, long epoch, long round) implements Answer {}

  /** @param settingsDiffer refused for the holder's lease settings: no retry with them can succeed */
  public record Denied(String voter, String resource, long round, String reason, long highestEpoch, boolean settingsDiffer) implements Answer {
    public Denied(String voter, String resource, long round, String reason, long highestEpoch) {
      this(voter, resource, round, reason, highestEpoch, false);
    }
  }

  /**
   * @param markers where this voter notes that it extended a grant for a daemon restart: after a
   *     restart of its own it must then wait out restart-grace, not only a normal lease
   * @param contract this voter's lease settings: a request under other settings is refused
   */
  public static Behavior<Command> create(String nodeName, EpochStore store, java.nio.file.Path markers, LeaseContract contract, Duration restartGrace) {
    return Behaviors.setup(ctx -> new LeaseVoter(ctx, nodeName, store, markers, contract, restartGrace));
  }

  private final String nodeName;
  private final EpochStore store;
  private final LeaseGrants grants;
  private final long startedNanos = System.nanoTime();
  private final java.nio.file.Path markers;
  private final Duration lease;
  private final Duration margin;
  private final Duration restartGrace;
  private final Map<String, Long> quietUntil = new HashMap<>();
  private final Map<String, Optional<String>> persistedHolder = new HashMap<>();
  private final FenceMarks fenceMarks;
  private final LeaseContract contract;
  /** The longest lease (plus margin) a grant this voter may have forgotten was made under. */
  private final Duration forgottenLease;
  private final java.util.Set<LeaseContract> refusedContracts = new java.util.HashSet<>();
  private boolean forgottenLeasePassed;

  private LeaseVoter(ActorContext<Command> ctx, String nodeName, EpochStore store, java.nio.file.Path markers, LeaseContract contract,
      Duration restartGrace) {
    super(ctx);
    this.nodeName = nodeName;
    this.store = store;
    this.markers = markers;
    this.contract = contract;
    this.lease = Duration.ofMillis(contract.durationMillis());
    this.margin = Duration.ofMillis(contract.marginMillis());
    this.restartGrace = restartGrace;
    this.forgottenLease = LeaseHistory.atStart(markers.resolveSibling("voter-lease-settings"), lease.plus(margin));
    this.grants = new LeaseGrants(lease.toNanos(), margin.toNanos());
    try {
      this.fenceMarks = new FenceMarks(markers.resolveSibling("voter-fence-marks"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the voter's fence marks: " + e.getMessage(), e);
    }
  }

  /**
   * Until when, after this voter's start, a grant it forgot may still be live: a normal grant
   * lasts one lease; one extended for a daemon restart (noted on disk) lasts restart-grace.
   */
  private long quietUntil(String resource) {
    return quietUntil.computeIfAbsent(resource, r -> {
      // The lease settings may have changed since the last run: its grants ran under the longest.
      Duration forgotten = forgottenLease.minus(margin);
      Duration extended = ExtensionMarker.remaining(markers.resolve(r + ".extended"), restartGrace);
      if (extended.compareTo(forgotten) > 0) forgotten = extended;
      return startedNanos + forgotten.plus(margin).toNanos();
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Request.class, this::onRequest)
        .onMessage(Release.class, r -> {
          grants.release(r.resource(), r.holder(), r.epoch());
          return this;
        })
        .onMessage(Extend.class, this::onExtend)
        .onMessage(Inspect.class, this::onInspect)
        .onMessage(RecordFence.class, f -> {
          try {
            fenceMarks.record(f.resource(), f.node(), f.primaryAt());
            f.replyTo().tell(new FenceRecorded(nodeName, true, ""));
          } catch (IOException | IllegalArgumentException e) {
            f.replyTo().tell(new FenceRecorded(nodeName, false, e.getMessage()));
          }
          return this;
        })
        .build();
  }

  private long highest(String resource) {
    if (!persistedHolder.containsKey(resource)) {
      try {
        Optional<String> holder = store.holder(resource);
        if (holder.isPresent()) grants.restoreHighest(resource, store.current(resource), holder.get());
        else grants.restoreHighest(resource, store.current(resource));
        persistedHolder.put(resource, holder);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the voter's epoch of " + resource + ": " + e.getMessage(), e);
      }
    }
    return grants.highestEpoch(resource);
  }

  /** The holder's settings differ from this voter's: refused, said once per holder's settings in the log. */
  private Optional<String> contractRefusal(String holder, LeaseContract theirs) {
    Optional<String> why = contract.mismatch(theirs);
    if (why.isPresent() && refusedContracts.add(theirs)) {
      getContext().getLog().warn("voter {}: refusing {}'s lease requests: {}", nodeName, holder, why.get());
    }
    return why.map(w -> "voter " + nodeName + ": " + w);
  }

  private void noteForgottenLeasePassed(long now) {
    if (forgottenLeasePassed || now < startedNanos + forgottenLease.toNanos()) return;
    forgottenLeasePassed = true;
    LeaseHistory.settle(markers.resolveSibling("voter-lease-settings"), lease.plus(margin));
  }

  private Behavior<Command> onRequest(Request r) {
    long now = System.nanoTime();
    Optional<String> refusal = contractRefusal(r.holder(), r.contract());
    if (refusal.isPresent()) {
      r.replyTo().tell(new Denied(nodeName, r.resource(), r.round(), refusal.get(), highest(r.resource()), true));
      return this;
    }
    noteForgottenLeasePassed(now);
    long top = highest(r.resource());
    Optional<String> lastHolder = persistedHolder.get(r.resource());
    // Every grant this voter ever answered was for (highest epoch, its holder), and at most one is
    // live at a time: after a restart only that holder may be granted until a forgotten grant
    // (possibly extended for a daemon restart) must have run out.
    if (now < quietUntil(r.resource()) && grants.current(r.resource(), now).isEmpty() && lastHolder.isPresent()
        && !lastHolder.get().equals(r.holder())) {
      r.replyTo().tell(new Denied(nodeName, r.resource(), r.round(),
          "voter " + nodeName + " restarted recently and may have forgotten a grant to " + lastHolder.get() + " (epoch " + top + ")", top));
      return this;
    }
    LeaseGrants.Answer a = grants.request(r.resource(), r.holder(), r.epoch(), now);
    if (a instanceof LeaseGrants.Granted g) {
      if (g.epoch() > top) {
        try {
          store.advanceTo(r.resource(), g.epoch(), r.holder());
          persistedHolder.put(r.resource(), Optional.of(r.holder()));
        } catch (IOException e) {
          grants.release(r.resource(), r.holder(), r.epoch());
          r.replyTo().tell(new Denied(nodeName, r.resource(), r.round(), "cannot persist epoch: " + e.getMessage(), top));
          return this;
        }
      }
      r.replyTo().tell(new Granted(nodeName, r.resource(), g.epoch(), r.round()));
    } else {
      LeaseGrants.Refused d = (LeaseGrants.Refused) a;
      r.replyTo().tell(new Denied(nodeName, r.resource(), r.round(), d.reason(), d.highestEpoch()));
    }
    return this;
  }

  private Behavior<Command> onExtend(Extend e) {
    Optional<String> refusal = contractRefusal(e.holder(), e.contract());
    if (refusal.isPresent()) {
      e.replyTo().tell(new Denied(nodeName, e.resource(), e.round(), refusal.get(), highest(e.resource()), true));
      return this;
    }
    try {
      // Noted before granting: a restart of this voter must then respect the longer grant.
      ExtensionMarker.write(markers.resolve(e.resource() + ".extended"), e.holder(), e.epoch());
    } catch (IOException ex) {
      e.replyTo().tell(new Denied(nodeName, e.resource(), e.round(), "cannot note the extension: " + ex.getMessage(), grants.highestEpoch(e.resource())));
      return this;
    }
    LeaseGrants.Answer a = grants.extend(e.resource(), e.holder(), e.epoch(), System.nanoTime(), Duration.ofMillis(e.forMillis()).toNanos());
    if (a instanceof LeaseGrants.Granted g) e.replyTo().tell(new Granted(nodeName, e.resource(), g.epoch(), e.round()));
    else e.replyTo().tell(new Denied(nodeName, e.resource(), e.round(), ((LeaseGrants.Refused) a).reason(), grants.highestEpoch(e.resource())));
    return this;
  }

  private Map<String, Generation> marks(String resource) {
    try {
      return fenceMarks.marks(resource);
    } catch (IOException e) {
      // Unreadable marks must not read as "no marks": report every data copy as fenced at the top.
      getContext().getLog().error("fence marks of {} unreadable: {}", resource, e.getMessage());
      return Map.of("*", new Generation(Long.MAX_VALUE / 2, 0));
    }
  }

  private Behavior<Command> onInspect(Inspect i) {
    long now = System.nanoTime();
    long top = highest(i.resource());
    Optional<LeaseGrants.Grant> g = grants.current(i.resource(), now);
    i.replyTo().tell(new GrantInfo(nodeName, i.resource(), g.map(LeaseGrants.Grant::holder), g.map(LeaseGrants.Grant::epoch).orElse(0L),
        g.map(x -> (x.expiresAtNanos() - now) / 1_000_000).orElse(0L), grants.blocking(i.resource(), now), top, marks(i.resource())));
    return this;
  }
}
