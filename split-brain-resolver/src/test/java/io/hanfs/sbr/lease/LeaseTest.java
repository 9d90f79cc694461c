package io.hanfs.sbr.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    LeaseTerm t = new LeaseTerm(List.of("n1", "n2", "w"), L);
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
    LeaseTerm t = new LeaseTerm(List.of("n1", "n2", "w"), L);
    for (int i = 0; i < 10; i++) {
      long r = t.roundSent(i * 400 * MS);
      t.granted(r, "n1");
    }
    assertFalse(t.valid(3000 * MS));
    LeaseTerm five = new LeaseTerm(List.of("a", "b", "c", "d", "e"), L);
    long r = five.roundSent(0);
    five.granted(r, "a");
    five.granted(r, "b");
    assertFalse(five.valid(1));
    five.granted(r, "c");
    assertTrue(five.valid(1));
  }

  @Test
  void onlyConfiguredVotersCountAndEachOncePerRound() {
    LeaseTerm t = new LeaseTerm(List.of("n1", "n2", "w"), L);
    long r = t.roundSent(0);
    assertTrue(!t.granted(r, "intruder") && !t.granted(r, "") && !t.granted(r, "N1"), "names outside the config count nothing");
    assertFalse(t.granted(r, "n1"));
    for (int i = 0; i < 5; i++) assertFalse(t.granted(r, "n1"), "a voter answering again adds nothing");
    assertFalse(t.valid(1));
    // The same voter in a later round does not complete the earlier one either.
    long r2 = t.roundSent(10 * MS);
    assertFalse(t.granted(r2, "n1"));
    assertFalse(t.valid(11 * MS));
    assertTrue(t.granted(r2, "w"));
    assertTrue(t.valid(11 * MS));
  }

  @Test
  void aTallyCountsEachConfiguredVoterOnceGrantOrRefusal() {
    VoteTally v = new VoteTally(List.of("n1", "n2", "w"));
    assertEquals(2, v.majority());
    assertTrue(v.refuse("n2", "settings differ"));
    assertFalse(v.grant("n2"), "a voter that refused cannot grant in the same round");
    assertFalse(v.grant("x"));
    assertFalse(v.grant("n1"));
    assertFalse(v.grant("n1"));
    assertFalse(v.hasMajority());
    assertFalse(v.lost());
    assertTrue(v.refuse("w", "no"));
    assertTrue(v.lost(), "two of three refused: no majority is possible");
    assertFalse(v.refuse("w", "again"));
    assertEquals(java.util.Set.of("n1"), v.granted());
    VoteTally five = new VoteTally(List.of("a", "b", "c", "d", "e"));
    five.grant("a");
    five.grant("b");
    five.grant("b");
    assertFalse(five.hasMajority());
    assertTrue(five.grant("c"));
    assertTrue(five.hasMajority());
  }

  /** Safety across both sides: whatever the timing, the old holder's validity ends before a new grant. */
  @Test
  void oldHolderStopsBeforeAnyVoterGrantsANewOne() {
    for (long sendToReceive = 0; sendToReceive <= 300 * MS; sendToReceive += 50 * MS) {
      LeaseGrants voter = new LeaseGrants(L, M);
      LeaseTerm holder = new LeaseTerm(List.of("v"), L);
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
