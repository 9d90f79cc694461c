package io.hanfs.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The daemon's logging set up in code: one line per event on stdout (journald adds the time of
 * day anyway), hanfs and Pekko at INFO, the rest at WARN. Configuring logback from XML loads some
 * 600 classes (its XML parser and model) that a node would carry in memory for nothing.
 * An operator who wants another setup passes {@code -Dlogback.configurationFile=...}; then
 * logback reads that file as usual.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %X{pekkoSource} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stdout);
    context.getLogger("org.apache.pekko").setLevel(Level.INFO);
    context.getLogger("io.hanfs").setLevel(Level.INFO);
    for (String name : debugLoggers(System.getenv("HANFS_DEBUG_LOGGERS"))) context.getLogger(name).setLevel(Level.DEBUG);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
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
