package io.hanfs.leader;

import static io.hanfs.leader.LeaderFixture.PATIENCE;
import static io.hanfs.leader.LeaderFixture.ledger;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.node.NodeAgent;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.Generation;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's maintenance mode reaches a node whose report was late when it was asked. */
class LeaderMaintenanceTest {
  @TempDir static Path dir;
  static LeaderFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new LeaderFixture(dir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static boolean off(NodeAgent.Command m) {
    return m instanceof NodeAgent.SetMaintenance s && !s.on();
  }

  @Test
  void aNodeStillInMaintenanceIsToldAgainAtItsNextReport() {
    TestProbe<NodeAgent.Command> d1 = fx.agent();
    TestProbe<NodeAgent.Command> d2 = fx.agent();
    fx.reportHome(d1, "d1", Role.SECONDARY, ledger("d1", false, Generation.NONE));
    fx.reportHome(d2, "d2", Role.SECONDARY, ledger("d2", false, Generation.NONE));
    TestProbe<Leader.ControlReply> reply = fx.kit.createTestProbe();
    fx.leader.tell(new Leader.Maintenance(false, reply.ref()));
    assertTrue(reply.receiveMessage(PATIENCE).accepted());
    d1.fishForMessage(PATIENCE, "maintenance off", m -> off(m) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    d2.fishForMessage(PATIENCE, "maintenance off", m -> off(m) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    // d1 missed it (its flag still on in its next report): told again; d2 took it: not told again.
    fx.reportHome(d1, "d1", Role.SECONDARY, ledger("d1", false, Generation.NONE));
    d1.fishForMessage(PATIENCE, "maintenance off again", m -> off(m) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    fx.report("d2", d2, false, LeaderFixture.resourceStatus("home", Role.SECONDARY, ledger("d2", false, Generation.NONE), java.util.Optional.empty()));
    assertFalse(LeaderFixture.expectNoneMatching(d2, Duration.ofSeconds(2), LeaderMaintenanceTest::off, "told again").stream()
        .anyMatch(LeaderMaintenanceTest::off));
  }
}
