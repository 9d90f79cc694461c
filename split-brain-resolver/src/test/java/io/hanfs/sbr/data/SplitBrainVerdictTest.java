package io.hanfs.sbr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.data.SplitBrainVerdict.Discard;
import io.hanfs.sbr.data.SplitBrainVerdict.Manual;
import io.hanfs.sbr.data.SplitBrainVerdict.Policy;
import io.hanfs.sbr.data.SplitBrainVerdict.Side;
import io.hanfs.sbr.data.SplitBrainVerdict.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SplitBrainVerdictTest {
  static final long[] CHANGES = {-1, 0, 4, 4096};
  static final long[] EPOCHS = {5, 6, 7};

  /** Every policy over every combination of change counts, promotion order, serving side and fence marks. */
  @Test
  void exhaustive() {
    int cases = 0;
    for (Policy p : Policy.values())
      for (long ca : CHANGES)
        for (long cb : CHANGES)
          for (long ea : EPOCHS)
            for (long eb : EPOCHS)
              for (boolean pa : new boolean[] {false, true})
                for (boolean pb : new boolean[] {false, true})
                  for (int fences = 0; fences < 4; fences++) {
                  Side a = new Side("d1", new Generation(ea, 0), ea, ca, pa, (fences & 1) != 0);
                  Side b = new Side("d2", new Generation(eb, 0), eb, cb, pb, (fences & 2) != 0);
                  Verdict v = SplitBrainVerdict.decide(p, a, b);
                  Verdict swapped = SplitBrainVerdict.decide(p, b, a);
                  // The verdict never depends on which side is listed first.
                  assertEquals(v instanceof Discard d ? d.victim() : "manual", swapped instanceof Discard d2 ? d2.victim() : "manual",
                      () -> p + " " + a + " " + b);
                  Optional<Discard> discard = v instanceof Discard d ? Optional.of(d) : Optional.empty();
                  discard.ifPresent(d -> {
                    assertTrue(List.of("d1", "d2").contains(d.victim()));
                    assertFalse(d.victim().equals(d.survivor()));
                  });
                  Side victim = discard.map(d -> d.victim().equals("d1") ? a : b).orElse(null);
                  Side survivor = victim == null ? null : (victim == a ? b : a);
                  if (a.fencedOff() != b.fencedOff()) {
                    // A copy fenced off while the other wrote on loses, whatever the policy weighs; disconnect stays manual.
                    if (p == Policy.DISCONNECT) assertInstanceOf(Manual.class, v);
                    else assertTrue(victim != null && victim.fencedOff() && !survivor.fencedOff(), () -> p + " " + a + " " + b + " -> " + v);
                    cases++;
                    continue;
                  }
                  switch (p) {
                    case DISCONNECT -> assertInstanceOf(Manual.class, v);
                    case DISCARD_ZERO_CHANGES -> {
                      boolean decidable = ca >= 0 && cb >= 0 && (ca == 0 || cb == 0);
                      assertEquals(decidable, discard.isPresent(), () -> p + " " + a + " " + b + " -> " + v);
                      if (victim != null) assertEquals(0, victim.changedKiB());
                    }
                    case DISCARD_YOUNGER_PRIMARY -> {
                      assertEquals(ea != eb, discard.isPresent());
                      if (victim != null) assertTrue(victim.promotedEpoch() > survivor.promotedEpoch());
                    }
                    case DISCARD_OLDER_PRIMARY -> {
                      assertEquals(ea != eb, discard.isPresent());
                      if (victim != null) assertTrue(victim.promotedEpoch() < survivor.promotedEpoch());
                    }
                    case DISCARD_LEAST_CHANGES -> {
                      boolean decidable = ca >= 0 && cb >= 0 && (ca != cb || ea != eb);
                      assertEquals(decidable, discard.isPresent(), () -> p + " " + a + " " + b + " -> " + v);
                      if (victim != null) assertTrue(victim.changedKiB() <= survivor.changedKiB());
                      if (victim != null && ca == cb) assertTrue(victim.promotedEpoch() > survivor.promotedEpoch());
                    }
                  }
                  cases++;
                }
    assertEquals(5 * 4 * 4 * 3 * 3 * 2 * 2 * 4, cases);
  }

  @Test
  void policyNamesAreDrbds() {
    for (String name : List.of("discard-zero-changes", "discard-younger-primary", "discard-older-primary", "discard-least-changes", "disconnect")) {
      assertEquals(name, Policy.fromConfig(name).orElseThrow().configName);
    }
    assertTrue(Policy.fromConfig("discard-secondary").isEmpty());
  }

  @Test
  void manualDiscardOfTheOnlyCurrentCopyIsRefusedUnlessForced() {
    LedgerSummary current = new LedgerSummary("d1", new Generation(6, 0), List.of(new Generation(5, 0), new Generation(6, 0)), false, false, 6);
    LedgerSummary stale = new LedgerSummary("d2", new Generation(5, 0), List.of(new Generation(5, 0)), false, false, 5);
    LedgerSummary diverged = new LedgerSummary("d2", new Generation(5, 1), List.of(new Generation(5, 0), new Generation(5, 1)), false, true, 5);
    assertTrue(SplitBrainVerdict.checkManualDiscard(current, stale, false).orElseThrow().message().contains("only current copy"));
    assertTrue(SplitBrainVerdict.checkManualDiscard(current, stale, true).isEmpty());
    assertTrue(SplitBrainVerdict.checkManualDiscard(stale, current, false).isEmpty());
    assertTrue(SplitBrainVerdict.checkManualDiscard(current, diverged, false).isEmpty());
    assertTrue(SplitBrainVerdict.checkManualDiscard(diverged, current, false).isEmpty());
    assertTrue(SplitBrainVerdict.checkManualDiscard(current, current, false).orElseThrow().message().contains("no split brain"));
  }
}
