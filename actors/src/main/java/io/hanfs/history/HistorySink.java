package io.hanfs.history;

import io.hanfs.sbr.history.HistoryKind;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where an actor tells the cluster's history what happened (the node's {@link EventHub}, which
 * stamps, records, replicates and alerts). Telling never waits: a slow journal or a slow alert hook
 * never delays the promotion that reports through it.
 */
@FunctionalInterface
public interface HistorySink {
  void publish(HistoryKind kind, String resource, String node, long epoch, String reason, Map<String, String> facts);

  /** Records nothing (unit tests without a hub). */
  HistorySink NONE = (kind, resource, node, epoch, reason, facts) -> { };

  static HistorySink to(ActorRef<EventHub.Command> hub) {
    return (kind, resource, node, epoch, reason, facts) -> hub.tell(new EventHub.Publish(kind, resource, node, epoch, reason, facts));
  }
}
