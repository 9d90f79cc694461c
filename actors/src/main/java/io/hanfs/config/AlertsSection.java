package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Alerts;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code hanfs.alerts { script, webhook, timeout, retries, queue }}, optional. The daemon runs the
 * script as root, so it must be a file only its owner can change; unlike the other sections this
 * one looks at the machine (the script file), as {@code hanfs validate} on the node should.
 */
final class AlertsSection {
  private AlertsSection() {}

  static Optional<Alerts> read(ObjectReader h) {
    Optional<ObjectReader> reader = h.object("alerts", false);
    if (reader.isEmpty()) return Optional.empty();
    ObjectReader a = reader.get();
    Optional<Path> script = a.absolutePath("script", false, "\"/usr/local/bin/hanfs-alert\"");
    boolean scriptOk = script.map(p -> scriptProblem(a, p)).orElse(true);
    Optional<String> webhookText = a.unquotedText("webhook", "\"https://alerts.example/hook\"");
    Optional<URI> webhook = webhookText.flatMap(w -> webhook(a, w));
    Optional<Duration> timeout = a.duration("timeout", Duration.ofSeconds(1), Duration.ofMinutes(5), Alerts.DEFAULT_TIMEOUT);
    Optional<Integer> retries = a.integer("retries", 0, 100, Optional.of(Alerts.DEFAULT_RETRIES));
    Optional<Integer> queue = a.integer("queue", 1, 100_000, Optional.of(Alerts.DEFAULT_QUEUE));
    a.finish();
    if (!a.has("script") && !a.has("webhook")) {
      h.error("alerts", "has neither a script nor a webhook", "add script = \"/usr/local/bin/hanfs-alert\" or webhook = \"https://alerts.example/hook\", or remove the alerts block");
      return Optional.empty();
    }
    boolean hooksOk = (!a.has("script") || script.isPresent() && scriptOk) && (!a.has("webhook") || webhook.isPresent());
    if (!hooksOk || timeout.isEmpty() || retries.isEmpty() || queue.isEmpty()) return Optional.empty();
    return Optional.of(new Alerts(script, webhook, timeout.get(), retries.get(), queue.get()));
  }

  /** Records why the script cannot be run as root, and says whether it can. */
  private static boolean scriptProblem(ObjectReader a, Path p) {
    if (!Files.isRegularFile(p)) {
      a.error("script", "\"" + p + "\" does not exist or is not a regular file", "install the script there, or correct the path");
      return false;
    }
    if (!Files.isExecutable(p)) {
      a.error("script", "\"" + p + "\" is not executable", "chmod 0755 " + p);
      return false;
    }
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(p);
    } catch (IOException | UnsupportedOperationException e) {
      a.error("script", "the permissions of \"" + p + "\" cannot be read: " + e.getMessage(), "put the script on a local POSIX filesystem");
      return false;
    }
    if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      // The daemon runs it as root: whoever can write it would run as root too.
      a.error("script", "\"" + p + "\" is writable by its group or by others, and hanfs runs it as root", "chmod go-w " + p);
      return false;
    }
    return true;
  }

  private static Optional<URI> webhook(ObjectReader a, String text) {
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      a.error("webhook", "\"" + text + "\" is not a URL: " + e.getReason(), "write e.g. https://alerts.example/hook");
      return Optional.empty();
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      a.error("webhook", "\"" + text + "\" is not an http or https URL", "write e.g. https://alerts.example/hook");
    } else if (u.getHost() == null || u.getHost().isEmpty()) {
      a.error("webhook", "\"" + text + "\" has no host name", "write e.g. https://alerts.example/hook");
    } else if (u.getRawUserInfo() != null) {
      // It would sit in the config everyone on the node reads, and in logs.
      a.error("webhook", "\"" + text + "\" has a user name or password in it", "remove the user-info part (user:password@); let the receiver accept the node by address or a token in the path");
    } else if (u.getRawFragment() != null) {
      a.error("webhook", "\"" + text + "\" has a #fragment, which is never sent to the receiver", "remove the # part");
    } else {
      return Optional.of(u);
    }
    return Optional.empty();
  }
}
