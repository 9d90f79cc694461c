package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.Placement.Decision;
import io.hanfs.sbr.Placement.DemoteExtra;
import io.hanfs.sbr.Placement.Input;
import io.hanfs.sbr.Placement.Move;
import io.hanfs.sbr.Placement.NodeView;
import io.hanfs.sbr.Placement.Promote;
import io.hanfs.sbr.Placement.RetryStop;
import io.hanfs.sbr.Placement.Stay;
import io.hanfs.sbr.Placement.Wait;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
  static NodeView n(String name, Role role) {
    return new NodeView(name, true, false, false, role, 1);
  }

  static Decision decide(Optional<String> preferred, boolean failback, NodeView... nodes) {
    return Placement.decide(new Input(List.of(nodes), preferred, failback, false, true));
  }

  @Test
  void promotesThePreferredNodeWhenNothingIsActive() {
    assertEquals("n2", ((Promote) decide(Optional.of("n2"), false, n("n1", Role.SECONDARY), n("n2", Role.SECONDARY))).node());
    assertEquals("n1", ((Promote) decide(Optional.empty(), false, n("n1", Role.SECONDARY), n("n2", Role.SECONDARY))).node());
  }

  @Test
  void staysWithoutFailbackAndMovesBackWithIt() {
    NodeView[] nodes = {n("n1", Role.SECONDARY), n("n2", Role.PRIMARY)};
    assertInstanceOf(Stay.class, decide(Optional.of("n1"), false, nodes));
    Move m = (Move) decide(Optional.of("n1"), true, nodes);
    assertEquals("n2", m.from());
    assertEquals("n1", m.to());
  }

  @Test
  void anUnreachableHolderIsReplacedUnderTheLease() {
    Move m = (Move) decide(Optional.of("n1"), false, new NodeView("n1", false, false, false, Role.PRIMARY, 3), n("n2", Role.SECONDARY));
    assertEquals("n2", m.to());
    assertTrue(!m.fromReachable());
  }

  @Test
  void twoActiveNodesKeepTheHigherEpoch() {
    DemoteExtra d = (DemoteExtra) decide(Optional.empty(), false,
        new NodeView("n1", true, false, false, Role.PRIMARY, 4), new NodeView("n2", true, false, false, Role.PRIMARY, 5));
    assertEquals("n1", d.node());
  }

  @Test
  void aStaleReportOfAnUnreachableNodeDoesNotCountAsSecondHolder() {
    assertInstanceOf(Stay.class, decide(Optional.empty(), false,
        new NodeView("n1", false, false, false, Role.PRIMARY, 5), new NodeView("n2", true, false, false, Role.PRIMARY, 6)));
  }

  /**
   * A node whose stop failed blocks every promotion; while it is reachable it is demoted again,
   * {@link Placement#STOP_RETRIES} times, then it waits for an operator.
   */
  @Test
  void aStopFailedNodeBlocksEveryPromotionAndIsDemotedAgainThreeTimes() {
    List<NodeView> nodes = List.of(n("n1", Role.STOP_FAILED), n("n2", Role.SECONDARY));
    for (int tried = 0; tried < Placement.STOP_RETRIES; tried++) {
      RetryStop r = (RetryStop) Placement.decide(new Input(nodes, Optional.empty(), false, false, true, false, tried));
      assertEquals("n1", r.node());
      assertEquals(tried + 1, r.attempt());
    }
    Wait w = (Wait) Placement.decide(new Input(nodes, Optional.empty(), false, false, true, false, Placement.STOP_RETRIES));
    assertTrue(w.why().contains("demoted again 3 times") && w.why().contains("demote it cleanly"), w.why());
    // Unreachable: it cannot be commanded, and it may still hold the data.
    Wait gone = (Wait) decide(Optional.empty(), false, new NodeView("n1", false, false, false, Role.STOP_FAILED, 1), n("n2", Role.SECONDARY));
    assertTrue(gone.why().contains("n1 failed to stop"), gone.why());
  }

  @Test
  void standbyMovesAway() {
    Move m = (Move) decide(Optional.empty(), false, new NodeView("n1", true, true, false, Role.PRIMARY, 1), n("n2", Role.SECONDARY));
    assertEquals("n2", m.to());
    assertInstanceOf(Stay.class, decide(Optional.empty(), false, new NodeView("n1", true, true, false, Role.PRIMARY, 1), new NodeView("n2", true, true, false, Role.SECONDARY, 1)),
        "nowhere to go: stay");
  }

  @Test
  void maintenanceAndColdStartWait() {
    assertInstanceOf(Wait.class, Placement.decide(new Input(List.of(n("n1", Role.SECONDARY)), Optional.empty(), false, true, true)));
    assertInstanceOf(Wait.class, Placement.decide(new Input(List.of(n("n1", Role.SECONDARY)), Optional.empty(), false, false, false)));
  }

  /** Over every combination of two nodes' facts: never two targets, never an ineligible target. */
  @Test
  void exhaustiveSafety() {
    Role[] roles = {Role.UNKNOWN, Role.SECONDARY, Role.PRIMARY, Role.PROMOTING, Role.DEMOTING, Role.START_FAILED, Role.NEEDS_MOVE, Role.STOP_FAILED};
    List<NodeView> views = new ArrayList<>();
    for (Role role : roles) {
      for (int bits = 0; bits < 8; bits++) {
        views.add(new NodeView("x", (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, role, 1));
      }
    }
    int cases = 0;
    for (NodeView a0 : views) {
      for (NodeView b0 : views) {
        NodeView a = new NodeView("n1", a0.reachable(), a0.standby(), a0.banned(), a0.role(), 1);
        NodeView b = new NodeView("n2", b0.reachable(), b0.standby(), b0.banned(), b0.role(), 2);
        for (boolean failback : new boolean[] {false, true}) {
          Decision d = decide(Optional.of("n1"), failback, a, b);
          cases++;
          boolean anyStopFailed = a.role().equals(Role.STOP_FAILED) || b.role().equals(Role.STOP_FAILED);
          boolean twoHolders = a.holding() && b.holding() && a.reachable() && b.reachable();
          boolean anyReachableHolder = a.holding() && a.reachable() || b.holding() && b.reachable();
          if (d instanceof Promote p) {
            NodeView t = p.node().equals("n1") ? a : b;
            assertTrue(t.eligible(), "promote an ineligible node: " + a + b);
            assertTrue(!a.holding() && !b.holding() && !anyStopFailed, "promote while something holds or is fenced: " + a + b);
          }
          if (d instanceof Move m && !m.fromReachable()) {
            assertTrue(!anyReachableHolder, "replacing an unreachable holder while a reachable one serves: " + a + b);
          }
          if (d instanceof Move m) {
            NodeView to = m.to().equals("n1") ? a : b;
            NodeView from = m.from().equals("n1") ? a : b;
            assertTrue(to.eligible() && from.holding() && !twoHolders && !anyStopFailed, "bad move: " + a + b);
          }
          if (twoHolders) assertInstanceOf(DemoteExtra.class, d, a + " " + b);
          if (d instanceof RetryStop r) {
            NodeView t = r.node().equals("n1") ? a : b;
            assertTrue(t.role() == Role.STOP_FAILED && t.reachable() && !twoHolders, "demote again only a reachable stop-failed node: " + a + b);
          }
        }
      }
    }
    assertEquals(64 * 64 * 2, cases);
  }

  /**
   * A shared disk without a watchdog, over every combination of three nodes' facts: another
   * node is promoted only while every other data node is reachable and reports that it does not
   * hold the resource; otherwise the decision waits and names the holder.
   */
  @Test
  void aSharedDiskWithoutAWatchdogMovesOnlyAfterTheHolderConfirmed() {
    Role[] roles = {Role.UNKNOWN, Role.SECONDARY, Role.PRIMARY, Role.PROMOTING, Role.DEMOTING, Role.START_FAILED, Role.NEEDS_MOVE, Role.STOP_FAILED};
    List<NodeView> views = new ArrayList<>();
    for (Role role : roles) {
      for (int bits = 0; bits < 4; bits++) views.add(new NodeView("x", (bits & 1) != 0, false, (bits & 2) != 0, role, 1));
    }
    int waits = 0;
    for (NodeView a0 : views) {
      for (NodeView b0 : views) {
        for (NodeView c0 : views) {
          NodeView a = new NodeView("n1", a0.reachable(), false, a0.banned(), a0.role(), 1);
          NodeView b = new NodeView("n2", b0.reachable(), false, b0.banned(), b0.role(), 2);
          NodeView c = new NodeView("n3", c0.reachable(), false, c0.banned(), c0.role(), 3);
          Decision d = Placement.decide(new Input(List.of(a, b, c), Optional.of("n1"), false, false, true, true));
          String target = d instanceof Promote p ? p.node() : d instanceof Move m && !m.fromReachable() ? m.to() : null;
          if (target == null) {
            if (d instanceof Wait w && w.why().startsWith("held by")) waits++;
            continue;
          }
          for (NodeView o : List.of(a, b, c)) {
            if (o.name().equals(target)) continue;
            assertTrue(o.reachable() && Set.of(Role.SECONDARY, Role.START_FAILED, Role.NEEDS_MOVE).contains(o.role()),
                "promoted " + target + " while " + o + " has not confirmed: " + a + b + c);
          }
        }
      }
    }
    assertTrue(waits > 0);
    // The reason names the node it waits for.
    Decision d = Placement.decide(new Input(List.of(new NodeView("n1", false, false, false, Role.PRIMARY, 4),
        new NodeView("n2", true, false, false, Role.SECONDARY, 4)), Optional.of("n1"), false, false, true, true));
    assertTrue(d instanceof Wait w && w.why().contains("held by n1") && w.why().contains("confirms its demotion"), d.toString());
  }

  /** A copy the data gate refuses is never promoted, and the refusal is the reason to wait. */
  @Test
  void dataGateRefusalBlocksPromotionAndSaysWhy() {
    NodeView stale = new NodeView("n1", true, false, false, Role.SECONDARY, 1, "n1 holds generation 5.0, older than n2's 6.0");
    Decision d = Placement.decide(new Placement.Input(List.of(stale, new NodeView("n2", false, false, false, Role.SECONDARY, 1)),
        Optional.of("n1"), false, false, true));
    Placement.Wait w = assertInstanceOf(Placement.Wait.class, d);
    assertTrue(w.why().contains("older than n2's 6.0"), w.why());
    NodeView fine = new NodeView("n2", true, false, false, Role.SECONDARY, 1, "");
    assertEquals("n2", assertInstanceOf(Promote.class, Placement.decide(new Placement.Input(List.of(stale, fine),
        Optional.of("n1"), false, false, true))).node());
  }
}
