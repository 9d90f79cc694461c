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
      int code = new CommandLine(new Main()).execute(args);
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
}
