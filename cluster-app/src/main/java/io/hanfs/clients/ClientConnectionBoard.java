package io.hanfs.clients;

import io.hanfs.CborSerializable;
import io.hanfs.node.resource.floatingip.ClientConnection;
import io.hanfs.node.resource.floatingip.ClientConnectionBook;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * The NFS clients' connections per resource, shared through the cluster with Pekko Distributed
 * Data (a last-writer-wins map, gossiped to every member): the active node writes its own record
 * locally when it changes, and every other member's replica has it within a gossip round, so a
 * node that takes over knows whom to tickle even when the writer is dead. A local cache answers
 * the floating IP layer without asking an actor from its blocking thread.
 */
public final class ClientConnectionBoard {
  private ClientConnectionBoard() {}

  static final org.apache.pekko.cluster.ddata.Key<LWWMap<String, Connections>> KEY = LWWMapKey.create("hanfs-client-connections");

  /** One resource's record, as replicated. */
  public record Connections(List<ClientConnection> connections) implements CborSerializable {}

  public sealed interface Command {}

  /** From this node's floating IP layer: its clients now. */
  public record Record(String resource, List<ClientConnection> connections) implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, Connections>> change) implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private record Updated(Replicator.UpdateResponse<LWWMap<String, Connections>> response) implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  /** The book the layers use: records through the board's actor, reads the cache it keeps. */
  public static final class Book implements ClientConnectionBook {
    private final Map<String, List<ClientConnection>> cache = new ConcurrentHashMap<>();
    private volatile ActorRef<Command> board;

    @Override
    public void record(String resource, List<ClientConnection> connections) {
      ActorRef<Command> b = board;
      if (b != null) b.tell(new Record(resource, List.copyOf(connections)));
    }

    @Override
    public List<ClientConnection> lastRecorded(String resource) {
      return cache.getOrDefault(resource, List.of());
    }
  }

  public static Behavior<Command> create(Book book) {
    return Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
        (ReplicatorMessageAdapter<Command, LWWMap<String, Connections>> replicator) -> {
          book.board = ctx.getSelf();
          replicator.subscribe(KEY, Changed::new);
          return running(ctx, replicator, book, DistributedData.get(ctx.getSystem()).selfUniqueAddress(), io.hanfs.metrics.Metrics.of(ctx.getSystem()));
        }));
  }

  private static Behavior<Command> running(ActorContext<Command> ctx, ReplicatorMessageAdapter<Command, LWWMap<String, Connections>> replicator,
      Book book, SelfUniqueAddress self, io.hanfs.metrics.Metrics metrics) {
    return Behaviors.receive(Command.class)
        .onMessage(Record.class, r -> {
          // Written locally; gossip carries it to the others within a round (a write to a
          // majority would make every monitor tick wait on the network).
          book.cache.put(r.resource(), r.connections());
          metrics.clientConnectionsKnown(r.resource(), r.connections().size());
          replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(), Replicator.writeLocal(), replyTo,
              m -> m.put(self, r.resource(), new Connections(r.connections()))), Updated::new);
          return Behaviors.same();
        })
        .onMessage(Changed.class, c -> {
          if (c.change() instanceof Replicator.Changed<LWWMap<String, Connections>> changed) {
            for (Map.Entry<String, Connections> e : changed.get(KEY).getEntries().entrySet()) {
              book.cache.put(e.getKey(), e.getValue().connections());
              metrics.clientConnectionsKnown(e.getKey(), e.getValue().connections().size());
            }
          }
          return Behaviors.same();
        })
        .onMessage(Updated.class, u -> {
          if (!(u.response() instanceof Replicator.UpdateSuccess)) ctx.getLog().debug("client connections not recorded: {}", u.response());
          return Behaviors.same();
        })
        .build();
  }
}
