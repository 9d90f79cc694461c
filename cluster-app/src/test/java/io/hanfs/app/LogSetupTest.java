package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogSetupTest {
  @Test
  void debugLoggersAreLoggerNamesOnly() {
    assertEquals(List.of(), LogSetup.debugLoggers(null));
    assertEquals(List.of(), LogSetup.debugLoggers(" "));
    assertEquals(List.of("io.hanfs.exec", "org.apache.pekko.cluster"),
        LogSetup.debugLoggers("io.hanfs.exec, bad;name,,org.apache.pekko.cluster,..,9x"));
  }

  /** What the daemon's stdout receives, as lines, for these events logged through a context set up like the daemon's. */
  static List<String> logged(LogSetup.Format format, boolean journal) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setOutputStream(out);
    LogSetup.install(context, format, journal, appender);
    Logger log = context.getLogger("io.hanfs.node.NodeAgent");
    MDC.put("pekkoSource", "pekko://hanfs/user/node");
    try {
      log.info("resource {} is \"primary\"", "home");
      log.warn("lease\trenewal slow");
      log.error("demote failed", new IllegalStateException("umount: target is busy"));
      log.debug("not at INFO");
      context.getLogger("org.example.Other").info("others log at WARN and above only");
    } finally {
      MDC.clear();
      context.stop();
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void textLinesAsBefore() {
    List<String> lines = logged(LogSetup.Format.TEXT, false);
    assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.h\\.node\\.NodeAgent pekko://hanfs/user/node - resource home is \"primary\""), lines.get(0));
    assertTrue(lines.get(1).contains(" WARN  ") && lines.get(1).endsWith("- lease\trenewal slow"), lines.get(1));
    assertTrue(lines.get(2).contains(" ERROR ") && lines.get(2).endsWith("- demote failed"), lines.get(2));
    assertEquals("java.lang.IllegalStateException: umount: target is busy", lines.get(3));
    assertTrue(lines.stream().noneMatch(l -> l.contains("not at INFO") || l.contains("others log")), String.join("\n", lines));
  }

  @Test
  void jsonIsOneObjectPerLine() throws Exception {
    List<String> lines = logged(LogSetup.Format.JSON, false);
    assertEquals(3, lines.size(), String.join("\n", lines));
    JsonNode info = Json.MAPPER.readTree(lines.get(0));
    assertEquals("INFO", info.path("level").asText());
    assertEquals("io.hanfs.node.NodeAgent", info.path("logger").asText());
    assertEquals("resource home is \"primary\"", info.path("message").asText());
    assertEquals("pekko://hanfs/user/node", info.path("mdc").path("pekkoSource").asText());
    assertTrue(info.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), info.path("time").asText());
    assertEquals("lease\trenewal slow", Json.MAPPER.readTree(lines.get(1)).path("message").asText());
    JsonNode error = Json.MAPPER.readTree(lines.get(2));
    assertEquals("ERROR", error.path("level").asText());
    assertTrue(error.path("exception").asText().startsWith("java.lang.IllegalStateException: umount: target is busy\n\tat "), error.toString());
  }

  /** journald reads "<N>" as the line's priority: 3 err, 4 warning, 6 info; a stack trace's lines too. */
  @Test
  void forTheJournalEveryLineCarriesItsPriority() throws Exception {
    List<String> text = logged(LogSetup.Format.TEXT, true);
    assertTrue(text.get(0).startsWith("<6>") && text.get(0).endsWith("resource home is \"primary\""), text.get(0));
    assertTrue(text.get(1).startsWith("<4>") && text.get(1).contains(" WARN  "), text.get(1));
    assertTrue(text.get(2).startsWith("<3>") && text.get(2).endsWith("- demote failed"), text.get(2));
    assertEquals("<3>java.lang.IllegalStateException: umount: target is busy", text.get(3));
    assertTrue(text.subList(2, text.size()).stream().allMatch(l -> l.startsWith("<3>")), String.join("\n", text));

    List<String> json = logged(LogSetup.Format.JSON, true);
    assertEquals(3, json.size());
    assertTrue(json.get(0).startsWith("<6>{"), json.get(0));
    assertTrue(json.get(2).startsWith("<3>{"), json.get(2));
    assertEquals("demote failed", Json.MAPPER.readTree(json.get(2).substring(3)).path("message").asText());
  }

  @Test
  void theFormatIsTextOrJsonAndABadOneIsNamed() {
    assertEquals(LogSetup.Format.TEXT, LogSetup.parseFormat("HANFS_LOG_FORMAT", null));
    assertEquals(LogSetup.Format.TEXT, LogSetup.parseFormat("HANFS_LOG_FORMAT", "text"));
    assertEquals(LogSetup.Format.JSON, LogSetup.parseFormat("HANFS_LOG_FORMAT", " JSON "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogSetup.parseFormat("HANFS_LOG_FORMAT", "xml"));
    assertEquals("HANFS_LOG_FORMAT: \"xml\" is not a log format; use text or json", e.getMessage());
  }

  @Test
  void theJournalIsStdoutOnlyWhenJournalStreamNamesIt() {
    assertFalse(LogSetup.journalIsStdout(null));
    assertFalse(LogSetup.journalIsStdout("garbage"));
    // The test's stdout is a pipe or a file, not a stream with this device and inode.
    assertFalse(LogSetup.journalIsStdout("1:1"));
  }

  @Test
  void runRefusesABadLogFormat() {
    System.setProperty(LogSetup.FORMAT_PROPERTY, "yaml");
    try {
      MainTest.Run r = MainTest.hanfs("run", "--config", "../deploy/examples/hanfs.conf", "--node", "nfs01");
      assertEquals(2, r.code());
      assertTrue(r.err().contains("-Dhanfs.log.format: \"yaml\" is not a log format; use text or json"), r.err());
    } finally {
      System.clearProperty(LogSetup.FORMAT_PROPERTY);
    }
  }
}
