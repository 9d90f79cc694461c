package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.voter.LeaseVoter.GrantInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the leader may read an active node's lease as lapsed (it then counts the node as gone). */
class LeaseHeldTest {
  static GrantInfo grant(String voter, String holder, long epoch) {
    return new GrantInfo(voter, "home", Optional.ofNullable(holder), epoch, holder == null ? 0 : 2000, false, epoch, Map.of());
  }

  @Test
  void theLeadersOwnVoterHoldingIsEnough() {
    GrantInfo w = grant("w", "n2", 23);
    assertTrue(DecisionInput.holdsNow("n2", 23, w, List.of(w, grant("n1", null, 0), grant("n2", null, 0)), 3));
  }

  @Test
  void aFlapThatMissedOnlyTheLeadersVoterKeepsTheLease() {
    // w granted n1's attempt after n2's renewals missed it; n1's and n2's voters still hold n2's.
    GrantInfo w = grant("w", "n1", 24);
    assertTrue(DecisionInput.holdsNow("n2", 23, w, List.of(w, grant("n1", "n2", 23), grant("n2", "n2", 23)), 3));
  }

  @Test
  void aNodeThatStoppedRenewingHasLapsed() {
    // SIGSTOP or a one-way cut: its own voter's last answer (stale) still names it; no other does.
    GrantInfo w = grant("w", null, 0);
    assertFalse(DecisionInput.holdsNow("n2", 23, w, List.of(w, grant("n1", null, 0), grant("n2", "n2", 23)), 3));
    assertFalse(DecisionInput.holdsNow("n2", 23, w, List.of(w, grant("n1", "n2", 22), grant("n2", "n2", 23)), 3), "an older epoch's grant is not this one");
  }
}
