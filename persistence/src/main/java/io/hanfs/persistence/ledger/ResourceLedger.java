package io.hanfs.persistence.ledger;

import io.hanfs.sbr.data.LedgerSummary;
import org.apache.pekko.actor.typed.ActorRef;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One data node's persisted history of one resource: an event-sourced actor over the node's own
 * journal (embedded H2 by default, PostgreSQL by config). A {@link Record} is acknowledged only
 * once its event is in the journal, so whoever acts on the acknowledgement (a promotion, a fence
 * answer to DRBD) acts on history that survives a crash.
 */
public final class ResourceLedger extends EventSourcedBehavior<ResourceLedger.Command, LedgerEvent, LedgerState> {

  public sealed interface Command extends LedgerSerializable {}

  /** Persist {@code event}; the reply comes after it is on disk. */
  public record Record(LedgerEvent event, ActorRef<Recorded> replyTo) implements Command {}

  public record GetSummary(ActorRef<Recorded> replyTo) implements Command {}

  /** The ledger after the event (or now): the summary for the gate and the raw state for status. */
  public record Recorded(LedgerSummary summary, LedgerState state) implements LedgerSerializable {}

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
  public LedgerState emptyState() {
    return LedgerState.EMPTY;
  }

  @Override
  public CommandHandler<Command, LedgerEvent, LedgerState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Record.class, (state, cmd) -> Effect().persist(cmd.event())
            .thenReply(cmd.replyTo(), s -> new Recorded(s.summary(node), s)))
        .onCommand(GetSummary.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Recorded(state.summary(node), state)))
        .build();
  }

  @Override
  public EventHandler<LedgerState, LedgerEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(LedgerState::apply);
  }

  /** A snapshot every 100 events keeps recovery short; older events go with the older snapshots. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
