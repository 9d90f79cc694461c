package io.hanfs.leader;

import io.hanfs.node.resource.ResourceAgent;

/** The one thing a saga child tells the leader when it ends (and then it stops). */
sealed interface SagaOutcome {
  /** The steps a saga asks of a node; {@link #display()} is how the leader's messages name them. */
  enum Step {
    PROMOTE, DEMOTE, DISCARD, KEEP;

    String display() {
      return name().toLowerCase();
    }
  }

  /**
   * The node answered the saga's last step, or did not ({@code reply} null, {@code noAnswer} why).
   * A saga of several steps reports the first that did not succeed, or its last.
   */
  record StepEnded(String node, Step step, ResourceAgent.Reply reply, String noAnswer) implements SagaOutcome {
    boolean ok() {
      return reply instanceof ResourceAgent.Done;
    }

    String why() {
      return reply == null ? "no answer: " + noAnswer
          : reply instanceof ResourceAgent.Failed f ? f.message()
          : reply instanceof ResourceAgent.Refused x ? x.reason() + ": " + x.message() : "done";
    }
  }

  /** The saga did not end within its deadline. */
  record TimedOut() implements SagaOutcome {}
}
