package io.hanfs.sbr.lease;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One round of votes, pure: only configured voters count, each at most once (a grant or a
 * refusal, whichever came first), and the round has a majority once more than half of the
 * configured voters granted. The caller names the voter by whom it asked, never by what an
 * answer claims.
 */
public final class VoteTally {
  private final Set<String> voters;
  private final Set<String> granted = new TreeSet<>();
  private final Map<String, String> refused = new TreeMap<>();

  public VoteTally(Collection<String> voters) {
    this.voters = Set.copyOf(voters);
  }

  public int majority() {
    return voters.size() / 2 + 1;
  }

  public int voters() {
    return voters.size();
  }

  /** Counts {@code voter}'s grant; true when exactly this grant made the majority. */
  public boolean grant(String voter) {
    if (!voters.contains(voter) || refused.containsKey(voter) || !granted.add(voter)) return false;
    return granted.size() == majority();
  }

  /** Counts {@code voter}'s refusal (a configured voter that has not voted yet this round). */
  public boolean refuse(String voter, String why) {
    if (!voters.contains(voter) || granted.contains(voter) || refused.containsKey(voter)) return false;
    refused.put(voter, why);
    return true;
  }

  public boolean hasMajority() {
    return granted.size() >= majority();
  }

  /** No majority can be reached any more: too many voters refused. */
  public boolean lost() {
    return voters.size() - refused.size() < majority();
  }

  public Set<String> granted() {
    return Collections.unmodifiableSet(granted);
  }

  public Map<String, String> refused() {
    return Collections.unmodifiableMap(refused);
  }
}
