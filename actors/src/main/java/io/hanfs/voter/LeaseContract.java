package io.hanfs.voter;

import io.hanfs.config.HanfsConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The lease settings a holder and its voters must share. A holder counts a grant as valid for
 * its own duration, a voter holds it for its own: a 10 s holder with 2 s voters would see a
 * second holder granted after 2.4 s. So every request carries the holder's contract and a voter
 * refuses one that differs from its own. {@code nodes} is a digest of the node list (names,
 * addresses, roles, port): voters of different clusters never count for each other.
 */
public record LeaseContract(long durationMillis, long marginMillis, String nodes) {

  public static LeaseContract of(HanfsConfig config) {
    StringBuilder b = new StringBuilder(config.clusterName()).append('|').append(config.remotingPort());
    for (HanfsConfig.Node n : config.nodes()) {
      b.append('|').append(n.name()).append('=').append(n.address()).append(n.roles().stream().map(Enum::name).sorted().toList());
    }
    return new LeaseContract(config.lease().duration().toMillis(), config.lease().margin().toMillis(), digest(b.toString()));
  }

  /** Why {@code theirs} (a holder's) cannot be granted by a voter holding {@code this}; empty when they agree. */
  public Optional<String> mismatch(LeaseContract theirs) {
    if (theirs == null) return Optional.of("the request carries no lease settings (a hanfs without lease contracts)");
    StringBuilder why = new StringBuilder();
    if (theirs.durationMillis != durationMillis) {
      why.append("hanfs.lease.duration is ").append(theirs.durationMillis).append(" ms there, ").append(durationMillis).append(" ms here");
    }
    if (theirs.marginMillis != marginMillis) {
      if (why.length() > 0) why.append("; ");
      why.append("hanfs.lease.margin is ").append(theirs.marginMillis).append(" ms there, ").append(marginMillis).append(" ms here");
    }
    if (!theirs.nodes.equals(nodes)) {
      if (why.length() > 0) why.append("; ");
      why.append("hanfs.nodes (or cluster-name, remoting-port) differ");
    }
    if (why.length() == 0) return Optional.empty();
    return Optional.of("lease settings differ: " + why + "; fix: give every node the same lease and node settings (docs/operations.md, changing lease settings)");
  }

  private static String digest(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
