package io.hanfs.persistence.ledger;

import io.hanfs.sbr.data.LedgerSummary;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One data node's persisted history of one resource: an event-sourced actor over the node's own
 * journal (embedded H2 by default, PostgreSQL by config). A {@link Record} is acknowledged only
 * once its event is in the journal, so whoever acts on the acknowledgement (a promotion, a fence
 * answer to DRBD) acts on history that survives a crash. A Record with a write id the ledger
 * recorded recently is answered without being journaled again: a writer whose answer was lost may
 * ask again (ledger events are not idempotent: a second PeerOutdated moves the generation on).
 *
 * <p>The journal holds {@link LedgerEntry} values: events without an id stay bare LedgerEvents (so
 * old journals and snapshots load), events with one are wrapped. Not forward compatible: a journal
 * or snapshot written with ids cannot be read by an older hanfs.
 */
public final class ResourceLedger extends EventSourcedBehavior<ResourceLedger.Command, LedgerEntry, LedgerWithWriteIds> {
  /** How many recent write ids a ledger remembers: a retry of an older write is journaled again. */
  public static final int MAX_WRITE_IDS = 512;

  static final int MAX_WRITE_ID_LENGTH = 128;

  public sealed interface Command extends LedgerSerializable {}

  /**
   * Persist {@code event}; the reply comes after it is on disk. A {@code writeId} the ledger
   * remembers (one of the last {@link #MAX_WRITE_IDS}) is answered with the ledger as it is, not
   * persisted again; "" means no id (always persisted). See {@link #writeIdProblem}.
   */
  public record Record(LedgerEvent event, String writeId, ActorRef<Recorded> replyTo) implements Command {
    public Record {
      writeIdProblem(writeId).ifPresent(p -> {
        throw new IllegalArgumentException(p);
      });
    }

    public Record(LedgerEvent event, ActorRef<Recorded> replyTo) {
      this(event, "", replyTo);
    }
  }

  public record GetSummary(ActorRef<Recorded> replyTo) implements Command {}

  /** The ledger after the event (or now): the summary for the gate and the raw state for status. */
  public record Recorded(LedgerSummary summary, LedgerState state) implements LedgerSerializable {}

  /**
   * What is wrong with {@code writeId} as a Record's id, if anything: it must be "" (no id) or 1 to
   * 128 visible ASCII characters (0x21-0x7e), so that it journals and logs unambiguously.
   */
  public static Optional<String> writeIdProblem(String writeId) {
    String fix = "; use \"\" (no id) or 1-" + MAX_WRITE_ID_LENGTH + " visible ASCII characters (0x21-0x7e)";
    if (writeId == null) return Optional.of("the write id is null" + fix);
    if (writeId.length() > MAX_WRITE_ID_LENGTH) return Optional.of("the write id is " + writeId.length() + " characters long" + fix);
    for (int i = 0; i < writeId.length(); i++) {
      char c = writeId.charAt(i);
      if (c < 0x21 || c > 0x7e) return Optional.of("the write id has character 0x" + Integer.toHexString(c) + " at " + i + fix);
    }
    return Optional.empty();
  }

  public static PersistenceId persistenceId(String resource, String node) {
    return PersistenceId.of("ledger", resource + "@" + node);
  }

  public static Behavior<Command> create(String resource, String node) {
    return Behaviors.setup(ctx -> new ResourceLedger(resource, node));
  }

  private final String node;

  private ResourceLedger(String resource, String node) {
    // A journal that is not there yet (schema being created, PostgreSQL restarting) is retried
    // with backoff instead of stopping the ledger for good.
    super(persistenceId(resource, node), SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.node = node;
  }

  @Override
  public LedgerWithWriteIds emptyState() {
    return LedgerWithWriteIds.EMPTY;
  }

  @Override
  public CommandHandler<Command, LedgerEntry, LedgerWithWriteIds> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Record.class, (state, cmd) -> state.remembers(cmd.writeId())
            ? Effect().reply(cmd.replyTo(), recorded(state))
            : Effect().persist(LedgerEntry.of(cmd.writeId(), cmd.event())).thenReply(cmd.replyTo(), this::recorded))
        .onCommand(GetSummary.class, (state, cmd) -> Effect().reply(cmd.replyTo(), recorded(state)))
        .build();
  }

  private Recorded recorded(LedgerWithWriteIds state) {
    return new Recorded(state.ledger().summary(node), state.ledger());
  }

  @Override
  public EventHandler<LedgerWithWriteIds, LedgerEntry> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(LedgerWithWriteIds::apply);
  }

  /** Snapshots from before write ids are a bare LedgerState: they load with no remembered ids. */
  @Override
  public SnapshotAdapter<LedgerWithWriteIds> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(LedgerWithWriteIds state) {
        return state;
      }

      @Override
      public LedgerWithWriteIds fromJournal(Object from) {
        return LedgerWithWriteIds.fromSnapshot(from);
      }
    };
  }

  /** A snapshot every 100 events keeps recovery short; older events go with the older snapshots. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
