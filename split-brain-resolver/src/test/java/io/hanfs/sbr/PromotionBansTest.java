package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromotionBansTest {
  static final Duration TIMEOUT = Duration.ofMinutes(10);
  static final long S = 1_000_000_000L;

  @Test
  void theSecondFailureInARowBansUntilTheTimeout() {
    PromotionBans b = new PromotionBans();
    assertTrue(b.promoteFailed("home", "n2", "mount failed", 0, 0, TIMEOUT).isEmpty(), "the first failure is retried");
    assertFalse(b.banned("home", "n2", 0));
    PromotionBans.Ban ban = b.promoteFailed("home", "n2", "mount failed", S, 1000, TIMEOUT).orElseThrow();
    assertEquals(1000 + TIMEOUT.toMillis(), ban.untilEpochMillis());
    assertTrue(ban.reason().contains("2 times") && ban.reason().contains("mount failed"), ban.reason());
    assertTrue(b.banned("home", "n2", S + TIMEOUT.toNanos() - 1));
    assertFalse(b.banned("home", "n2", S + TIMEOUT.toNanos()), "expired");
    assertFalse(b.banned("other", "n2", S), "per resource");
    assertEquals(List.of(), b.active(S + TIMEOUT.toNanos()));
  }

  @Test
  void aSuccessResetsTheCount() {
    PromotionBans b = new PromotionBans();
    b.promoteFailed("home", "n2", "x", 0, 0, TIMEOUT);
    b.promoted("home", "n2");
    assertTrue(b.promoteFailed("home", "n2", "x", 0, 0, TIMEOUT).isEmpty());
  }

  @Test
  void clearByNodeOrByResource() {
    PromotionBans b = new PromotionBans();
    for (String r : List.of("home", "data")) {
      for (String n : List.of("n1", "n2")) {
        b.promoteFailed(r, n, "x", 0, 0, TIMEOUT);
        b.promoteFailed(r, n, "x", 0, 0, TIMEOUT);
      }
    }
    assertEquals(4, b.active(0).size());
    assertEquals(2, b.clear("n2", 0).size());
    assertFalse(b.banned("home", "n2", 0));
    assertTrue(b.banned("home", "n1", 0));
    assertEquals(List.of(), b.clear("n2", 0), "run twice: nothing left to clear");
    assertEquals(1, b.clear("data", 0).size(), "data on n1; data on n2 went with n2");
    assertEquals(List.of("home/n1"), b.active(0).stream().map(x -> x.resource() + "/" + x.node()).toList());
  }
}
