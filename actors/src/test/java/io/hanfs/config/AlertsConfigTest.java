package io.hanfs.config;

import static io.hanfs.config.ConfigLoaderTest.VALID;
import static io.hanfs.config.ConfigLoaderTest.onlyError;
import static io.hanfs.config.ConfigLoaderTest.top;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ConfigLoader on {@code hanfs.alerts}: a good block, its defaults, and each bad field's message. */
class AlertsConfigTest {
  @TempDir Path dir;

  Path script(String mode) throws Exception {
    Path p = dir.resolve("hanfs-alert-" + mode);
    Files.writeString(p, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  static String alerts(String body) {
    return top("alerts { " + body + " }");
  }

  static void assertError(String body, String path, String problem, String fix) {
    ConfigError e = onlyError(alerts(body));
    assertEquals(path, e.path(), e.toString());
    assertTrue(e.problem().contains(problem), e.toString());
    assertTrue(e.fix().contains(fix), e.toString());
  }

  @Test
  void noBlockNoAlerts() throws Exception {
    assertEquals(Optional.empty(), ConfigLoader.parse(VALID).alerts());
  }

  @Test
  void aFullBlockBecomesTheRecord() throws Exception {
    Path s = script("rwxr-xr-x");
    HanfsConfig.Alerts a = ConfigLoader.parse(alerts("script = \"" + s + "\", webhook = \"https://alerts.example/hook?team=storage&x=1\", "
        + "timeout = 30s, retries = 3, queue = 50")).alerts().orElseThrow();
    assertEquals(Optional.of(s), a.script());
    assertEquals(Optional.of(URI.create("https://alerts.example/hook?team=storage&x=1")), a.webhook());
    assertEquals(new HanfsConfig.Alerts(Optional.of(s), a.webhook(), Duration.ofSeconds(30), 3, 50), a);
  }

  @Test
  void eitherHookAloneTakesTheDefaults() throws Exception {
    HanfsConfig.Alerts w = ConfigLoader.parse(alerts("webhook = \"http://10.0.0.9:8080/hanfs\"")).alerts().orElseThrow();
    assertEquals(new HanfsConfig.Alerts(Optional.empty(), Optional.of(URI.create("http://10.0.0.9:8080/hanfs")), Duration.ofSeconds(10), 8, 1000), w);
    Path s = script("rwx------");
    HanfsConfig.Alerts sc = ConfigLoader.parse(alerts("script = \"" + s + "\"")).alerts().orElseThrow();
    assertEquals(Optional.of(s), sc.script());
    assertEquals(Optional.empty(), sc.webhook());
  }

  @Test
  void aBlockNeedsAHook() {
    assertError("timeout = 5s", "hanfs.alerts", "neither a script nor a webhook", "add script =");
  }

  @Test
  void theScriptIsAnAbsolutePathToAnExecutableOnlyItsOwnerCanWrite() throws Exception {
    assertError("script = \"bin/alert\"", "hanfs.alerts.script", "relative path", "absolute");
    assertError("script = \"" + dir.resolve("missing") + "\"", "hanfs.alerts.script", "does not exist or is not a regular file", "install the script");
    assertError("script = \"" + dir + "\"", "hanfs.alerts.script", "not a regular file", "install the script");
    assertError("script = \"" + script("rw-r--r--") + "\"", "hanfs.alerts.script", "is not executable", "chmod 0755");
    for (String mode : List.of("rwxrwxr-x", "rwxr-xrwx")) {
      assertError("script = \"" + script(mode) + "\"", "hanfs.alerts.script", "writable by its group or by others", "chmod go-w");
    }
    assertError("script = \"/usr/bin/x;reboot\"", "hanfs.alerts.script", "shell metacharacter", "");
  }

  @Test
  void theWebhookIsAPlainHttpUrl() {
    assertError("webhook = \"ftp://alerts.example/hook\"", "hanfs.alerts.webhook", "not an http or https URL", "https://alerts.example/hook");
    assertError("webhook = \"alerts.example/hook\"", "hanfs.alerts.webhook", "not an http or https URL", "https://");
    assertError("webhook = \"https:///hook\"", "hanfs.alerts.webhook", "no host name", "https://");
    assertError("webhook = \"https://ops:secret@alerts.example/hook\"", "hanfs.alerts.webhook", "user name or password", "remove the user-info");
    assertError("webhook = \"https://alerts.example/hook#top\"", "hanfs.alerts.webhook", "#fragment", "remove the #");
    assertError("webhook = \"https://alerts.example/a b\"", "hanfs.alerts.webhook", "whitespace", "webhook =");
    assertError("webhook = \"https://alerts.example/%zz\"", "hanfs.alerts.webhook", "is not a URL", "https://");
    assertError("webhook = 42", "hanfs.alerts.webhook", "must be a string", "webhook =");
  }

  @Test
  void timeoutRetriesAndQueueHaveTheirRanges() {
    String hook = "webhook = \"https://alerts.example/hook\", ";
    assertError(hook + "timeout = 500ms", "hanfs.alerts.timeout", "out of range", "1000ms to 300s");
    assertError(hook + "timeout = 6m", "hanfs.alerts.timeout", "out of range", "1000ms to 300s");
    assertError(hook + "timeout = soon", "hanfs.alerts.timeout", "not a duration", "e.g.");
    assertError(hook + "retries = -1", "hanfs.alerts.retries", "out of range", "from 0 to 100");
    assertError(hook + "retries = 101", "hanfs.alerts.retries", "out of range", "from 0 to 100");
    assertError(hook + "queue = 0", "hanfs.alerts.queue", "out of range", "from 1 to 100000");
    assertError(hook + "queue = 100001", "hanfs.alerts.queue", "out of range", "from 1 to 100000");
    assertError(hook + "retry = 3", "hanfs.alerts.retry", "not a known setting", "retries");
  }
}
