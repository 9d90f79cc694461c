package io.hanfs.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One log event as one line: the text pattern, or a JSON object (the fields below, no
 * dependency for it). For journald, each line starts with the sd-daemon priority prefix
 * ({@code <3>} error ... {@code <7>} debug), which journald turns into the entry's PRIORITY
 * (SyslogLevelPrefix=yes is systemd's default), so {@code journalctl -p err} finds errors; every
 * line of a stack trace gets it, not only the first.
 */
final class LogLineEncoder extends EncoderBase<ILoggingEvent> {
  private final LogSetup.Format format;
  private final boolean journal;
  private PatternLayout text;

  LogLineEncoder(LogSetup.Format format, boolean journal) {
    this.format = format;
    this.journal = journal;
  }

  @Override
  public void start() {
    if (format == LogSetup.Format.TEXT) {
      text = new PatternLayout();
      text.setContext(getContext());
      text.setPattern(LogSetup.PATTERN);
      text.start();
    }
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    String line = format == LogSetup.Format.JSON ? json(event) + "\n" : text.doLayout(event);
    if (journal) {
      String prefix = "<" + priority(event.getLevel()) + ">";
      String body = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      line = prefix + body.replace("\n", "\n" + prefix) + "\n";
    }
    return line.getBytes(StandardCharsets.UTF_8);
  }

  /** syslog(3) priorities as sd-daemon(3) defines the prefixes. */
  static int priority(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> 3;
      case Level.WARN_INT -> 4;
      case Level.INFO_INT -> 6;
      default -> 7;
    };
  }

  /** time (UTC, ISO-8601), level, logger, thread, message, then exception and mdc when present. */
  static String json(ILoggingEvent e) {
    StringBuilder b = new StringBuilder(256).append('{');
    field(b, "time", Instant.ofEpochMilli(e.getTimeStamp()).toString()).append(',');
    field(b, "level", e.getLevel().toString()).append(',');
    field(b, "logger", e.getLoggerName()).append(',');
    field(b, "thread", e.getThreadName()).append(',');
    field(b, "message", e.getFormattedMessage());
    if (e.getThrowableProxy() != null) {
      String trace = ThrowableProxyUtil.asString(e.getThrowableProxy());
      field(b.append(','), "exception", trace.endsWith(CoreConstants.LINE_SEPARATOR) ? trace.strip() : trace);
    }
    Map<String, String> mdc = e.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      b.append(",\"mdc\":{");
      boolean first = true;
      for (Map.Entry<String, String> m : new TreeMap<>(mdc).entrySet()) {
        if (!first) b.append(',');
        field(b, m.getKey(), m.getValue());
        first = false;
      }
      b.append('}');
    }
    return b.append('}').toString();
  }

  private static StringBuilder field(StringBuilder b, String name, String value) {
    quote(b, name).append(':');
    return value == null ? b.append("null") : quote(b, value);
  }

  private static StringBuilder quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"');
  }
}
