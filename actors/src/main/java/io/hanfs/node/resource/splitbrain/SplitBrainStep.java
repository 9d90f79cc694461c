package io.hanfs.node.resource.splitbrain;

import io.hanfs.sbr.data.Generation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One split-brain step of one resource, as a child of its ResourceAgent: discard this copy (save
 * its changes since the split, then rejoin so the peer resyncs it) or keep it (reconnect so the
 * peer resyncs from here). It runs the step off the actor thread, reports once and stops.
 */
public final class SplitBrainStep {
  private SplitBrainStep() {}

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Finished(Optional<Path> rescuePath, String error) implements Command {}

  /** What the parent hears: {@code error} is empty on success. */
  public record Ended(boolean discard, String peer, Optional<String> rescuePath, String error) implements NoSerializationVerificationNeeded {}

  /**
   * @param sinceMillis for a discard: files changed after this moment are saved
   * @param generation for a discard: the generation the saved changes belong to, named in the rescue directory
   */
  public static Behavior<Command> create(SplitBrainRecovery recovery, boolean discard, String peer, long sinceMillis,
      Optional<Generation> generation, Executor blocking, ActorRef<Ended> parent) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
        try {
          if (!discard) {
            recovery.reconnect();
            return Optional.<Path>empty();
          }
          return Optional.of(recovery.discard(sinceMillis, generation.map(Generation::toString).orElse("unknown")));
        } catch (IOException e) {
          throw new CompletionException(e);
        }
      }, blocking), (path, err) -> new Finished(path == null ? Optional.empty() : path, err == null ? "" : describe(err)));
      return Behaviors.receive(Command.class)
          .onMessage(Finished.class, f -> {
            parent.tell(new Ended(discard, peer, f.rescuePath().map(Path::toString), f.error()));
            return Behaviors.stopped();
          })
          .build();
    });
  }

  private static String describe(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return String.valueOf(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName());
  }
}
