package io.hanfs.persistence.history;

import io.hanfs.sbr.history.HistoryEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Reads a node's {@link HistoryJournal} back (Pekko Persistence Query over the jdbc journal, the
 * ledgers' shared database): what {@code GET /hanfs/events} and {@code hanfs history} show. The
 * journal is in arrival order, which is not time order (a replica arrives late, clocks differ a
 * little), so the newest are chosen by {@link HistoryEvent#atMillis()}, then id.
 */
public final class HistoryReader {
  /** Time order: by the origin's clock, ties broken by id so that every node orders alike. */
  public static final Comparator<HistoryEvent> BY_TIME = Comparator.comparingLong(HistoryEvent::atMillis).thenComparing(HistoryEvent::id);

  /**
   * @param resource only events that {@link HistoryEvent#concerns} it ("" = all)
   * @param sinceMillis only events at or after this time (epoch milliseconds; 0 = all)
   * @param limit at most this many, the newest (at least 1)
   */
  public record Query(String resource, long sinceMillis, int limit) {
    public Query {
      resource = resource == null ? "" : resource;
      if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }

    public boolean matches(HistoryEvent e) {
      return e.concerns(resource) && e.atMillis() >= sinceMillis;
    }
  }

  private final ClassicActorSystemProvider system;
  private final JdbcReadJournal journal;

  public HistoryReader(ClassicActorSystemProvider system) {
    this.system = system;
    this.journal = PersistenceQuery.get(system.classicSystem()).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** The events of {@code node}'s journal that match {@code query}: the newest {@code limit}, oldest first. */
  public CompletionStage<List<HistoryEvent>> read(String node, Query query) {
    return journal.currentEventsByPersistenceId(HistoryJournal.persistenceId(node).id(), 0L, Long.MAX_VALUE)
        .map(EventEnvelope::event)
        .filter(e -> e instanceof HistoryEvent h && query.matches(h))
        .map(e -> (HistoryEvent) e)
        .runWith(Sink.fold(new Newest(query.limit()), Newest::add), system)
        .thenApply(Newest::oldestFirst);
  }

  /**
   * The newest {@code limit} events seen, without holding the whole journal: a heap whose head is
   * the oldest kept. A copy journaled twice (its id had left the journal's window) counts once.
   */
  private static final class Newest {
    private final int limit;
    private final PriorityQueue<HistoryEvent> kept = new PriorityQueue<>(BY_TIME);
    private final Set<String> ids = new HashSet<>();

    Newest(int limit) {
      this.limit = limit;
    }

    Newest add(HistoryEvent e) {
      if (ids.contains(e.id())) return this;
      if (kept.size() == limit) {
        if (BY_TIME.compare(e, kept.peek()) <= 0) return this;
        ids.remove(kept.poll().id());
      }
      kept.add(e);
      ids.add(e.id());
      return this;
    }

    List<HistoryEvent> oldestFirst() {
      List<HistoryEvent> out = new ArrayList<>(kept);
      out.sort(BY_TIME);
      return out;
    }
  }
}
