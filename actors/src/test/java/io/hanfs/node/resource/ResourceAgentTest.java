package io.hanfs.node.resource;

import io.hanfs.sbr.Role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.HanfsConfig.Resource;
import io.hanfs.node.resource.lease.LeaseView;
import io.hanfs.sbr.Refusal;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.ReplicationFacts;
import io.hanfs.voter.LeaseContract;
import io.hanfs.voter.LeaseVoter;
import io.hanfs.voter.Voters;
import io.hanfs.persistence.EpochStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ResourceAgentTest {
  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path dir;
  List<String> journal;
  Map<String, ScriptedLayer> layers;
  EpochStore epochs;

  @BeforeEach
  void setUp() throws Exception {
    journal = new CopyOnWriteArrayList<>();
    layers = new LinkedHashMap<>();
    for (String n : ResourceAgent.ORDER) layers.put(n, new ScriptedLayer(n, journal));
    epochs = new EpochStore(dir.resolve("epochs"));
  }

  /** A one-node config with the shared-disk resource "home"; {@code settings} go at the top of hanfs {}. */
  public static String config(String settings, String address, int threshold) {
    return """
        hanfs {
          %s
          nodes = [ { name = n1, address = "%s" } ]
          resources = [ {
            name = home
            replication { type = shared }
            filesystem { device = "/dev/sdb", mountpoint = "/srv/home" }
            nfs { state-dir = "/srv/home/.state", exports = [ { path = "/srv/home", clients = "*", fsid = 1 } ] }
            floating-ip { address = "10.1.1.100/24", interface = eth0 }
            monitor-interval = 100ms
            migration-threshold = %d
            failure-timeout = 60s
            operation-timeout = 5s
          } ]
        }
        """.formatted(settings, address, threshold);
  }

  static Resource resource(int threshold) throws Exception {
    return ConfigLoader.parse(config("", "10.1.1.1", threshold)).resources().get(0);
  }

  static final HanfsConfig.Lease LEASE = new HanfsConfig.Lease(Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ofSeconds(5));
  static final LeaseContract CONTRACT = new LeaseContract(1500, 300, "one-node test");

  ActorRef<ResourceAgent.Command> spawn(int threshold) throws Exception {
    return spawn(threshold, CONTRACT);
  }

  /** @param holderContract the lease settings this node's agent asks under (the voter keeps CONTRACT) */
  ActorRef<ResourceAgent.Command> spawn(int threshold, LeaseContract holderContract) throws Exception {
    // A real voter (this test's single-node majority) answers the lease; its epochs go to the temp dir.
    ActorRef<LeaseVoter.Command> voter = testKit.spawn(LeaseVoter.create("n1", new EpochStore(dir.resolve("voter")), dir.resolve("marks"), CONTRACT, Duration.ZERO));
    spawned.add(voter);
    Map<String, Layer> asLayers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    TestProbe<ResourceStatus> statuses = testKit.createTestProbe();
    ActorRef<ResourceAgent.Command> agent = testKit.spawn(ResourceAgent.create(resource(threshold), asLayers, new LeaseView(LEASE.margin()), () -> { },
        new ResourceAgent.LeaseSettings("n1", new Voters(Map.of("n1", voter)), LEASE, holderContract), epochs, statuses.getRef(), Executors.newCachedThreadPool()));
    spawned.add(agent);
    return agent;
  }

  final List<ActorRef<?>> spawned = new java.util.ArrayList<>();

  /** Each test gets its own voter: the previous test's voter and agent are stopped. */
  @org.junit.jupiter.api.AfterEach
  void stopSpawned() {
    spawned.forEach(r -> testKit.stop(r, Duration.ofSeconds(5)));
    spawned.clear();
  }

  ResourceStatus status(ActorRef<ResourceAgent.Command> agent) {
    TestProbe<ResourceStatus> p = testKit.createTestProbe();
    agent.tell(new ResourceAgent.GetStatus(p.getRef()));
    return p.receiveMessage();
  }

  ResourceAgent.Reply promote(ActorRef<ResourceAgent.Command> agent, long epoch) {
    TestProbe<ResourceAgent.Reply> p = testKit.createTestProbe();
    agent.tell(new ResourceAgent.Promote(epoch, p.getRef()));
    return p.receiveMessage(Duration.ofSeconds(10));
  }

  ResourceAgent.Reply demote(ActorRef<ResourceAgent.Command> agent, long epoch) {
    TestProbe<ResourceAgent.Reply> p = testKit.createTestProbe();
    agent.tell(new ResourceAgent.Demote(epoch, p.getRef()));
    return p.receiveMessage(Duration.ofSeconds(10));
  }

  void awaitRole(ActorRef<ResourceAgent.Command> agent, Role role) {
    awaitAssert(() -> assertEquals(role, status(agent).role(), "role never became " + role));
  }

  /** Waits until the resource is primary again after {@code failures} monitor failures. */
  void awaitRestarted(ActorRef<ResourceAgent.Command> agent, int failures) {
    awaitAssert(() -> {
      ResourceStatus s = status(agent);
      assertTrue(s.role().equals(Role.PRIMARY) && s.recentFailures() == failures, "never restarted: " + s);
    });
  }

  /** Pekko's awaitAssert, with room for a busy machine. */
  void awaitAssert(org.apache.pekko.japi.function.Effect check) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(50), () -> {
      check.apply();
      return null;
    });
  }

  @Test
  void messagesAreSerializedAsBetweenNodes() {
    assertTrue(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages"));
  }

  @Test
  void promoteBottomUpDemoteTopDown() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    ResourceAgent.Reply r = promote(agent, 0);
    assertInstanceOf(ResourceAgent.Done.class, r);
    assertEquals(Role.PRIMARY, ((ResourceAgent.Done) r).status().role());
    assertEquals(1, epochs.current("home"), "the epoch is persisted");
    assertInstanceOf(ResourceAgent.Done.class, demote(agent, 0));
    assertEquals(List.of("start replication", "start filesystem", "start nfs", "start floating-ip",
        "stop floating-ip", "stop nfs", "stop filesystem", "stop replication"), journal);
  }

  @Test
  void promoteAndDemoteTwiceChangeNothingTheSecondTime() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    promote(agent, 0);
    ResourceAgent.Reply again = promote(agent, 0);
    assertInstanceOf(ResourceAgent.Done.class, again);
    assertEquals(1, ((ResourceAgent.Done) again).status().epoch(), "no new epoch for a no-op");
    demote(agent, 0);
    assertInstanceOf(ResourceAgent.Done.class, demote(agent, 0));
    assertEquals(8, journal.size(), journal.toString());
  }

  @Test
  void failedStartRollsBackWhatWasStartedInReverse() throws Exception {
    layers.get("nfs").failStarts.set(1);
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    ResourceAgent.Reply r = promote(agent, 0);
    ResourceAgent.Failed f = assertInstanceOf(ResourceAgent.Failed.class, r);
    assertTrue(f.message().contains("nfs start failed"), f.message());
    assertEquals(Role.START_FAILED, f.status().role());
    assertEquals(List.of("start replication", "start filesystem", "start nfs", "stop nfs", "stop filesystem", "stop replication"), journal);
    assertTrue(layers.values().stream().noneMatch(l -> l.active.get()));
    assertInstanceOf(ResourceAgent.Done.class, promote(agent, 0), "a later promote may succeed");
  }

  /** Another holder's hold on the data is not this node's failure: rolled back, secondary, said so. */
  @Test
  void aStartRefusedBecauseTheDataIsHeldElsewhereIsNotAFailureHere() throws Exception {
    layers.get("filesystem").heldStarts.set(1);
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    ResourceAgent.Failed f = assertInstanceOf(ResourceAgent.Failed.class, promote(agent, 0));
    assertTrue(f.heldElsewhere(), f.toString());
    assertTrue(f.message().contains("in use elsewhere"), f.message());
    assertEquals(Role.SECONDARY, f.status().role(), "eligible again at once");
    assertTrue(f.status().message().contains("held elsewhere"), f.status().message());
    assertEquals(List.of("start replication", "start filesystem", "stop filesystem", "stop replication"), journal);
    ResourceAgent.Failed plain = null;
    layers.get("filesystem").failStarts.set(1);
    plain = assertInstanceOf(ResourceAgent.Failed.class, promote(agent, 0));
    assertTrue(!plain.heldElsewhere() && plain.status().role().equals(Role.START_FAILED), plain.toString());
  }

  @Test
  void failedStopFencesTheNodeAndRefusesPromotion() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    promote(agent, 0);
    layers.get("filesystem").failStops.set(1);
    journal.clear();
    ResourceAgent.Failed f = assertInstanceOf(ResourceAgent.Failed.class, demote(agent, 0));
    assertEquals(Role.STOP_FAILED, f.status().role());
    assertTrue(f.status().message().contains("fenced"), f.status().message());
    assertEquals(List.of("stop floating-ip", "stop nfs", "stop filesystem", "stop floating-ip", "stop nfs"), journal);
    assertTrue(!layers.get("floating-ip").active.get() && !layers.get("nfs").active.get(), "VIP and NFS are down");
    ResourceAgent.Refused refused = assertInstanceOf(ResourceAgent.Refused.class, promote(agent, 0));
    assertEquals(Refusal.Reason.STOP_FAILED, refused.reason());
    assertInstanceOf(ResourceAgent.Done.class, demote(agent, 0), "a clean demote clears the fence");
    assertEquals(Role.SECONDARY, status(agent).role());
  }

  /** A healthy monitor's changed detail and facts (DRBD's peer reconnected and resynced) reach the status the leader reads. */
  @Test
  void aHealthyMonitorsNewDetailReachesTheStatus() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    assertTrue(promote(agent, 1) instanceof ResourceAgent.Done);
    assertEquals(Optional.empty(), status(agent).replication());
    ReplicationFacts linked = new ReplicationFacts(ReplicationFacts.Kind.DRBD, true, true, -1, false, DiskState.UP_TO_DATE);
    layers.get("replication").monitorReplication = Optional.of(linked);
    layers.get("replication").monitorDetail = "drbd r0 Connected Primary/Secondary UpToDate/UpToDate";
    awaitAssert(() -> assertEquals("drbd r0 Connected Primary/Secondary UpToDate/UpToDate",
        status(agent).layers().stream().filter(l -> l.name().equals("replication")).findFirst().orElseThrow().detail()));
    awaitAssert(() -> assertEquals(Optional.of(linked), status(agent).replication()));
    assertEquals(Role.PRIMARY, status(agent).role());
  }

  @Test
  void promoteDuringPromoteIsRefusedAsBusy() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    CountDownLatch gate = new CountDownLatch(1);
    layers.get("filesystem").startGate = gate;
    TestProbe<ResourceAgent.Reply> first = testKit.createTestProbe();
    agent.tell(new ResourceAgent.Promote(0, first.getRef()));
    awaitRole(agent, Role.PROMOTING);
    ResourceAgent.Refused busy = assertInstanceOf(ResourceAgent.Refused.class, promote(agent, 0));
    assertEquals(Refusal.Reason.BUSY, busy.reason());
    assertEquals(Refusal.Reason.BUSY, ((ResourceAgent.Refused) demote(agent, 0)).reason());
    gate.countDown();
    assertInstanceOf(ResourceAgent.Done.class, first.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  void staleEpochsAreRejected() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    assertInstanceOf(ResourceAgent.Done.class, promote(agent, 5));
    assertEquals(5, epochs.current("home"));
    assertEquals(Refusal.Reason.STALE_EPOCH, ((ResourceAgent.Refused) demote(agent, 4)).reason());
    assertInstanceOf(ResourceAgent.Done.class, demote(agent, 5));
    assertEquals(Refusal.Reason.STALE_EPOCH, ((ResourceAgent.Refused) promote(agent, 5)).reason());
    assertInstanceOf(ResourceAgent.Done.class, promote(agent, 6));
  }

  @Test
  void monitorFailureRestartsTheLayerAndThoseAboveItOnly() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    promote(agent, 0);
    journal.clear();
    layers.get("nfs").healthy.set(false);
    awaitRestarted(agent, 1);
    assertEquals(List.of("stop floating-ip", "stop nfs", "start nfs", "start floating-ip"), journal);
    assertEquals(1, status(agent).recentFailures());
  }

  @Test
  void pastTheMigrationThresholdTheStackGoesDownAndAsksToMove() throws Exception {
    var agent = spawn(2);
    awaitRole(agent, Role.SECONDARY);
    promote(agent, 0);
    layers.get("floating-ip").healthy.set(false);
    awaitRestarted(agent, 1);
    layers.get("floating-ip").healthy.set(false);
    awaitRole(agent, Role.NEEDS_MOVE);
    assertTrue(layers.values().stream().noneMatch(l -> l.active.get()), "nothing left running");
    assertTrue(status(agent).message().contains("failed 2 times"), status(agent).message());
  }

  @Test
  void aRunningStackIsAdoptedWithoutStartingAnything() throws Exception {
    epochs.advanceTo("home", 4);
    layers.values().forEach(l -> l.active.set(true));
    var agent = spawn(3);
    awaitRole(agent, Role.PRIMARY);
    assertEquals(4, status(agent).epoch());
    assertTrue(status(agent).message().contains("adopted"));
    assertEquals(List.of(), journal);
  }

  @Test
  void aStackWhoseLowerLayersRunIsCompletedUnderTheLease() throws Exception {
    epochs.advanceTo("home", 2);
    layers.get("replication").active.set(true);
    layers.get("filesystem").active.set(true);
    layers.get("nfs").active.set(true);
    var agent = spawn(3);
    awaitRole(agent, Role.PRIMARY);
    assertEquals(List.of("start replication", "start filesystem", "start nfs", "start floating-ip"), journal,
        "the starts of running layers are no-ops; only the VIP really starts");
    assertEquals(2, status(agent).epoch());
  }

  @Test
  void aStackWithAHoleIsTakenDownAtStartup() throws Exception {
    layers.get("filesystem").active.set(true);
    layers.get("floating-ip").active.set(true);
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    assertEquals(List.of("stop floating-ip", "stop nfs", "stop filesystem", "stop replication"), journal);
  }

  @Test
  void aPromotionWithoutTheLeaseChangesNothing() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    // Another holder owns the lease at the (only) voter: this node must not promote.
    TestProbe<LeaseVoter.Answer> p = testKit.createTestProbe();
    @SuppressWarnings("unchecked")
    ActorRef<LeaseVoter.Command> voter = (ActorRef<LeaseVoter.Command>) spawned.get(0);
    // Kept sleep, the time under test: past the new voter's quiet period (a lease and its margin).
    Thread.sleep(LEASE.duration().plus(LEASE.margin()).toMillis() + 100);
    voter.tell(new LeaseVoter.Request("home", "n2", 7, 1, CONTRACT, p.getRef()));
    assertInstanceOf(LeaseVoter.Granted.class, p.receiveMessage());
    ResourceAgent.Refused r = assertInstanceOf(ResourceAgent.Refused.class, promote(agent, 0));
    assertEquals(Refusal.Reason.LEASE_NOT_GRANTED, r.reason());
    assertTrue(r.message().contains("epoch 1 is stale") || r.message().contains("held by n2"), r.message());
    assertEquals(List.of(), journal, "no layer was touched");
    assertEquals(Role.SECONDARY, status(agent).role());
  }

  @Test
  void aHolderWithOtherLeaseSettingsIsRefusedWithTheReason() throws Exception {
    var agent = spawn(3, new LeaseContract(10_000, 300, CONTRACT.nodes()));
    awaitRole(agent, Role.SECONDARY);
    ResourceAgent.Refused r = assertInstanceOf(ResourceAgent.Refused.class, promote(agent, 0));
    assertEquals(Refusal.Reason.LEASE_NOT_GRANTED, r.reason());
    assertTrue(r.message().contains("lease settings differ: hanfs.lease.duration is 10000 ms there, 1500 ms here"), r.message());
    assertEquals(List.of(), journal, "no layer was touched");
    assertTrue(status(agent).message().contains("lease settings differ"), status(agent).message());
  }

  @Test
  void losingTheLeaseTakesTheStackDownVipFirst() throws Exception {
    var agent = spawn(3);
    awaitRole(agent, Role.SECONDARY);
    promote(agent, 0);
    journal.clear();
    // The voter disappears: no majority renews the lease any more.
    testKit.stop(spawned.get(0), Duration.ofSeconds(5));
    long t0 = System.nanoTime();
    awaitRole(agent, Role.SECONDARY);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(List.of("stop floating-ip", "stop nfs", "stop filesystem", "stop replication"), journal);
    assertTrue(status(agent).message().contains("lease lost"), status(agent).message());
    assertTrue(tookMs < LEASE.duration().toMillis() + 1000, "stopped within the lease: " + tookMs + " ms");
  }

  /** A malformed ledger write id is refused before the ledger is asked (and says what to send). */
  @Test
  void aLedgerWriteWithABadWriteIdIsRefused() throws Exception {
    ActorRef<ResourceAgent.Command> agent = spawn(3);
    TestProbe<ResourceAgent.Reply> p = testKit.createTestProbe();
    agent.tell(new ResourceAgent.RecordLedger(new io.hanfs.persistence.ledger.LedgerEvent.PeerConnected("n2"), "has space", p.getRef()));
    ResourceAgent.Refused refused = assertInstanceOf(ResourceAgent.Refused.class, p.receiveMessage(Duration.ofSeconds(10)));
    assertEquals(Refusal.Reason.BAD_WRITE_ID, refused.reason());
    assertTrue(refused.message().contains("writeId") && refused.message().contains("visible ASCII"), refused.message());
  }
}
