package io.hanfs.sbr.stack;

import static io.hanfs.sbr.stack.StackFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.Role;
import io.hanfs.sbr.history.HistoryKind;
import io.hanfs.sbr.history.StackHistory;
import io.hanfs.sbr.history.StackHistory.Change;
import io.hanfs.sbr.stack.StackEvent.*;
import io.hanfs.sbr.stack.StackMachine.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the node's history records of each machine step: a promotion's layers in order, the role changes, a lost lease once. */
class StackHistoryTest {

  /** Runs events one machine step at a time, as the agent does, collecting what each step records. */
  private static List<Change> recorded(Transition start, List<StackEvent> events) {
    List<Change> out = new ArrayList<>();
    StackState s = start.state();
    for (StackEvent e : events) {
      StackState next = M.apply(s, e).state();
      out.addAll(StackHistory.changes(s, next));
      s = next;
    }
    return out;
  }

  private static List<String> words(List<Change> changes) {
    return changes.stream().map(c -> c.kind().display() + c.layer().map(l -> " " + l.layerName()).orElse("")
        + c.op().map(o -> " " + o.name().toLowerCase()).orElse("") + (c.ok() ? "" : " failed")).toList();
  }

  private static List<StackEvent> promoteAndAnswer() {
    List<StackEvent> events = new ArrayList<>(List.of(new Promote(0, Optional.empty()), new EpochPersisted(5), new PromotionRecorded(true, ""),
        new LeaseAcquired()));
    for (StackLayer l : StackLayer.ORDER) events.add(ok(l, LayerOp.START, true));
    return events;
  }

  @Test
  void aPromotionRecordsEachLayerStartInOrderThenPromoted() {
    List<String> expected = new ArrayList<>();
    for (StackLayer l : StackLayer.ORDER) expected.add("step " + l.layerName() + " start");
    expected.add("promoted");
    assertEquals(expected, words(recorded(secondary(), promoteAndAnswer())));
  }

  @Test
  void aDemotionRecordsEachLayerStopInReverseThenDemoted() {
    List<StackEvent> events = new ArrayList<>(List.of(new Demote(0)));
    for (int i = StackLayer.ORDER.size() - 1; i >= 0; i--) events.add(ok(StackLayer.ORDER.get(i), LayerOp.STOP, false));
    List<String> expected = new ArrayList<>();
    for (int i = StackLayer.ORDER.size() - 1; i >= 0; i--) expected.add("step " + StackLayer.ORDER.get(i).layerName() + " stop");
    expected.add("demoted");
    assertEquals(expected, words(recorded(primary(), events)));
  }

  @Test
  void aLostLeaseIsRecordedWhenLostAndTheStopAfterItAsDemoted() {
    List<StackEvent> events = new ArrayList<>(List.of(new LeaseLost("no majority renewed")));
    for (int i = StackLayer.ORDER.size() - 1; i >= 0; i--) events.add(ok(StackLayer.ORDER.get(i), LayerOp.STOP, false));
    List<Change> changes = recorded(primary(), events);
    assertEquals(HistoryKind.LEASE_LOST, changes.get(0).kind());
    assertTrue(changes.get(0).reason().contains("no majority renewed"), changes.get(0).reason());
    assertEquals(1, changes.stream().filter(c -> c.kind() == HistoryKind.LEASE_LOST).count());
    assertEquals("demoted", words(changes).get(changes.size() - 1));
  }

  @Test
  void aFailedStartIsAFailedStepAndTheRollbackNoPromotion() {
    Transition promoting = drive(secondary(), new Promote(0, Optional.empty()), new EpochPersisted(5), new PromotionRecorded(true, ""),
        new LeaseAcquired());
    List<Change> changes = recorded(promoting, List.of(ok(StackLayer.REPLICATION, LayerOp.START, true), failed(StackLayer.FILESYSTEM, LayerOp.START)));
    assertEquals(List.of("step replication start", "step filesystem start failed"), words(changes));
  }

  @Test
  void aMonitorFailureOnTheActiveNodeIsRecorded() {
    List<Change> changes = recorded(primary(), List.of(new MonitorFailed(StackLayer.NFS, "nfsd gone", 1)));
    assertTrue(changes.stream().anyMatch(c -> c.kind() == HistoryKind.MONITOR_FAILED && c.layer().equals(Optional.of(StackLayer.NFS))),
        words(changes).toString());
  }

  @Test
  void needsMoveIsRecordedOnce() {
    Map<String, StackState> states = states();
    Transition moving = new Transition(states.get("moving-away"), List.of());
    List<Change> changes = new ArrayList<>();
    StackState s = moving.state();
    Transition t = settle(moving, Set.of());
    changes.addAll(StackHistory.changes(s, t.state()));
    assertEquals(Role.NEEDS_MOVE, t.state().role());
    assertEquals(1, changes.stream().filter(c -> c.kind() == HistoryKind.NEEDS_MOVE).count());
  }

  @Test
  void overEveryStateAndEventTheRecordsFollowTheRoles() {
    for (Map.Entry<String, StackState> s : states().entrySet()) {
      for (Map.Entry<String, StackEvent> e : events(s.getValue()).entrySet()) {
        StackState before = s.getValue();
        StackState after = M.apply(before, e.getValue()).state();
        List<Change> changes = StackHistory.changes(before, after);
        String where = s.getKey() + " + " + e.getKey() + ": " + words(changes);
        boolean promoted = after.role() == Role.PRIMARY && before.role() != Role.PRIMARY && before.role() != Role.RESTARTING;
        assertEquals(promoted, changes.stream().anyMatch(c -> c.kind() == HistoryKind.PROMOTED), where);
        if (before.role() == after.role()) {
          assertTrue(changes.stream().noneMatch(c -> c.kind() == HistoryKind.PROMOTED || c.kind() == HistoryKind.DEMOTED
              || c.kind() == HistoryKind.NEEDS_MOVE), where);
        }
        for (Change c : changes) {
          if (c.kind() == HistoryKind.STEP) {
            StackLayer l = c.layer().orElseThrow();
            assertTrue(before.layer(l).state() == LayerState.STARTING || before.layer(l).state() == LayerState.STOPPING, where);
          }
        }
        assertTrue(changes.stream().filter(c -> c.kind() == HistoryKind.LEASE_LOST).count() <= 1, where);
      }
    }
  }
}
