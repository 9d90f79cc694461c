package io.hanfs.app;

import io.hanfs.config.Syntax;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filter of {@code GET /hanfs/events} and {@code hanfs history}, checked in one place: a
 * resource name, a start ({@code 2026-12-04T03:12:00Z}, epoch milliseconds, or a span back from
 * now: {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}) and a limit.
 */
record EventsQuery(String resource, long sinceMillis, int limit) {
  static final int DEFAULT_LIMIT = 200;
  static final int MAX_LIMIT = io.hanfs.history.EventHub.MAX_LIMIT;
  private static final Pattern SPAN = Pattern.compile("(\\d{1,9})([smhd])");

  /** A query, or the error that names the parameter and the fix. */
  sealed interface Parsed {}

  record Ok(EventsQuery query) implements Parsed {}

  record Bad(String message) implements Parsed {}

  static Parsed parse(Optional<String> resource, Optional<String> since, Optional<String> limit, long nowMillis) {
    String res = resource.orElse("");
    if (!res.isEmpty() && !Syntax.isName(res)) return new Bad("resource: \"" + shown(res) + "\" is not a plain resource name (lower-case letters, digits, -)");
    long from = 0;
    if (since.isPresent()) {
      String s = since.get().strip();
      Matcher m = SPAN.matcher(s);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
          case "s" -> 1_000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          default -> 86_400_000L;
        };
        from = Math.max(0, nowMillis - n * unit);
      } else if (s.matches("\\d{1,15}")) {
        from = Long.parseLong(s);
      } else {
        try {
          from = Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
          return new Bad("since: \"" + shown(s) + "\" is not a time; give a span back from now (90s, 15m, 2h, 7d), "
              + "an ISO-8601 instant (2026-12-04T03:12:00Z) or epoch milliseconds");
        }
      }
    }
    int n = DEFAULT_LIMIT;
    if (limit.isPresent()) {
      if (!limit.get().matches("\\d{1,6}") || Integer.parseInt(limit.get()) < 1 || Integer.parseInt(limit.get()) > MAX_LIMIT) {
        return new Bad("limit: \"" + shown(limit.get()) + "\" must be a whole number from 1 to " + MAX_LIMIT);
      }
      n = Integer.parseInt(limit.get());
    }
    return new Ok(new EventsQuery(res, from, n));
  }

  private static String shown(String s) {
    String t = s.replaceAll("[^A-Za-z0-9:._+-]", "?");
    return t.length() > 64 ? t.substring(0, 64) + "..." : t;
  }
}
