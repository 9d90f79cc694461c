package io.hanfs.history;

import io.hanfs.CborSerializable;
import io.hanfs.persistence.history.HistoryJournal;
import io.hanfs.persistence.history.HistoryReader;
import io.hanfs.sbr.history.HistoryEvent;
import io.hanfs.sbr.history.HistoryKind;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * This node's part of the cluster history. An event told here ({@link Publish}) is stamped (id,
 * time, origin), recorded in this node's journal, sent to every other member's hub, which records
 * it too, and handed to the alert hooks. So every member holds the whole history from when it was
 * up, and a query ({@link Query}) asks every member and merges their answers by id: a failover's
 * story survives the leader moving and the node that ran it dying.
 */
public final class EventHub extends AbstractBehavior<EventHub.Command> {

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "hanfs-history");

  public sealed interface Command extends CborSerializable {}

  /** Local only: something this node saw; the hub stamps it. */
  public record Publish(HistoryKind kind, String resource, String node, long epoch, String reason, Map<String, String> facts)
      implements Command, NoSerializationVerificationNeeded {}

  /** An event a peer recorded, for this node's journal (recorded once by id). */
  public record Replicate(HistoryEvent event) implements Command {}

  /** Local only: the cluster's events that concern {@code resource} ("" for all) since {@code sinceMillis}, the newest {@code limit}. */
  public record Query(String resource, long sinceMillis, int limit, ActorRef<Events> replyTo) implements Command, NoSerializationVerificationNeeded {}

  /** A peer's query asks this node's journal. */
  public record ReadLocal(String resource, long sinceMillis, int limit, ActorRef<Events> replyTo) implements Command {}

  /** {@code unanswered}: members that did not answer in time (their events may be missing). */
  public record Events(List<HistoryEvent> events, List<String> unanswered) implements CborSerializable {}

  private record Peers(Set<ActorRef<Command>> hubs) implements Command, NoSerializationVerificationNeeded {}

  private record Read(ActorRef<Events> replyTo, List<HistoryEvent> events, String error) implements Command, NoSerializationVerificationNeeded {}

  /** How long a query waits for the members' answers. */
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);

  /** The most events one query returns. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * @param onLocal gets each event this node originated, once (the alert hooks)
   */
  public static Behavior<Command> create(String node, int maxEvents, Consumer<HistoryEvent> onLocal) {
    return Behaviors.setup(ctx -> new EventHub(ctx, node, maxEvents, onLocal));
  }

  private final String node;
  private final Consumer<HistoryEvent> onLocal;
  private final ActorRef<HistoryJournal.Command> journal;
  private final HistoryReader reader;
  /** Tells ids of this incarnation apart from the last one's (the counter starts again). */
  private final String incarnation = Long.toHexString(System.currentTimeMillis()) + java.util.UUID.randomUUID().toString().substring(0, 8);
  private Set<ActorRef<Command>> peers = Set.of();
  private long next = 1;
  private long queries;

  private EventHub(ActorContext<Command> ctx, String node, int maxEvents, Consumer<HistoryEvent> onLocal) {
    super(ctx);
    this.node = node;
    this.onLocal = onLocal;
    this.journal = ctx.spawn(HistoryJournal.create(node, maxEvents), "journal");
    this.reader = new HistoryReader(ctx.getSystem());
    ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY,
        ctx.messageAdapter(Receptionist.Listing.class, l -> new Peers(new HashSet<>(l.getServiceInstances(KEY))))));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessage(Replicate.class, r -> {
          journal.tell(new HistoryJournal.Record(r.event(), Optional.empty()));
          return this;
        })
        .onMessage(Peers.class, p -> {
          peers = Set.copyOf(p.hubs());
          return this;
        })
        .onMessage(Query.class, this::onQuery)
        .onMessage(ReadLocal.class, this::onReadLocal)
        .onMessage(Read.class, r -> {
          if (!r.error().isEmpty()) getContext().getLog().warn("history: cannot read this node's journal: {}", r.error());
          r.replyTo().tell(new Events(r.events(), r.error().isEmpty() ? List.of() : List.of(node)));
          return this;
        })
        .build();
  }

  private Behavior<Command> onPublish(Publish p) {
    HistoryEvent e = new HistoryEvent(node + "." + incarnation + "." + (next++), System.currentTimeMillis(), node, p.resource(), p.kind(),
        p.node(), p.epoch(), p.reason(), p.facts());
    journal.tell(new HistoryJournal.Record(e, Optional.empty()));
    for (ActorRef<Command> peer : peers) if (!peer.equals(getContext().getSelf())) peer.tell(new Replicate(e));
    try {
      onLocal.accept(e);
    } catch (RuntimeException ex) {
      getContext().getLog().warn("history: the alert hooks refused {}: {}", e.kind().display(), ex.toString());
    }
    return this;
  }

  private Behavior<Command> onQuery(Query q) {
    Set<ActorRef<Command>> asked = new HashSet<>(peers);
    asked.add(getContext().getSelf());
    getContext().spawn(HistoryQuery.create(asked, new ReadLocal(q.resource(), q.sinceMillis(), clamp(q.limit()), null), q.replyTo(), QUERY_TIMEOUT),
        "history-query-" + (++queries));
    return this;
  }

  private Behavior<Command> onReadLocal(ReadLocal r) {
    getContext().pipeToSelf(reader.read(node, new HistoryReader.Query(r.resource(), r.sinceMillis(), clamp(r.limit()))),
        (events, err) -> new Read(r.replyTo(), err == null ? events : List.of(), err == null ? "" : String.valueOf(err.getMessage())));
    return this;
  }

  private static int clamp(int limit) {
    return Math.max(1, Math.min(MAX_LIMIT, limit));
  }
}
