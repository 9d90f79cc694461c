package io.hanfs.leader;

import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.replication.DrbdLayer;
import io.hanfs.node.resource.replication.DrbdState;
import java.util.OptionalLong;
import io.hanfs.sbr.Role;
import static org.junit.jupiter.api.Assertions.fail;

import io.hanfs.config.HanfsConfig;
import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.persistence.EpochStore;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import io.hanfs.testkit.LoopbackCluster;
import io.hanfs.voter.LeaseContract;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Creator;
import org.apache.pekko.japi.function.Effect;

/**
 * A Leader behavior in the loopback cluster: d1 is this JVM's first actor system, d2 a second one
 * (so that it is a member too; the witness is not up), three real LeaseVoters with their files
 * under the state dir, and the waits and reports the leader's wiring tests share. Test probes
 * stand in for the data nodes' agents.
 */
final class LeaderFixture implements AutoCloseable {
  /** Generous for a busy 2-core machine: the leader decides on a 100 ms tick. */
  static final Duration PATIENCE = Duration.ofSeconds(20);

  final HanfsConfig config;
  final Path dir;
  final ActorTestKit kit;
  final ActorTestKit kit2;
  final Voters voters;
  final ActorRef<Leader.Command> leader;

  /**
   * The resources: home and web (DRBD resource-only fencing), data (split-brain policy
   * discard-younger-primary), mail and files (the defaults).
   */
  LeaderFixture(Path dir) throws Exception {
    this.dir = dir;
    config = LoopbackCluster.config(dir, String.join(", ",
        LoopbackCluster.drbdResource("home", 0, "fencing = resource-only"),
        LoopbackCluster.drbdResource("data", 1, "split-brain-policy = discard-younger-primary"),
        LoopbackCluster.drbdResource("web", 2, "fencing = resource-only"),
        LoopbackCluster.drbdResource("mail", 3, ""),
        LoopbackCluster.drbdResource("files", 4, "")));
    kit = LoopbackCluster.member("127.0.0.1", config.remotingPort());
    LoopbackCluster.join(kit, kit);
    kit2 = LoopbackCluster.member("127.0.0.2", config.remotingPort());
    LoopbackCluster.join(kit2, kit);
    Map<String, ActorRef<LeaseVoter.Command>> voterRefs = new LinkedHashMap<>();
    for (String voter : List.of("d1", "d2", "w")) {
      Path v = dir.resolve(voter);
      voterRefs.put(voter, kit.spawn(LeaseVoter.create(voter, new EpochStore(v.resolve("voter-epochs")), v.resolve("voter-extensions"),
          LeaseContract.of(config), Duration.ZERO), "voter-" + voter));
    }
    voters = new Voters(voterRefs);
    leader = kit.spawn(Leader.create(config, "w", voters), "leader");
  }

  @Override
  public void close() {
    kit2.shutdownTestKit();
    kit.shutdownTestKit();
  }

  TestProbe<NodeAgent.Command> agent() {
    return kit.createTestProbe(NodeAgent.Command.class);
  }

  static LedgerSummary ledger(String node, boolean outdated, Generation... lineage) {
    return new LedgerSummary(node, lineage[lineage.length - 1], List.of(lineage), outdated, false, lineage[lineage.length - 1].epoch());
  }

  /**
   * One resource's state as a node reports it, UpToDate, its epoch the ledger's last;
   * {@code replication}: the replication layer's answer, if any, as its detail and facts.
   */
  static ResourceStatus resourceStatus(String resource, Role role, LedgerSummary ledger, Optional<Layer.Probe> replication) {
    List<ResourceStatus.LayerStatus> layers = replication
        .map(p -> List.of(new ResourceStatus.LayerStatus("replication", p.active() ? "up" : "down", p.detail()))).orElse(List.of());
    return new ResourceStatus(resource, role, ledger.lastEpoch(), "", layers, 0, Optional.of(ledger), "UpToDate",
        replication.flatMap(Layer.Probe::replication));
  }

  /**
   * What DRBD's replication layer answers in state "CSTATE ROLE/PEERROLE DISK/PEERDISK", with its
   * out-of-sync count and split-brain finding, built as the layer builds it.
   */
  static Layer.Probe drbd(String res, String cstate, String roles, String disks, OptionalLong oos, boolean splitBrain) {
    String[] ro = roles.split("/");
    String[] ds = disks.split("/");
    return DrbdLayer.probeOf(new DrbdState(res, ro[0], ro[1], cstate, ds[0], ds[1]), oos, splitBrain);
  }

  static Layer.Probe drbd(String res, String cstate, String roles, String disks) {
    return drbd(res, cstate, roles, disks, OptionalLong.empty(), false);
  }

