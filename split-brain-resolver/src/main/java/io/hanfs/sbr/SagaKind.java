package io.hanfs.sbr;

/** What a running saga of the leader does to one resource; {@link #display()} is how status and replies name it. */
public enum SagaKind {
  PROMOTE("promote"),
  /** An operator's switchover: demote, then promote the target. */
  SWITCHOVER("switchover"),
  /** The leader's own move (standby, failback): demote, then promote the target. */
  MOVE("move"),
  /** Two active nodes: the one with the lower epoch is demoted. */
  DEMOTE_EXTRA("demote-extra"),
  /** A node whose stop failed (it fenced itself) is demoted again: every stop step is idempotent. */
  RETRY_STOP("retried stop"),
  /** A split brain's victim still serves: it is demoted before its changes are discarded. */
  SPLIT_BRAIN_DEMOTE("split-brain demote"),
  /** A split brain's victim saves and discards its changes, then the survivor reconnects. */
  RESOLVE("resolve");

  private final String display;

  SagaKind(String display) {
    this.display = display;
  }

  public String display() {
    return display;
  }

  /** The node whose answer the saga waits for: the target of a promotion, else the node it works on. */
  public boolean waitsOnTarget() {
    return this == PROMOTE;
  }
}
