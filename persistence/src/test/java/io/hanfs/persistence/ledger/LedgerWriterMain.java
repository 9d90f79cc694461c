package io.hanfs.persistence.ledger;

import com.typesafe.config.ConfigFactory;
import io.hanfs.persistence.ledger.LedgerEvent.Demoted;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Test helper run in its own JVM by {@link LedgerKillTest}: writes Demoted(1), Demoted(2), ... to
 * one ledger, one at a time, and prints "acked N" after each acknowledgement, until it is killed.
 */
public final class LedgerWriterMain {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "writer",
        LedgerStore.config(new LedgerStore.H2(dir)).withFallback(ConfigFactory.load()));
    // The schema first: a ledger that recovers before its tables exist fails.
    LedgerStore.createSchema(system).toCompletableFuture().join();
    ActorRef<ResourceLedger.Command> ledger = system.systemActorOf(ResourceLedger.create("home", "d1"), "ledger", Props.empty());
    System.out.println("ready");
    System.out.flush();
    for (long i = 1; ; i++) {
      long n = i;
      AskPattern.<ResourceLedger.Command, ResourceLedger.Recorded>ask(ledger, reply -> new ResourceLedger.Record(new Demoted(n), reply),
          Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().join();
      System.out.println("acked " + n);
      System.out.flush();
    }
  }
}
