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
  static final NodeView ACTIVE = new NodeView("n1", true, false, false, Role.PRIMARY, 3);

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
    for (Role role : List.of(Role.SECONDARY, Role.START_FAILED, Role.NEEDS_MOVE)) {
      assertEquals(new SwitchTo("n1", "n2"), plan(Optional.of("n2"), new NodeView("n2", true, false, false, role, 3)), role.display());
      assertEquals(new SwitchTo("n1", "n2"), plan(Optional.empty(), new NodeView("n2", true, false, false, role, 3)), role.display());
    }
  }

  /** Every way a target is not eligible is refused, with the reason; a ban for every role (the drift once skipped it). */
  @Test
  void refusesEveryIneligibleTargetWithItsReason() {
    for (Role role : List.of(Role.SECONDARY, Role.START_FAILED, Role.NEEDS_MOVE)) {
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, false, true, role, 3)).contains("failed there recently"), role.display());
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", false, false, false, role, 3)).contains("unreachable"), role.display());
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, true, false, role, 3)).contains("standby"), role.display());
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, false, false, role, 3, "its copy is outdated")).contains("its copy is outdated"), role.display());
    }
    for (Role role : List.of(Role.UNKNOWN, Role.STOP_FAILED, Role.PROMOTING, Role.DEMOTING)) {
      assertTrue(refused(Optional.of("n2"), new NodeView("n2", true, false, false, role, 3)).contains("it is " + role.display()), role.display());
    }
    assertTrue(refused(Optional.empty(), new NodeView("n2", true, false, true, Role.SECONDARY, 3)).contains("any other data node: none is eligible"));
  }

  @Test
  void needsExactlyOneActiveNodeOtherThanTheTarget() {
    assertTrue(refused(Optional.of("n1"), new NodeView("n2", true, false, false, Role.SECONDARY, 3)).contains("already active on n1"));
    assertTrue(assertInstanceOf(Refused.class, SwitchoverPlan.plan("home", List.of(new NodeView("n2", true, false, false, Role.SECONDARY, 3)), Optional.empty()))
        .why().contains("(0)"));
    assertTrue(refused(Optional.empty(), new NodeView("n2", true, false, false, Role.PRIMARY, 4)).contains("(2)"));
  }
}
