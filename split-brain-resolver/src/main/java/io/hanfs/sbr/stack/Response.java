package io.hanfs.sbr.stack;

import io.hanfs.sbr.Refusal;

/** How a request to the stack ends; the resource agent adds the status at that moment. */
public sealed interface Response {
  record Done() implements Response {}

  /** Refused before anything changed. */
  record Refused(Refusal refusal) implements Response {}

  /**
   * Accepted but failed. {@code heldElsewhere}: a promotion failed only because another holder
   * still has the data (not this node's fault: the leader retries without banning it).
   */
  record Failed(String message, boolean heldElsewhere) implements Response {}
}
