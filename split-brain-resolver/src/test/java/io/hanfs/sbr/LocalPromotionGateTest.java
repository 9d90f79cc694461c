package io.hanfs.sbr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.sbr.LocalPromotionGate.Allow;
import io.hanfs.sbr.LocalPromotionGate.Facts;
import io.hanfs.sbr.LocalPromotionGate.Reason;
import io.hanfs.sbr.LocalPromotionGate.Refuse;
import io.hanfs.sbr.LocalPromotionGate.Verdict;
import org.junit.jupiter.api.Test;

class LocalPromotionGateTest {

  /** Every combination of the boolean facts and of requested vs current epoch. */
  @Test
  void exhaustive() {
    long current = 5;
    long[] requested = {0, 3, 5, 6, 9};
    for (boolean stopFailed : new boolean[] {false, true}) {
      for (boolean busy : new boolean[] {false, true}) {
        for (boolean primary : new boolean[] {false, true}) {
          for (long req : requested) {
            Verdict v = LocalPromotionGate.decide(new Facts(stopFailed, busy, primary, req, current));
            String c = "stopFailed=" + stopFailed + " busy=" + busy + " primary=" + primary + " req=" + req;
            if (stopFailed) {
              assertEquals(Reason.STOP_FAILED, ((Refuse) v).reason(), c);
            } else if (busy) {
              assertEquals(Reason.BUSY, ((Refuse) v).reason(), c);
            } else if (req == 0) {
              assertEquals(new Allow(primary ? current : current + 1, primary), v, c);
            } else if (primary && req == current) {
              assertEquals(new Allow(current, true), v, c);
            } else if (req <= current) {
              assertEquals(Reason.STALE_EPOCH, ((Refuse) v).reason(), c);
            } else {
              assertEquals(new Allow(req, false), v, c);
            }
          }
        }
      }
    }
  }
}
