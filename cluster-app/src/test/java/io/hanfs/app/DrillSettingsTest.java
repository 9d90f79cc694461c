package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillSettingsTest {
  @TempDir Path dir;

  static DrillSettings.Raw raw(String resource, String dir, String url) {
    return new DrillSettings.Raw(resource, dir, url, null, null, null, null, null, null, false);
  }

  static DrillSettings ok(DrillSettings.Raw r) {
    DrillSettings.Checked<DrillSettings> c = DrillSettings.parse(r);
    assertTrue(c instanceof DrillSettings.Ok, () -> ((DrillSettings.Bad<DrillSettings>) c).message());
    return ((DrillSettings.Ok<DrillSettings>) c).value();
  }

  static String bad(DrillSettings.Raw r) {
    DrillSettings.Checked<DrillSettings> c = DrillSettings.parse(r);
    assertTrue(c instanceof DrillSettings.Bad, "accepted: " + r);
    return ((DrillSettings.Bad<DrillSettings>) c).message();
  }

  @Test
  void defaults() {
    DrillSettings s = ok(raw("home", null, "nfs://10.0.0.100/srv/home/export?version=4"));
    assertEquals(10, s.recordsPerSecond());
    assertEquals(10, s.acks());
    assertEquals(Duration.ofSeconds(5), s.settle());
    assertEquals(Duration.ofSeconds(300), s.timeout());
    DrillSettings.NfsUrl u = (DrillSettings.NfsUrl) s.target();
    assertEquals("nfs://10.0.0.100/srv/home/export/hanfs-drill-a-000001?version=4", u.file(DrillRecords.name("a", 1)));
  }

  @Test
  void aDirectoryOnTheMountAndAHostName() {
    assertEquals(dir, ((DrillSettings.Dir) ok(raw("home", dir.toString(), null)).target()).path());
    assertEquals("nfs://nfs.example.org/export", ok(raw("home", null, "nfs://nfs.example.org/export")).target().describe());
    assertEquals("nfs://[fd00::100]/export", ok(raw("home", null, "nfs://[fd00::100]/export")).target().describe());
  }

  @Test
  void badUrlsNameTheOptionAndTheFix() {
    for (String url : List.of("http://10.0.0.1/x", "nfs://10.0.0.1", "nfs://10.0.0.1/", "nfs://10.0.0.1/a/../b", "nfs://10.0.0.1/a?uid=0",
        "nfs://10.0.0.1/a b", "nfs://-oProxy/x", "nfs://10.0.0.1/x;rm", "nfs://10.0.0.1/x\n", "nfs://10.0.0.1/-x", "nfs://999.1.1.1/x")) {
      String m = bad(raw("home", null, url));
      assertTrue(m.startsWith("--url: ") && m.contains("give nfs://HOST/export/path"), url + ": " + m);
    }
  }

  @Test
  void exactlyOneTarget() {
    assertTrue(bad(raw("home", null, null)).startsWith("--dir or --url: give exactly one"));
    assertTrue(bad(raw("home", dir.toString(), "nfs://10.0.0.1/x")).startsWith("--dir or --url: give exactly one"));
  }

  @Test
  void badDirectories() throws Exception {
    assertTrue(bad(raw("home", "relative/dir", null)).contains("--dir: \"relative/dir\" is a relative path"));
    assertTrue(bad(raw("home", dir.resolve("nosuch").toString(), null)).contains("is not a directory; mount the export"));
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertTrue(bad(raw("home", file.toString(), null)).contains("is not a directory"));
    assertTrue(bad(raw("home", dir + "/../x", null)).contains("not normalised"));
  }

  @Test
  void everyBadOptionIsNamedAtOnce() {
    String m = bad(new DrillSettings.Raw("Home", null, "nfs://10.0.0.1/x", 0, 0, "5", "", 0L, "ftp://x", false));
    for (String option : List.of("RESOURCE:", "--records-per-second:", "--acks:", "--settle:", "--kill-active:", "--timeout:", "--api:")) {
      assertTrue(m.contains(option), option + " in " + m);
    }
    assertEquals(7, m.lines().count(), m);
  }

  @Test
  void durations() {
    assertEquals(Duration.ofMillis(500), DrillSettings.duration("500ms").orElseThrow());
    assertEquals(Duration.ofMinutes(2), DrillSettings.duration("2m").orElseThrow());
    assertTrue(DrillSettings.duration("5").isEmpty());
    assertTrue(DrillSettings.duration("-5s").isEmpty());
    assertTrue(DrillSettings.duration("5h").isEmpty());
    assertTrue(bad(new DrillSettings.Raw("home", null, "nfs://h/x", null, null, "11m", null, null, null, false)).contains("--settle"));
  }

  @Test
  void theKillCommandIsPlainWordsRunWithoutAShell() {
    DrillSettings s = ok(new DrillSettings.Raw("home", null, "nfs://h/x", null, null, null, " /root/hanfs/deploy/lab/nslab  kill ", null, null, false));
    assertEquals(List.of("/root/hanfs/deploy/lab/nslab", "kill"), s.killActive().orElseThrow());
    assertEquals(List.of("lab-kill"), ((DrillSettings.Ok<List<String>>) DrillSettings.killCommand("lab-kill")).value());
    for (String cmd : List.of("kill $(pidof hanfs)", "sh -c 'kill 1'", "a;b", "deploy/lab/nslab kill", "-x y", "a\nb", "  ")) {
      DrillSettings.Checked<List<String>> c = DrillSettings.killCommand(cmd);
      assertTrue(c instanceof DrillSettings.Bad, cmd);
      String m = ((DrillSettings.Bad<List<String>>) c).message();
      assertTrue(m.startsWith("--kill-active: ") && m.contains("plain words"), cmd + ": " + m);
    }
  }

  @Test
  void theManagementUrl() {
    assertEquals("https://10.0.0.11:7626", ok(new DrillSettings.Raw("home", null, "nfs://h/x", null, null, null, null, null, "https://10.0.0.11:7626", false))
        .api().orElseThrow());
    assertTrue(bad(new DrillSettings.Raw("home", null, "nfs://h/x", null, null, null, null, null, "https://x:7626/hanfs?a", false)).contains("--api"));
  }

  /** Through the command line: exit 2, every problem on stderr, nothing written. */
  @Test
  void theCommandRefusesBadInputWithExit2AndTouchesNothing() throws Exception {
    MainTest.Run r = MainTest.hanfs("drill", "home", "--dir", dir.toString(), "--records-per-second", "1000", "--api", "http://127.0.0.1:1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("hanfs drill: --records-per-second: 1000 is out of range; give 1 to 100"), r.err());
    assertTrue(r.err().contains("nothing was done"), r.err());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no record written");
    }
  }
}
