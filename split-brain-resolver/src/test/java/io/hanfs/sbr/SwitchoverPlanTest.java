package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.Placement.NodeView;
import io.hanfs.sbr.SwitchoverPlan.Plan;
import io.hanfs.sbr.SwitchoverPlan.Refused;
import io.hanfs.sbr.SwitchoverPlan.SwitchTo;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwitchoverPlanTest {
  static final NodeView ACTIVE = new NodeView("n1", true, false, false, "primary", 3);

  static Plan plan(Optional<String> to, NodeView... others) {
    List<NodeView> views = new java.util.ArrayList<>(List.of(ACTIVE));
    views.addAll(List.of(others));
    return SwitchoverPlan.plan("home", views, to);
  }

  static String refused(Optional<String> to, NodeView... others) {
    return assertInstanceOf(Refused.class, plan(to, others)).why();
  }

  @Test
  void goesToAnEligibleStandbyCopy() {
    for (String role : List.of("secondary", "start-failed", "needs-move")) {
      assertEquals(new SwitchTo("n1", "n2"), plan(Optional.of("n2"), new NodeView("n2", true, false, false, role, 3)), role);
      assertEquals(new SwitchTo("n1", "n2"), plan(Optional.empty(), new NodeView("n2", true, false, false, role, 3)), role);
    }
  }

  /** Every way a target is not eligible is refused, with the reason; a ban for every role (the drift once skipped it). */
  @Test
  void refusesEveryIneligibleTargetWithItsReason() {
    for (String role : List.of("secondary", "start-failed", "needs-move")) {
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, false, true, role, 3)).contains("failed there recently"), role);
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", false, false, false, role, 3)).contains("unreachable"), role);
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, true, false, role, 3)).contains("standby"), role);
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, false, false, role, 3, "its copy is outdated")).contains("its copy is outdated"), role);
    }
    for (String role : List.of("unknown", "stop-failed", "promoting", "demoting")) {
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, false, false, role, 3)).contains("it is " + role), role);
    }
    assertTrue(refused(Optional.empty(), new NodeView("n2", true, false, true, "secondary", 3)).contains("any other data node: none is eligible"));
  }

  @Test
  void needsExactlyOneActiveNodeOtherThanTheTarget() {
    assertTrue(refused(Optional.of("n1"), new NodeView("n2", true, false, false, "secondary", 3)).contains("already active on n1"));
    assertTrue(assertInstanceOf(Refused.class, SwitchoverPlan.plan("home", List.of(new NodeView("n2", true, false, false, "secondary", 3)), Optional.empty()))
        .why().contains("(0)"));
    assertTrue(refused(Optional.empty(), new NodeView("n2", true, false, false, "primary", 4)).contains("(2)"));
  }
}