  /** A node agent's report; with maintenance on, the leader itself promotes nothing. */
  void report(String node, TestProbe<NodeAgent.Command> agent, boolean maintenance, ResourceStatus... resources) {
    leader.tell(new Leader.NodeReported(new NodeAgent.Report(node, agent.ref(), false, maintenance, List.of(resources))));
  }

  /** Resource "home", maintenance on, so that the leader itself promotes nothing while the test talks to it. */
  void reportHome(TestProbe<NodeAgent.Command> agent, String node, Role role, LedgerSummary ledger) {
    report(node, agent, true, resourceStatus("home", role, ledger, Optional.empty()));
  }

  /** Resource "data" only, maintenance off: the leader acts on it by itself. */
  void reportData(TestProbe<NodeAgent.Command> agent, String node, Role role, LedgerSummary ledger, Optional<Layer.Probe> replication) {
    report(node, agent, false, resourceStatus("data", role, ledger, replication));
  }

  /** Resource "web", maintenance on, with DRBD's answer as the replication layer's. */
  void reportWeb(TestProbe<NodeAgent.Command> agent, String node, Role role, Layer.Probe drbd, LedgerSummary ledger) {
    report(node, agent, true, resourceStatus("web", role, ledger, Optional.of(drbd)));
  }

  /** Runs {@code report} every {@code every} until closed, as the nodes' agents report on their own. */
  static AutoCloseable reporting(Duration every, Runnable report) {
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
    reporter.scheduleAtFixedRate(report, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return () -> {
      reporter.shutdownNow();
      reporter.awaitTermination(5, TimeUnit.SECONDS);
    };
  }

  Leader.ClusterStatus status() {
    TestProbe<Leader.ClusterStatus> p = kit.createTestProbe();
    leader.tell(new Leader.GetClusterStatus(p.ref()));
    return p.receiveMessage(Duration.ofSeconds(5));
  }

  Leader.ResourceView view(String resource) {
    return status().resources().stream().filter(r -> r.name().equals(resource)).findFirst().orElseThrow();
  }

  /** What the leader says of {@code node}'s copy of {@code resource}: its data and the gate's verdict. */
  String data(String resource, String node) {
    return view(resource).dataByNode().getOrDefault(node, "");
  }

  /** Until d2's actor system is an up member too. */
  void awaitMember() {
    awaitAssert(LoopbackCluster.FORMATION, () -> {
      long up = status().members().stream().filter(m -> m.status().equals("up")).count();
      if (up < 2) fail("members up: " + up);
    });
  }

  /** Pekko's awaitAssert: {@code check} retried until it passes (returning its value) or {@code max} is over. */
  <A> A awaitAssert(Duration max, Creator<A> check) {
    return kit.createTestProbe().awaitAssert(max, Duration.ofMillis(200), check);
  }

  /** The same for a check that returns nothing. */
  void awaitAssert(Duration max, Effect check) {
    LoopbackCluster.awaitAssert(kit, max, check);
  }

  /** The next leader command of this type to {@code agent} (others ignored), which must have come fenced. */
  static <T extends NodeAgent.LeaderCommand> T expect(TestProbe<NodeAgent.Command> agent, Class<T> type) {
    return type.cast(unfenced(agent.fishForMessage(PATIENCE, "a " + type.getSimpleName(),
        m -> type.isInstance(unfenced(m)) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0)));
  }

  /** The next message to {@code agent}: a leader command of this type in its fenced envelope. */
  static <T extends NodeAgent.LeaderCommand> T fenced(TestProbe<NodeAgent.Command> agent, Class<T> type, Duration max) {
    return type.cast(unfenced(agent.expectMessageClass(NodeAgent.Fenced.class, max)));
  }

  /** The command inside a leader's envelope (its term set); a bare message is returned as it is. */
  static Object unfenced(NodeAgent.Command m) {
    if (!(m instanceof NodeAgent.Fenced f)) return m;
    if (f.stamp().term() <= 0) throw new AssertionError("a leader command without a term: " + f);
    return f.command();
  }

  /**
   * What is asserted is that nothing {@code bad} reaches {@code probe} during the whole window;
   * other messages are ignored. Returns every message seen.
   */
  static <M> List<M> expectNoneMatching(TestProbe<M> probe, Duration window, Predicate<M> bad, String what) {
    List<M> seen = new ArrayList<>();
    long end = System.nanoTime() + window.toNanos();
    for (long left = window.toNanos(); left > 0; left = end - System.nanoTime()) {
      M m;
      try {
        m = probe.receiveMessage(Duration.ofNanos(left));
      } catch (AssertionError windowOver) {
        break;
      }
      seen.add(m);
      if (bad.test(m)) fail(what + ": " + seen);
    }
    return seen;
  }
}
