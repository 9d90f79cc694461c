package io.hanfs.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The daemon's logging set up in code: one line per event on stdout (journald adds the time of
 * day anyway), hanfs and Pekko at INFO, the rest at WARN. Configuring logback from XML loads some
 * 600 classes (its XML parser and model) that a node would carry in memory for nothing.
 * An operator who wants another setup passes {@code -Dlogback.configurationFile=...}; then
 * logback reads that file as usual.
 *
 * <p>The line format: {@code HANFS_LOG_FORMAT} (or {@code -Dhanfs.log.format}) text (default) or
 * json, one JSON object per line. Read from the environment, not the config file, because
 * logging starts before the config is read (and for every CLI command). When stdout is the
 * journal (JOURNAL_STREAM names it), each line carries its syslog priority prefix.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %X{pekkoSource} - %msg%n";
  static final String FORMAT_ENV = "HANFS_LOG_FORMAT";
  static final String FORMAT_PROPERTY = "hanfs.log.format";

  enum Format { TEXT, JSON }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Format format;
    try {
      format = format();
    } catch (IllegalArgumentException e) {
      // `hanfs run` refuses to start on it (formatProblem); a CLI command logs as text.
      System.err.println("hanfs: " + e.getMessage());
      format = Format.TEXT;
    }
    install(context, format, journalIsStdout(System.getenv("JOURNAL_STREAM")), new ConsoleAppender<>());
    for (String name : debugLoggers(System.getenv("HANFS_DEBUG_LOGGERS"))) context.getLogger(name).setLevel(Level.DEBUG);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void install(LoggerContext context, Format format, boolean journal, OutputStreamAppender<ILoggingEvent> out) {
    LogLineEncoder encoder = new LogLineEncoder(format, journal);
    encoder.setContext(context);
    encoder.start();
    out.setContext(context);
    out.setName("STDOUT");
    out.setEncoder(encoder);
    out.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(out);
    context.getLogger("org.apache.pekko").setLevel(Level.INFO);
    context.getLogger("io.hanfs").setLevel(Level.INFO);
  }

  /** The format asked for: the system property, else the environment, else text. */
  static Format format() {
    String property = System.getProperty(FORMAT_PROPERTY);
    return property != null ? parseFormat("-D" + FORMAT_PROPERTY, property) : parseFormat(FORMAT_ENV, System.getenv(FORMAT_ENV));
  }

  /** {@code key} names where the value came from, for the error. */
  static Format parseFormat(String key, String value) {
    if (value == null || value.isBlank()) return Format.TEXT;
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "text" -> Format.TEXT;
      case "json" -> Format.JSON;
      default -> throw new IllegalArgumentException(key + ": \"" + value.replaceAll("[^\\x20-\\x7e]", "?")
          + "\" is not a log format; use text or json");
    };
  }

  /** Why the daemon must not start with this environment's log format, if it must not. */
  static java.util.Optional<String> formatProblem() {
    try {
      format();
      return java.util.Optional.empty();
    } catch (IllegalArgumentException e) {
      return java.util.Optional.of(e.getMessage());
    }
  }

  /**
   * systemd sets JOURNAL_STREAM=DEVICE:INODE of the stream it connected stdout to; a child whose
   * stdout was redirected inherits the variable, so the stream is compared (systemd.exec(5)).
   * Without /proc to compare with, the variable alone decides.
   */
  static boolean journalIsStdout(String journalStream) {
    if (journalStream == null || !journalStream.matches("\\d+:\\d+")) return false;
    try {
      java.nio.file.Path stdout = java.nio.file.Path.of("/proc/self/fd/1");
      long dev = ((Number) java.nio.file.Files.getAttribute(stdout, "unix:dev")).longValue();
      long ino = ((Number) java.nio.file.Files.getAttribute(stdout, "unix:ino")).longValue();
      return journalStream.equals(Long.toUnsignedString(dev) + ":" + Long.toUnsignedString(ino));
    } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      return true;
    }
  }

  /**
   * HANFS_DEBUG_LOGGERS=io.hanfs.exec,...: loggers at DEBUG (io.hanfs.exec logs every command
   * with its exit code and time, which is how a slow step is found). Anything that is not a
   * logger name is left out with a warning on stderr.
   */
  static java.util.List<String> debugLoggers(String env) {
    if (env == null || env.isBlank()) return java.util.List.of();
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String n : env.split(",")) {
      String name = n.strip();
      if (name.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*){0,20}")) out.add(name);
      else if (!name.isEmpty()) System.err.println("hanfs: HANFS_DEBUG_LOGGERS: \"" + name.replaceAll("[^\\x20-\\x7e]", "?")
          + "\" is not a logger name (e.g. io.hanfs.exec); ignored");
    }
    return out;
  }
}
