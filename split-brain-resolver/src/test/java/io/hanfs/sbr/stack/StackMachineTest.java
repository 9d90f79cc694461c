package io.hanfs.sbr.stack;

import static io.hanfs.sbr.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.Role;
import io.hanfs.sbr.data.DiskState;
import io.hanfs.sbr.data.ReplicationFacts;
import io.hanfs.sbr.stack.StackEvent.*;
import io.hanfs.sbr.stack.StackMachine.Transition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every named state against every event. The table {@code stack-transitions.txt} holds the role,
 * the transition and the effects of each pair, reviewed by hand; the invariants below hold for all
 * of them whatever the table says.
 */
class StackMachineTest {
  static final Set<Class<?>> REQUESTS = Set.of(Promote.class, Demote.class, ResolveSplitBrain.class, PrepareRestart.class);

  @Test
  void everyStateAgainstEveryEventIsAsTheTableSays() throws IOException {
    List<String> actual = new ArrayList<>();
    for (Map.Entry<String, StackState> s : states().entrySet()) {
      actual.add("## " + s.getKey() + " = " + row(new Transition(s.getValue(), List.of())));
      for (Map.Entry<String, StackEvent> e : events(s.getValue()).entrySet()) {
        actual.add(s.getKey() + " + " + e.getKey() + " -> " + row(M.apply(s.getValue(), e.getValue())));
      }
    }
    List<String> expected;
    try (InputStream in = getClass().getResourceAsStream("stack-transitions.txt")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank() && !l.startsWith("#!")).toList();
    }
    if (!expected.equals(actual)) {
      StringBuilder diff = new StringBuilder();
      for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
        String x = i < expected.size() ? expected.get(i) : "(none)";
        String y = i < actual.size() ? actual.get(i) : "(none)";
        if (!x.equals(y)) diff.append("\nexpected: ").append(x).append("\n  actual: ").append(y);
      }
      throw new AssertionError("the stack machine differs from stack-transitions.txt:" + diff + "\n\nall rows:\n" + String.join("\n", actual));
    }
  }

  @Test
  void invariantsHoldForEveryStateAndEvent() {
    int pairs = 0;
    for (Map.Entry<String, StackState> s : states().entrySet()) {
      for (Map.Entry<String, StackEvent> e : events(s.getValue()).entrySet()) {
        String where = s.getKey() + " + " + e.getKey();
        StackState before = s.getValue();
        Transition t = M.apply(before, e.getValue());
        StackState after = t.state();
        List<StackEffect> fx = t.effects();
        pairs++;
        List<StackEffect.RunLayer> runs = fx.stream().filter(StackEffect.RunLayer.class::isInstance).map(StackEffect.RunLayer.class::cast).toList();
        assertTrue(runs.size() <= 1, where + ": one step at a time");
        runs.forEach(r -> assertEquals(r.layer(), after.plan().get(0).layer(), where + ": the step run is the plan's head"));
        runs.stream().filter(r -> r.layer() == StackLayer.FLOATING_IP && r.op() == LayerOp.START).forEach(r ->
            assertTrue(StackLayer.ORDER.subList(0, 3).stream().allMatch(l -> after.layer(l).state() == LayerState.UP),
                where + ": clients reach the floating IP only when everything below it is up"));
        if (!after.busy()) assertTrue(after.plan().isEmpty(), where + ": an idle stack has no plan");
        assertTrue(after.epoch() >= before.epoch(), where + ": the epoch never goes back");
        fx.stream().filter(StackEffect.AcquireLease.class::isInstance).forEach(a ->
            assertEquals(after.epoch(), ((StackEffect.AcquireLease) a).epoch(), where + ": the lease is asked under the stack's epoch"));
        if (after.role() == Role.PRIMARY && before.role() != Role.PRIMARY) {
          assertTrue(StackLayer.ORDER.stream().allMatch(l -> after.layer(l).state() == LayerState.UP), where + ": primary only with every layer up");
        }
        long answers = fx.stream().filter(f -> f instanceof StackEffect.Reply || f instanceof StackEffect.AwaitOutcome
            || f instanceof StackEffect.ExtendLease || f instanceof StackEffect.StartSplitBrainStep || (f instanceof StackEffect.RecordLedger r && r.purpose() == StackEffect.LedgerPurpose.REQUESTER)).count();
        if (REQUESTS.contains(e.getValue().getClass())) {
          assertEquals(1, answers, where + ": a request is answered once, now or later");
        } else if (!(e.getValue() instanceof SplitBrainStepEnded)) {
          assertEquals(0, answers, where + ": only a request is answered");
        }
        boolean refused = fx.stream().anyMatch(f -> f instanceof StackEffect.Reply r && r.response() instanceof Response.Refused);
        if (refused) assertEquals(before, after, where + ": a refusal changes nothing");
        if (fx.stream().anyMatch(StackEffect.Complete.class::isInstance)) {
          assertTrue(before.busy(), where + ": only a transition that ran completes a request");
        }
        if (before.role() == Role.STOP_FAILED && e.getValue() instanceof Promote) {
          assertTrue(refused, where + ": a fenced node refuses promotion");
        }
      }
    }
    assertTrue(pairs > 400, "pairs " + pairs);
    assertEquals(Set.of(Role.values()).size() - 1, roles(states()).size(), "every role a node reports is among the states");
  }

  @Test
  void aPromotionRecordsTheGenerationBeforeTheLeaseAndTheLayers() {
    Transition t = drive(secondary(), new Promote(0, Optional.of(new Force("admin", "peer lost"))));
    assertEquals("secondary (persist_epoch): await, persist 5", row(t));
    t = drive(t, new EpochPersisted(5));
    assertEquals("promoting (acquire): ledger Forced note, ledger Promoted promotion", row(t));
    t = drive(t, new PromotionRecorded(true, ""));
    assertEquals("promoting (acquire): acquire 5", row(t));
    t = drive(t, new LeaseAcquired());
    assertEquals("promoting (promote): run replication start", row(t));
    List<String> steps = new ArrayList<>();
    while (!t.state().plan().isEmpty()) {
      t = head(t, true);
      steps.add(row(t));
    }
    assertEquals(List.of("promoting (promote): run filesystem start", "promoting (promote): run nfs start",
        "promoting (promote): run floating-ip start", "primary: monitor on, complete done"), steps);
  }

  @Test
  void aFailedStartRollsBackWhatStartedAndAHeldCopyIsNotTheNodesFault() {
    Transition t = drive(secondary(), new Promote(0, Optional.empty()), new EpochPersisted(5), new PromotionRecorded(true, ""), new LeaseAcquired());
    t = head(t, true);
    t = M.apply(t.state(), new LayerCompleted(StackLayer.FILESYSTEM, LayerOp.START, false, false, false, "", Optional.empty(), "held by n2", true));
    assertEquals("promoting (rollback): run filesystem stop", row(t));
    t = head(t, true);
    assertEquals("promoting (rollback): run replication stop", row(t));
    t = head(t, true);
    // The device became writable here, so no PromotionAborted: the generation may hold writes.
    assertEquals("secondary: release, complete failed held-elsewhere", row(t));
  }

  /** The replication layer's facts travel with its detail: a monitor updates them, a step keeps them, a failure drops them. */
  @Test
  void theReplicationFactsFollowTheLayersDetail() {
    ReplicationFacts linked = new ReplicationFacts(ReplicationFacts.Kind.DRBD, true, true, -1, false, DiskState.UP_TO_DATE);
    ReplicationFacts cut = new ReplicationFacts(ReplicationFacts.Kind.DRBD, false, false, 8, false, DiskState.UP_TO_DATE);
    Transition t = drive(primary(), new Monitored(StackLayer.REPLICATION, "linked", Optional.of(linked)));
    assertEquals(new StackState.LayerView(LayerState.UP, "linked", Optional.of(linked)), t.state().layer(StackLayer.REPLICATION));
    t = drive(t, new Monitored(StackLayer.REPLICATION, "cut", Optional.of(cut)));
    assertEquals(Optional.of(cut), t.state().layer(StackLayer.REPLICATION).replication());
    t = drive(t, new Demote(0));
    while (t.state().plan().get(0).layer() != StackLayer.REPLICATION) t = head(t, true);
    assertEquals(new StackState.LayerView(LayerState.STOPPING, "cut", Optional.of(cut)), t.state().layer(StackLayer.REPLICATION));
    t = head(t, true);
    assertEquals(Role.SECONDARY, t.state().role());
    assertEquals(Optional.empty(), t.state().layer(StackLayer.REPLICATION).replication(), "the fixture's stop probe has none");
    t = drive(primary(), new Monitored(StackLayer.REPLICATION, "linked", Optional.of(linked)), new MonitorFailed(StackLayer.REPLICATION, "gone", 1));
    assertEquals(new StackState.LayerView(LayerState.FAILED, "gone", Optional.empty()), t.state().layer(StackLayer.REPLICATION));
  }

  @Test
  void monitorFailuresRestartTheLayerAndAboveThenMoveAwayPastTheThreshold() {
    Transition t = drive(primary(), new MonitorFailed(StackLayer.NFS, "nfsd gone", 1));
    assertEquals(List.of(new StackState.Step(StackLayer.FLOATING_IP, LayerOp.STOP), new StackState.Step(StackLayer.NFS, LayerOp.STOP),
        new StackState.Step(StackLayer.NFS, LayerOp.START), new StackState.Step(StackLayer.FLOATING_IP, LayerOp.START)), t.state().plan());
    t = settle(t, Set.of());
    assertEquals(Role.PRIMARY, t.state().role());
    // Outside failure-timeout the first failure no longer counts.
    t = settle(drive(t, new MonitorFailed(StackLayer.NFS, "nfsd gone", 2)), Set.of());
    t = drive(t, new MonitorFailed(StackLayer.NFS, "nfsd gone", 2 + MINUTE));
    assertEquals(Role.RESTARTING, t.state().role());
    assertEquals(2, t.state().failureTimes().size());
    t = settle(t, Set.of());
    t = drive(t, new MonitorFailed(StackLayer.NFS, "nfsd gone", 2 + MINUTE));
    assertEquals(Role.DEMOTING, t.state().role());
    assertEquals(StackState.Kind.MOVE_AWAY, t.state().kind());
    assertEquals("needs-move: release, complete failed", row(settle(t, Set.of())));
  }

  @Test
  void aLostLeaseStopsAndIsRecordedAsSuch() {
    Transition t = drive(primary(), new LeaseLost("no majority renewed"));
    assertEquals("demoting (demote): monitor off, run floating-ip stop", row(t));
    t = settle(t, Set.of());
    assertEquals("secondary: release, ledger LeaseLost note, complete done", row(t));
    assertEquals("lease lost, stopped: no majority renewed", t.state().message());
  }

  @Test
  void aHalfStartedStackFoundAtStartIsTakenDownAndAPrefixIsAdopted() {
    Transition half = M.start(4);
    for (StackLayer l : StackLayer.ORDER) half = drive(half, ok(l, LayerOp.PROBE, l == StackLayer.REPLICATION || l == StackLayer.NFS));
    assertEquals("demoting (demote): log warn, run floating-ip stop", row(half));
    Transition t = settle(M.start(4), Set.of(StackLayer.REPLICATION, StackLayer.FILESYSTEM));
    assertEquals("probing (adopt): acquire 4", row(t));
    assertEquals("promoting (promote): run replication start", row(drive(t, new LeaseAcquired())));
  }
}
