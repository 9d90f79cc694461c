package io.hanfs.persistence.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: a JVM writes ledger events one by one and is killed with SIGKILL in the middle;
 * every event it saw acknowledged must be in the journal afterwards.
 */
class LedgerKillTest {
  @Test
  void everyAcknowledgedEventSurvivesKillMinus9(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process writer = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        LedgerWriterMain.class.getName(), dir.toString())).redirectErrorStream(true).start();
    // Read its output on a thread of our own, so that a writer that hangs cannot hang the test.
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    StringBuilder other = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) lines.add(line);
      } catch (IOException ignored) {
        // the writer is gone
      }
      lines.add("EOF");
    }, "writer-output");
    reader.start();
    long lastAcked = 0;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (lastAcked < 300 && System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line == null) continue;
        if (line.equals("EOF")) break;
        if (line.startsWith("acked ")) lastAcked = Long.parseLong(line.substring(6));
        else other.append(line).append('\n');
      }
      // SIGKILL while it is writing: no shutdown hook, no flush. (kill(1) by PID: Process.destroy
      // would also close our end of its output, and we still read what it printed.)
      Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(writer.pid())).start();
      assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
      assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
      reader.join(10_000);
      // Lines the writer printed before it died are acknowledgements too.
      for (String line; (line = lines.poll()) != null; ) {
        if (line.startsWith("acked ")) lastAcked = Long.parseLong(line.substring(6));
      }
    } finally {
      writer.destroyForcibly();
    }
    assertEquals(137, writer.exitValue(), "the writer was killed by SIGKILL");
    assertTrue(lastAcked >= 300, "the writer acknowledged only " + lastAcked + " events in 90 s; it said:\n" + other);

    ActorTestKit kit = ActorTestKit.create("recover", LedgerStore.config(new LedgerStore.H2(dir)).withFallback(ConfigFactory.load()));
    try {
      ActorRef<ResourceLedger.Command> ledger = kit.spawn(ResourceLedger.create("home", "d1"));
      TestProbe<ResourceLedger.Recorded> probe = kit.createTestProbe();
      ledger.tell(new ResourceLedger.GetSummary(probe.ref()));
      LedgerState state = probe.expectMessageClass(ResourceLedger.Recorded.class, Duration.ofSeconds(30)).state();
      // Events are Demoted(1..n) in order: the count and the highest epoch both cover every ack.
      assertTrue(state.events() >= lastAcked, "acknowledged " + lastAcked + " events, recovered " + state.events());
      assertTrue(state.lastEpoch() >= lastAcked, "acknowledged up to " + lastAcked + ", recovered up to " + state.lastEpoch());
      assertEquals(state.events(), state.lastEpoch(), "no event lost in the middle");
      System.out.println("ledger kill -9: acknowledged " + lastAcked + ", recovered " + state.events());
    } finally {
      kit.shutdownTestKit();
      // Closed before JUnit removes the directory: H2's exit hook would re-create it for a trace file.
      String url = LedgerStore.config(new LedgerStore.H2(dir)).getString("pekko-persistence-jdbc.shared-databases.ledger.db.url");
      try (Connection c = DriverManager.getConnection(url, "sa", "")) {
        c.createStatement().execute("SHUTDOWN");
      }
    }
  }
}
