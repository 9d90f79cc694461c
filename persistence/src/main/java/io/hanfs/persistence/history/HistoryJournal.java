package io.hanfs.persistence.history;

import io.hanfs.persistence.ledger.LedgerSerializable;
import io.hanfs.sbr.history.HistoryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One node's persisted copy of the cluster history: an event-sourced actor over the same journal
 * as the ledgers (embedded H2 or PostgreSQL, see LedgerStore). Every member keeps a full copy, so
 * the same event arrives here more than once (its origin's copy and the replicas): it is journaled
 * once by {@link HistoryEvent#id()}, as long as the id is among the last {@link #REMEMBERED_IDS}.
 *
 * <p>The journal is bounded: old events are deleted on snapshots, keeping at least the newest
 * {@code maxEvents} (see {@link #retention}). Read it back with {@link HistoryReader}.
 */
public final class HistoryJournal extends EventSourcedBehavior<HistoryJournal.Command, HistoryEvent, HistoryJournal.State> {
  /** How many recent event ids the journal remembers: a copy of an older event is journaled again. */
  public static final int REMEMBERED_IDS = 4096;
  public static final int DEFAULT_MAX_EVENTS = 20000;
  /** At most this many events between snapshots: recovery replays no more than these. */
  static final int MAX_SNAPSHOT_EVERY = 1000;

  public sealed interface Command extends LedgerSerializable {}

  /** Journal {@code event} unless its id was recorded recently; {@code replyTo} (if any) hears when it is done. */
  public record Record(HistoryEvent event, Optional<ActorRef<Recorded>> replyTo) implements Command {
    public Record {
      Objects.requireNonNull(event, "event");
      replyTo = replyTo == null ? Optional.empty() : replyTo;
    }
  }

  /** The event {@code id} is in the journal: written now ({@code fresh}) or already there. */
  public record Recorded(String id, boolean fresh) implements LedgerSerializable {}

  /** The actor's state and snapshot: the ids of the last {@link #REMEMBERED_IDS} journaled events, oldest first. */
  public record State(List<String> recentIds) implements LedgerSerializable {
    public static final State EMPTY = new State(List.of());

    public State {
      recentIds = List.copyOf(recentIds);
    }

    public boolean remembers(String id) {
      return recentIds.contains(id);
    }

    public State apply(HistoryEvent event) {
      List<String> ids = new ArrayList<>(recentIds.size() + 1);
      // Drop the oldest first so the copy never exceeds the window.
      ids.addAll(recentIds.size() < REMEMBERED_IDS ? recentIds : recentIds.subList(recentIds.size() - REMEMBERED_IDS + 1, recentIds.size()));
      ids.add(event.id());
      return new State(ids);
    }
  }

  public static PersistenceId persistenceId(String node) {
    return PersistenceId.of("history", node);
  }

  public static Behavior<Command> create(String node) {
    return create(node, DEFAULT_MAX_EVENTS);
  }

  /** @param maxEvents at least this many of the newest events stay in the journal (at least 1) */
  public static Behavior<Command> create(String node, int maxEvents) {
    if (maxEvents < 1) throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
    return Behaviors.setup(ctx -> new HistoryJournal(node, maxEvents));
  }

  private final int maxEvents;

  private HistoryJournal(String node, int maxEvents) {
    // History is never worth a node: a journal that fails (store restarting, disk full) is
    // retried with backoff, like the ledgers, and its callers are told nothing until it is back.
    super(persistenceId(node), SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.maxEvents = maxEvents;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandler<Command, HistoryEvent, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(Record.class, this::onRecord).build();
  }

  private Effect<HistoryEvent, State> onRecord(State state, Record cmd) {
    String id = cmd.event().id();
    if (state.remembers(id)) {
      cmd.replyTo().ifPresent(r -> r.tell(new Recorded(id, false)));
      return Effect().none();
    }
    return Effect().persist(cmd.event()).thenRun(s -> cmd.replyTo().ifPresent(r -> r.tell(new Recorded(id, true))));
  }

  @Override
  public EventHandler<State, HistoryEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return retention(maxEvents);
  }

  /**
   * A snapshot every {@code min(maxEvents, 1000)} events; events older than the oldest of the
   * snapshots kept are deleted. The kept snapshots span at least {@code maxEvents} events, so the
   * journal holds between {@code maxEvents} and {@code maxEvents + 1000} of the newest.
   */
  static RetentionCriteria retention(int maxEvents) {
    int every = Math.min(maxEvents, MAX_SNAPSHOT_EVERY);
    int keep = (maxEvents + every - 1) / every;
    return RetentionCriteria.snapshotEvery(every, keep).withDeleteEventsOnSnapshot();
  }
}
