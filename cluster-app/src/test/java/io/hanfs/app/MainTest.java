package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run hanfs(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.commandLine().execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /**
   * The management server answers a switchover when it is done: the 20 s default request timeout
   * answered 503 during a switchover on slow machines. Only authenticated changes get the long
   * bound (HanfsRoutes.LONG_OPERATION); reads keep the server's short one.
   */
  @Test
  void controlRequestsMayTakeAsLongAsTheLeaderAllows() throws Exception {
    io.hanfs.config.HanfsConfig cfg = io.hanfs.config.ConfigLoader.load(Path.of("../deploy/examples/hanfs.conf"));
    com.typesafe.config.Config system = Daemon.systemConfig(cfg, cfg.nodes().get(0));
    java.time.Duration request = system.getDuration("pekko.http.server.request-timeout");
    assertTrue(request.compareTo(java.time.Duration.ofSeconds(30)) <= 0, "reads answer in seconds: request-timeout " + request);
    assertTrue(HanfsRoutes.LONG_OPERATION.compareTo(java.time.Duration.ofMinutes(10)) > 0,
        "the changes' bound " + HanfsRoutes.LONG_OPERATION + " is shorter than the leader's resolve bound (10 min)");
    assertTrue(system.getDuration("pekko.http.server.idle-timeout").compareTo(HanfsRoutes.LONG_OPERATION) > 0, "idle-timeout must outlast a pending change");
  }

  @Test
  void validateAcceptsTheShippedExamples() {
    for (String example : new String[] {"hanfs.conf", "ganesha-shared.conf"}) {
      Run r = hanfs("validate", "../deploy/examples/" + example);
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("valid"), r.out());
    }
  }

  @Test
  void validateListsEveryErrorAndExits2() throws Exception {
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "hanfs {\n  nodes = [ { name = n1, address = \"10.0.0.1\", roles = [data, king] } ]\n  colour = blue\n}\n");
    Run r = hanfs("validate", bad.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("hanfs.nodes[0].roles (line 2): \"king\" is not a role"), r.err());
    assertTrue(r.err().contains("hanfs.colour (line 3): is not a known setting"), r.err());
  }

  @Test
  void runRefusesAnInvalidConfigBeforeStartingAnything() throws Exception {
    Path bad = dir.resolve("bad.conf");
    Path state = dir.resolve("state");
    Files.writeString(bad, "hanfs {\n  state-dir = \"" + state + "\"\n  nodes = [ { name = n1, address = \"10.0.0.1;reboot\" } ]\n}\n");
    Run r = hanfs("run", "--config", bad.toString(), "--node", "n1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("metacharacter"), r.err());
    assertTrue(r.err().contains("refusing to start"), r.err());
    assertTrue(!Files.exists(state), "nothing was created");
  }

  @Test
  void runRefusesAnUnknownNode() throws Exception {
    Run r = hanfs("run", "--config", "../deploy/examples/hanfs.conf", "--node", "nfs09");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("\"nfs09\" is not in hanfs.nodes"), r.err());
  }

  @Test
  void statusWithoutADaemonSaysSo() {
    Run r = hanfs("status", "--url", "http://127.0.0.1:1");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("cannot reach the hanfs daemon"), r.err());
  }

  /** Every command answers --help with its usage and the exit codes, and exits 0; hanfs help CMD says the same. */
  @Test
  void everyCommandHasHelpWithItsExitCodes() {
    for (String name : Main.commandLine().getSubcommands().keySet()) {
      if (name.equals("help")) continue;
      Run r = hanfs(name, "--help");
      assertEquals(0, r.code(), name + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: hanfs " + name), name + ": " + r.out());
      assertTrue(r.out().contains("Exit codes"), name + ": " + r.out());
      assertEquals(r.out(), hanfs("help", name).out(), name);
    }
    Run status = hanfs("status", "--help");
    assertTrue(status.out().contains("2   DOWN: a resource is active nowhere"), status.out());
    Run switchover = hanfs("help", "switchover");
    assertTrue(switchover.out().contains("4   no answer in time; the operation may still be running"), switchover.out());
    assertTrue(hanfs("fence-peer", "--help").out().contains("6   peer is primary"));
    assertEquals(2, hanfs("status", "--colour").code(), "an unknown option is still a usage error");
  }

  @Test
  void completionForBashIsGeneratedFromTheCommands() {
    Run r = hanfs("completion", "bash");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out());
    assertTrue(r.out().contains("complete -F _complete_hanfs") && r.out().contains("switchover") && r.out().contains("--watch"), "the commands and their options");
    assertEquals(2, hanfs("completion", "tcsh").code());
  }

  @Test
  void aChangeWithoutADaemonSaysSoAndExits3() {
    Run r = hanfs("switchover", "home", "--url", "http://127.0.0.1:1");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("cannot reach the hanfs daemon at http://127.0.0.1:1: connection refused"), r.err());
  }
}
