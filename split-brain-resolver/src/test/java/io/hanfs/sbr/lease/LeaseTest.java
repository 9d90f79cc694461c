package io.hanfs.sbr.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LeaseTest {
  static final long MS = 1_000_000;
  static final long L = 2000 * MS;
  static final long M = 500 * MS;

  @Test
  void anotherHolderWaitsForExpiryPlusMargin() {
    LeaseGrants v = new LeaseGrants(L, M);
    assertInstanceOf(LeaseGrants.Granted.class, v.request("home", "n1", 1, 0));
    assertInstanceOf(LeaseGrants.Refused.class, v.request("home", "n2", 2, L - 1));
    assertInstanceOf(LeaseGrants.Refused.class, v.request("home", "n2", 2, L + M - 1));
    assertInstanceOf(LeaseGrants.Granted.class, v.request("home", "n2", 2, L + M));
    assertEquals(2, v.highestEpoch("home"));
  }

  @Test
  void theHolderRenewsAndAReleaseFreesAtOnce() {
    LeaseGrants v = new LeaseGrants(L, M);
    v.request("home", "n1", 1, 0);
    assertInstanceOf(LeaseGrants.Granted.class, v.request("home", "n1", 1, L - 1));
    assertInstanceOf(LeaseGrants.Refused.class, v.request("home", "n2", 2, L + M));
    assertFalse(v.release("home", "n1", 7), "only the holder's own epoch releases");
    assertTrue(v.release("home", "n1", 1));
    assertInstanceOf(LeaseGrants.Granted.class, v.request("home", "n2", 2, L + M));
  }

  @Test
  void epochsNeverGoBack() {
    LeaseGrants v = new LeaseGrants(L, M);
    v.request("home", "n1", 5, 0);
    v.release("home", "n1", 5);
    LeaseGrants.Refused r = (LeaseGrants.Refused) v.request("home", "n2", 4, 10 * L);
    assertEquals(5, r.highestEpoch());
    LeaseGrants restarted = new LeaseGrants(L, M);
    restarted.restoreHighest("home", 5);
    assertInstanceOf(LeaseGrants.Refused.class, restarted.request("home", "n2", 3, 0));
    assertInstanceOf(LeaseGrants.Granted.class, restarted.request("home", "n2", 6, 0));
  }

  @Test
  void anEpochBelongsToOneHolder() {
    LeaseGrants v = new LeaseGrants(L, M);
    v.request("home", "n1", 5, 0);
    assertInstanceOf(LeaseGrants.Refused.class, v.request("home", "n2", 5, 10 * L), "same epoch, other node");
    LeaseGrants restarted = new LeaseGrants(L, M);
    restarted.restoreHighest("home", 5, "n1");
    assertInstanceOf(LeaseGrants.Refused.class, restarted.request("home", "n2", 5, 0));
    assertInstanceOf(LeaseGrants.Granted.class, restarted.request("home", "n1", 5, 0));
  }

  @Test
  void resourcesAreIndependent() {
    LeaseGrants v = new LeaseGrants(L, M);
    v.request("home", "n1", 1, 0);
    assertInstanceOf(LeaseGrants.Granted.class, v.request("data", "n2", 1, 0));
  }

  @Test
  void extensionOnlyForTheLiveHolder() {
    LeaseGrants v = new LeaseGrants(L, M);
    v.request("home", "n1", 3, 0);
    assertInstanceOf(LeaseGrants.Refused.class, v.extend("home", "n2", 3, 1, 15_000 * MS));
    assertInstanceOf(LeaseGrants.Granted.class, v.extend("home", "n1", 3, 1, 15_000 * MS));
    assertInstanceOf(LeaseGrants.Refused.class, v.request("home", "n2", 4, 10_000 * MS));
  }

  @Test
  void holderIsValidFromTheSendTimeOfAMajorityRound() {
    LeaseTerm t = new LeaseTerm(3, L);
    assertEquals(2, t.majority());
    long r1 = t.roundSent(100 * MS);
    assertFalse(t.granted(r1, "n1"));
    assertFalse(t.valid(150 * MS));
    assertTrue(t.granted(r1, "w"));
    assertFalse(t.granted(r1, "w"), "the same voter counts once");
    assertTrue(t.valid(150 * MS));
    assertEquals(100 * MS + L, t.validUntil(), "from the send time, not the answer time");
    assertFalse(t.valid(100 * MS + L));
  }

  @Test
  void aMinorityNeverMakesALease() {
    LeaseTerm t = new LeaseTerm(3, L);
    for (int i = 0; i < 10; i++) {
      long r = t.roundSent(i * 400 * MS);
      t.granted(r, "n1");
    }
    assertFalse(t.valid(3000 * MS));
    LeaseTerm five = new LeaseTerm(5, L);
    long r = five.roundSent(0);
    five.granted(r, "a");
    five.granted(r, "b");
    assertFalse(five.valid(1));
    five.granted(r, "c");
    assertTrue(five.valid(1));
  }

  /** Safety across both sides: whatever the timing, the old holder's validity ends before a new grant. */
  @Test
  void oldHolderStopsBeforeAnyVoterGrantsANewOne() {
    for (long sendToReceive = 0; sendToReceive <= 300 * MS; sendToReceive += 50 * MS) {
      LeaseGrants voter = new LeaseGrants(L, M);
      LeaseTerm holder = new LeaseTerm(1, L);
      long sent = 1000 * MS;
      long round = holder.roundSent(sent);
      voter.request("home", "n1", 1, sent + sendToReceive);
      holder.granted(round, "v");
      long firstNewGrant = -1;
      for (long now = sent; now < sent + 10 * L; now += MS) {
        if (voter.request("home", "n2", 2, now) instanceof LeaseGrants.Granted) {
          firstNewGrant = now;
          break;
        }
      }
      assertTrue(firstNewGrant >= holder.validUntil() + M, "delay " + sendToReceive);
    }
  }
}
