package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.sbr.LeaderFence.Facts;
import io.hanfs.sbr.LeaderFence.Stamp;
import io.hanfs.sbr.LeaderFence.Verdict;
import org.junit.jupiter.api.Test;

class LeaderFenceTest {
  /** term of the node x term of the command x epoch of the node x epoch of the command. */
  @Test
  void everyOrderOfTermsAndEpochs() {
    long[] values = {0, 1, 2};
    for (long nodeTerm : values) {
      for (long term : values) {
        for (long nodeEpoch : values) {
          for (long epoch : values) {
            Verdict v = LeaderFence.check(new Facts(nodeTerm, nodeEpoch), new Stamp(term, epoch));
            String where = "node term " + nodeTerm + ", command term " + term + ", node epoch " + nodeEpoch + ", command epoch " + epoch;
            boolean obey = term > 0 && term >= nodeTerm && (epoch == 0 || epoch >= nodeEpoch);
            assertEquals(obey, v.obeyed(), where);
            assertEquals(obey ? Math.max(nodeTerm, term) : nodeTerm, v.highestTerm(), where + ": the term remembered");
            if (!obey) {
              Refusal.Reason r = v.refusal().orElseThrow().reason();
              assertEquals(term <= 0 || term < nodeTerm ? Refusal.Reason.STALE_LEADER : Refusal.Reason.STALE_EPOCH, r, where);
            }
          }
        }
      }
    }
  }

  @Test
  void aReplacedLeaderIsToldWhy() {
    Verdict v = LeaderFence.check(new Facts(7, 3), new Stamp(6, 9));
    assertFalse(v.obeyed());
    assertTrue(v.refusal().orElseThrow().message().contains("a newer leader took over"));
  }
}
