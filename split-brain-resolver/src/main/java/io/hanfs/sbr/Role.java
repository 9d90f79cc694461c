package io.hanfs.sbr;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A resource's role on one node: what the node's stack machine is in, as it reports it and as the
 * leader reads it. One enum for every module; the text form ({@link #display()}) is only for
 * people and JSON.
 */
public enum Role {
  /** Reading the real state of every layer after a start, or adopting what runs. */
  PROBING,
  SECONDARY,
  PROMOTING,
  PRIMARY,
  DEMOTING,
  /** Restarting a failed layer and those above it, still the active node. */
  RESTARTING,
  /** A stop failed: taking the floating IP and NFS down before refusing promotion. */
  FENCING,
  /** A stop failed; the node refuses promotion until a clean demote. */
  STOP_FAILED,
  /** A promotion failed and was rolled back here (or the probe could not read the state). */
  START_FAILED,
  /** The stack failed too often here and was taken down so the leader can place it elsewhere. */
  NEEDS_MOVE,
  /** The leader's view of a node that has not reported the resource yet. */
  UNKNOWN;

  /** Roles that mean "this node is (becoming) active, or may still hold the data". */
  public static final Set<Role> HOLDING = Set.of(PRIMARY, PROMOTING, RESTARTING, DEMOTING, FENCING);

  /** Roles a reachable node reports when it certainly does not hold the data. */
  public static final Set<Role> RELEASED = Set.of(SECONDARY, START_FAILED, NEEDS_MOVE);

  public boolean holding() {
    return HOLDING.contains(this);
  }

  public boolean released() {
    return RELEASED.contains(this);
  }

  /** Lower case with hyphens, as operators read it: {@code stop-failed}. */
  public String display() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The role whose {@link #display()} is {@code text}, for input from people (CLI filters). */
  public static Optional<Role> fromDisplay(String text) {
    return Arrays.stream(values()).filter(r -> r.display().equals(text)).findFirst();
  }
}
