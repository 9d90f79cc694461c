package io.hanfs.alerts;

import io.hanfs.sbr.history.HistoryEvent;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One attempt of one hook for one event, as a child of the AlertDispatcher: it starts the
 * attempt (the script runs on the alerts dispatcher, the webhook on the HTTP client's threads),
 * reports its one outcome and stops. The attempt is bounded by the hook's timeout.
 */
public final class AlertDelivery {
  private AlertDelivery() {}

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Finished(AlertHook.Outcome outcome) implements Command {}

  /** What the parent hears: {@code seq} names the attempt. */
  public record Ended(AlertHook.Kind hook, long seq, AlertHook.Outcome outcome) implements NoSerializationVerificationNeeded {}

  public static Behavior<Command> create(AlertHook hook, HistoryEvent event, String json, long seq, ActorRef<Ended> parent) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(hook.attempt(event, json), (o, err) -> new Finished(o != null ? o
          : new AlertHook.Outcome(false, err == null ? "no outcome" : String.valueOf(err.getMessage()))));
      return Behaviors.receive(Command.class)
          .onMessage(Finished.class, f -> {
            parent.tell(new Ended(hook.kind(), seq, f.outcome()));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
