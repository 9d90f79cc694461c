package io.hanfs.node.resource.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LeaseViewTest {
  static final long MS = 1_000_000;

  @Test
  void theVipLifetimeEndsBeforeAnotherNodeCanBeGranted() {
    for (long remaining = 0; remaining <= 20_000 * MS; remaining += 10 * MS) {
      for (long margin : new long[] {200 * MS, 500 * MS, 2000 * MS}) {
        OptionalInt lft = LeaseView.vipLifetimeSeconds(remaining, margin);
        if (lft.isPresent()) {
          long worstRemoval = lft.getAsInt() * 1000 * MS + LeaseView.KERNEL_LATENESS_NANOS + LeaseView.APPLY_SLACK_NANOS;
          assertTrue(worstRemoval <= remaining + margin, "remaining " + remaining / MS + " margin " + margin / MS);
          assertTrue(lft.getAsInt() >= 1);
        }
      }
    }
  }

  @Test
  void defaultsGiveOneSecondAndRestartGraceGivesMore() {
    assertEquals(OptionalInt.of(1), LeaseView.vipLifetimeSeconds(1990 * MS, 500 * MS));
    assertEquals(OptionalInt.of(14), LeaseView.vipLifetimeSeconds(15_000 * MS, 500 * MS));
    assertEquals(OptionalInt.empty(), LeaseView.vipLifetimeSeconds(1000 * MS, 500 * MS));
    assertEquals(OptionalInt.empty(), LeaseView.vipLifetimeSeconds(-1, 500 * MS));
  }
}
