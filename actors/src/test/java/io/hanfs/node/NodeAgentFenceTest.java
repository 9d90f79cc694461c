package io.hanfs.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.ResourceAgent;
import io.hanfs.node.resource.ResourceAgentTest;
import io.hanfs.node.resource.ScriptedLayer;
import io.hanfs.persistence.EpochStore;
import io.hanfs.sbr.LeaderFence.Stamp;
import io.hanfs.sbr.Refusal;
import io.hanfs.sbr.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's commands pass one check on the node: its term, then the resource's epoch. */
class NodeAgentFenceTest {
  ActorTestKit kit;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aCommandFromAnOlderLeaderTermOrEpochIsRefusedAndTheTermIsReported() throws Exception {
    HanfsConfig config = ConfigLoader.parse(ResourceAgentTest.config("state-dir = \"" + dir.resolve("state") + "\"", "127.0.0.1", 3));
    new EpochStore(dir.resolve("epochs")).advanceTo("home", 4);
    List<String> journal = new CopyOnWriteArrayList<>();
    TestProbe<NodeAgent.Report> reports = kit.createTestProbe();
    ActorRef<NodeAgent.Command> node = kit.spawn(NodeAgent.create(config, "n1", new EpochStore(dir.resolve("epochs")), (r, view) -> {
      Map<String, Layer> layers = new LinkedHashMap<>();
      for (String n : List.of("replication", "filesystem", "nfs", "floating-ip")) layers.put(n, new ScriptedLayer(n, journal));
      return new LayerFactory.Stack(layers, () -> { }, Optional.empty());
    }, reports.getRef(), false));
    // The stack probes at start; a demote of a standing-by resource is done at once once it stands by.
    reports.fishForMessage(Duration.ofSeconds(20), r -> r.resources().stream().anyMatch(s -> s.role() == Role.SECONDARY)
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete() : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    TestProbe<ResourceAgent.Reply> replies = kit.createTestProbe();

    node.tell(new NodeAgent.Fenced(new Stamp(3, 4), new NodeAgent.Demote("home", 4, replies.getRef())));
    assertInstanceOf(ResourceAgent.Done.class, replies.receiveMessage(Duration.ofSeconds(10)));
    reports.fishForMessage(Duration.ofSeconds(10), r -> r.leaderTerm() == 3
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete() : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());

    node.tell(new NodeAgent.Fenced(new Stamp(2, 9), new NodeAgent.Demote("home", 9, replies.getRef())));
    ResourceAgent.Refused old = assertInstanceOf(ResourceAgent.Refused.class, replies.receiveMessage(Duration.ofSeconds(10)));
    assertEquals(Refusal.Reason.STALE_LEADER, old.reason());
    assertTrue(old.message().contains("term 3"), old.message());

    node.tell(new NodeAgent.Fenced(new Stamp(5, 3), new NodeAgent.Demote("home", 3, replies.getRef())));
    assertEquals(Refusal.Reason.STALE_EPOCH, assertInstanceOf(ResourceAgent.Refused.class, replies.receiveMessage(Duration.ofSeconds(10))).reason());

    node.tell(new NodeAgent.Fenced(new Stamp(0, 4), new NodeAgent.Demote("home", 4, replies.getRef())));
    assertEquals(Refusal.Reason.STALE_LEADER, assertInstanceOf(ResourceAgent.Refused.class, replies.receiveMessage(Duration.ofSeconds(10))).reason());

    node.tell(new NodeAgent.Fenced(new Stamp(5, 4), new NodeAgent.Demote("nope", 4, replies.getRef())));
    assertEquals(Refusal.Reason.UNKNOWN_RESOURCE, assertInstanceOf(ResourceAgent.Refused.class, replies.receiveMessage(Duration.ofSeconds(10))).reason());
  }
}
