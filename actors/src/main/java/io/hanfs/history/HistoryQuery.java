package io.hanfs.history;

import io.hanfs.sbr.history.HistoryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One history query (Pekko's DeviceGroupQuery pattern): asks every member's hub for its events,
 * merges them by id as they come, answers once all answered or the timeout passed (naming those
 * that did not), and stops.
 */
final class HistoryQuery {
  private HistoryQuery() {}

  sealed interface Command {}

  private record Answer(ActorRef<EventHub.Command> from, EventHub.Events events) implements Command, NoSerializationVerificationNeeded {}

  private record TimedOut() implements Command, NoSerializationVerificationNeeded {}

  /** {@code template}'s filter is sent to each hub; its replyTo is replaced by this query's. */
  static Behavior<Command> create(Set<ActorRef<EventHub.Command>> hubs, EventHub.ReadLocal template, ActorRef<EventHub.Events> replyTo,
      Duration timeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(new TimedOut(), timeout);
      Set<ActorRef<EventHub.Command>> waiting = new HashSet<>(hubs);
      Map<String, HistoryEvent> byId = new LinkedHashMap<>();
      List<String> unanswered = new ArrayList<>();
      for (ActorRef<EventHub.Command> hub : hubs) {
        ActorRef<EventHub.Events> answer = ctx.messageAdapter(EventHub.Events.class, e -> new Answer(hub, e));
        hub.tell(new EventHub.ReadLocal(template.resource(), template.sinceMillis(), template.limit(), answer));
      }
      Runnable finish = () -> {
        waiting.forEach(h -> unanswered.add(h.path().address().toString()));
        List<HistoryEvent> merged = new ArrayList<>(byId.values());
        merged.sort(Comparator.comparingLong(HistoryEvent::atMillis).thenComparing(HistoryEvent::id));
        List<HistoryEvent> newest = merged.subList(Math.max(0, merged.size() - template.limit()), merged.size());
        replyTo.tell(new EventHub.Events(List.copyOf(newest), List.copyOf(unanswered)));
      };
      if (waiting.isEmpty()) {
        finish.run();
        return Behaviors.stopped();
      }
      return Behaviors.receive(Command.class)
          .onMessage(Answer.class, a -> {
            a.events().events().forEach(e -> byId.putIfAbsent(e.id(), e));
            unanswered.addAll(a.events().unanswered());
            waiting.remove(a.from());
            if (!waiting.isEmpty()) return Behaviors.same();
            finish.run();
            return Behaviors.stopped();
          })
          .onMessage(TimedOut.class, t -> {
            finish.run();
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}
