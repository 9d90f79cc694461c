package io.hanfs.sbr.history;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One failover, switchover or move of one resource, told as the events it was made of (see
 * {@link Timeline#episodes}): what {@code hanfs history} and the status page show as "why did it
 * fail over at 03:12, and what took so long".
 *
 * @param from the node the resource left (the {@code from} fact of its start), "" when not told
 * @param to the node it went to (the start's node)
 * @param startMillis the first phase's time: the cause when one was found, else the decision or the start
 * @param endMillis the outcome's time (for {@link Outcome#INTERRUPTED} the last phase's); empty while running
 * @param phases in time order, at least the start
 */
public record Episode(String resource, Kind kind, String from, String to, Outcome outcome, long startMillis, Optional<Long> endMillis,
    List<Phase> phases) {

  public Episode {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    endMillis = endMillis == null ? Optional.empty() : endMillis;
    phases = List.copyOf(phases);
  }

  /** How long it took, start to outcome; empty while it runs. */
  public Optional<Long> totalMillis() {
    return endMillis.map(end -> end - startMillis);
  }

  public enum Kind {
    FAILOVER(HistoryKind.FAILOVER_STARTED),
    SWITCHOVER(HistoryKind.SWITCHOVER_STARTED),
    MOVE(HistoryKind.MOVE_STARTED);

    private final HistoryKind started;

    Kind(HistoryKind started) {
      this.started = started;
    }

    /** The episode kind an event starts, if it starts one. */
    public static Optional<Kind> startedBy(HistoryKind kind) {
      for (Kind k : values()) if (k.started == kind) return Optional.of(k);
      return Optional.empty();
    }

    public String display() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Outcome {
    /** Its {@code *_DONE} came. */
    DONE,
    /** A {@link HistoryKind#TRANSITION_FAILED} came: its reason says why. */
    FAILED,
    /** No outcome yet. */
    RUNNING,
    /** The next episode of the resource started before an outcome came (a leader lost mid-way). */
    INTERRUPTED;

    /** The outcome an event of the episode's body tells, if it is one. */
    static Optional<Outcome> toldBy(HistoryKind kind) {
      return switch (kind) {
        case FAILOVER_DONE, SWITCHOVER_DONE, MOVE_DONE -> Optional.of(DONE);
        case TRANSITION_FAILED -> Optional.of(FAILED);
        default -> Optional.empty();
      };
    }

    public String display() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One event of an episode.
   *
   * @param offsetMillis since the episode's start
   * @param sincePreviousMillis since the previous phase (0 for the first)
   * @param cause whether it is the episode's cause (the member down, lease lost or monitor failed that led to it)
   */
  public record Phase(HistoryEvent event, long offsetMillis, long sincePreviousMillis, boolean cause) {
    public Phase {
      Objects.requireNonNull(event, "event");
    }

    /** A short name: "detected", "decided", "failover started", "filesystem stop", "floating-ip start", "promoted", "failover done". */
    public String phaseName() {
      if (cause) return "detected";
      if (event.kind() == HistoryKind.STEP) {
        String layer = event.facts().getOrDefault("layer", "");
        String op = event.facts().getOrDefault("op", "");
        String name = (layer + " " + op).trim();
        return name.isEmpty() ? "step" : name;
      }
      return event.kind().display().replace('-', ' ');
    }
  }
}
