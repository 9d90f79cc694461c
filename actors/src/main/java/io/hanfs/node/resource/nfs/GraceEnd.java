package io.hanfs.node.resource.nfs;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * When and why an NFS server that just started left its grace period, decided from what the
 * server shows (a pure function: the layer reads, {@link GraceWatch} asks every tick). A new
 * server refuses new opens and locks while in grace; ending it as soon as every client it knew
 * has reclaimed (kernel nfsd with nfsdcld, Ganesha with its recovery records and NLM off) is
 * what brings clients back in seconds instead of the whole period.
 */
public final class GraceEnd {
  private GraceEnd() {}

  /** Why grace ended, as status, history and the drill say it. */
  public enum Reason {
    /** The server knew no client of the previous instance: no grace at all. */
    NO_CLIENTS_TO_RECLAIM("no client to reclaim"),
    /** Every client the server knew sent RECLAIM_COMPLETE. */
    ALL_CLIENTS_RECLAIMED("every known client reclaimed"),
    /** Ended well before the period, and the server did not say which of the two above. */
    ENDED_ON_RECLAIM("ended on reclaim (every known client, or none, reclaimed)"),
    /** The whole configured period ran (clients unknown, still reclaiming, or not tracked). */
    PERIOD_ELAPSED("the grace period elapsed"),
    /** Grace is off in the config (grace = 0). */
    GRACELESS("grace is off");

    public final String text;

    Reason(String text) {
      this.text = text;
    }

    public String display() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One reading of the server.
   *
   * @param ended the server is out of grace
   * @param serverSays the reason the server itself logged, if any
   * @param clients the NFSv4 clients the server has now (-1 unknown)
   */
  public record Reading(boolean ended, Optional<Reason> serverSays, int clients) {
    public static Reading inGrace() {
      return inGrace(-1);
    }

    /** Still in grace, with the clients it has now (-1 unknown): the first one back is reclaiming. */
    public static Reading inGrace(int clients) {
      return new Reading(false, Optional.empty(), clients);
    }
  }

  /** What the watch does after a reading. */
  public sealed interface Verdict {
    /** For people: the status line, the log, the history's reason. */
    String describe();
  }

  public record Waiting() implements Verdict {
    public String describe() {
      return "in grace";
    }
  }

  /**
   * Still in grace, and the first NFSv4 client is back: in grace a client may only reclaim, so
   * this is the first reclaim (kernel nfsd lists a client from its EXCHANGE_ID/SETCLIENTID on).
   */
  public record FirstReclaim(Duration afterStart, int clients) implements Verdict {
    public String describe() {
      return String.format(Locale.ROOT, "first client back in grace %.1f s after start, reclaiming (%d client%s)", afterStart.toMillis() / 1000.0,
          clients, clients == 1 ? "" : "s");
    }
  }

  /** @param afterStart from the server's start to the reading that showed the end */
  public record Ended(Reason reason, Duration afterStart, int clients) implements Verdict {
    public String describe() {
      return String.format(Locale.ROOT, "grace ended %.1f s after start: %s", afterStart.toMillis() / 1000.0, reason.text)
          + (clients >= 0 ? " (" + clients + " client" + (clients == 1 ? "" : "s") + ")" : "");
    }
  }

  /** The server stays in grace far past its period: something the watch cannot explain. */
  public record GaveUp(Duration afterStart) implements Verdict {
    public String describe() {
      return "still in grace " + afterStart.toSeconds() + " s after start";
    }
  }

  /**
   * A server may end grace up to this much after its period by its own clock (its laundromat
   * runs on a timer; the kernel lets clients still reclaiming have up to twice the lease more).
   */
  static final Duration PERIOD_SLACK = Duration.ofMillis(1500);

  /**
   * The first reclaim, once: present when the server, in grace, shows a client for the first time
   * since its start (a reading that shows grace ended and a client at once names both).
   *
   * @param seen the watch already reported the first reclaim of this start
   */
  public static Optional<FirstReclaim> firstReclaim(Reading r, Duration elapsed, Duration grace, boolean seen) {
    if (seen || grace.isZero() || r.clients() <= 0) return Optional.empty();
    return Optional.of(new FirstReclaim(elapsed, r.clients()));
  }

  /**
   * @param elapsed from the server's start to this reading
   * @param grace the configured grace period
   * @param lease the configured NFSv4 lease (the kernel extends grace by up to two leases for
   *     clients that are still reclaiming)
   */
  public static Verdict decide(Reading r, Duration elapsed, Duration grace, Duration lease) {
    if (grace.isZero()) return new Ended(Reason.GRACELESS, elapsed, r.clients());
    if (!r.ended()) {
      Duration limit = grace.plus(lease.multipliedBy(2)).plus(PERIOD_SLACK.multipliedBy(4));
      return elapsed.compareTo(limit) > 0 ? new GaveUp(elapsed) : new Waiting();
    }
    if (r.serverSays().isPresent()) return new Ended(r.serverSays().get(), elapsed, r.clients());
    boolean early = elapsed.plus(PERIOD_SLACK).compareTo(grace) < 0;
    return new Ended(early ? Reason.ENDED_ON_RECLAIM : Reason.PERIOD_ELAPSED, elapsed, r.clients());
  }
}
