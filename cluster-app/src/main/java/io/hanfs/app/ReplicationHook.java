package io.hanfs.app;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.InvalidConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The replication tools' hooks (DRBD's fence-peer, unfence-peer and split-brain handlers, HAST's
 * exec events): one POST to the local daemon, DRBD's exit code out. DRBD waits for its handlers
 * (fence-peer holds the promotion, and under resource-and-stonith all I/O), so this class needs
 * only the JDK and the config reader: `hanfs` starts it on a classpath of four jars, without the
 * CLI's libraries, which is most of its start time on a slow CPU.
 */
public final class ReplicationHook {
  private static final Pattern EXIT_CODE = Pattern.compile("\"exitCode\"\\s*:\\s*(\\d+)");
  private static final Pattern MESSAGE = Pattern.compile("\"(?:message|error)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private ReplicationHook() {}

  /**
   * {@code fence-peer|unfence-peer|split-brain} (DRBD_RESOURCE and DRBD_PEER from the
   * environment) or {@code hast-event EVENT RESOURCE [ARGS]}; {@code --url URL} or
   * {@code -c FILE} before them choose the daemon (default: the config's management address).
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Optional<String> url = Optional.empty();
    Optional<Path> config = Optional.empty();
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      boolean option = args[i].equals("--url") || args[i].equals("-c") || args[i].equals("--config");
      if (option && i + 1 >= args.length) {
        System.err.println("hanfs: " + args[i] + " needs a value");
        return 1;
      }
      if (args[i].equals("--url")) url = Optional.of(args[++i]);
      else if (option) config = Optional.of(Path.of(args[++i]));
      else if (args[i].startsWith("-") && words.size() < 3) {
        System.err.println("hanfs: unknown option \"" + printable(args[i]) + "\" for a replication hook; use --url URL or -c FILE");
        return 1;
      } else words.add(args[i]);
    }
    if (words.isEmpty()) {
      System.err.println("hanfs: a replication hook needs an action: fence-peer, unfence-peer, split-brain or hast-event");
      return 1;
    }
    String action = words.get(0);
    Optional<Path> file = config;
    LocalEndpoint daemon = LocalEndpoint.locate(url, file.orElse(Path.of(ConfigPath.defaultConfig())));
    if (action.equals("hast-event")) {
      if (words.size() < 3) {
        System.err.println("hanfs hast-event: usage: hanfs hast-event EVENT RESOURCE [ARGS] (hastd's exec hook)");
        return 1;
      }
      String event = words.get(1);
      String resource = words.get(2);
      if (!PLAIN.matcher(resource).matches()) {
        System.err.println("hanfs hast-event: resource \"" + printable(resource) + "\" is not a HAST resource name (letters, digits, _ . -)");
        return 1;
      }
      // Only split-brain needs the leader; hanfs reads HAST's state itself for the others.
      if (!event.equals("split-brain")) return 0;
      return post(daemon, "hast", resource, event, null) == 0 ? 0 : 1;
    }
    if (!action.equals("fence-peer") && !action.equals("unfence-peer") && !action.equals("split-brain")) {
      System.err.println("hanfs: unknown replication hook \"" + printable(action) + "\"; use fence-peer, unfence-peer, split-brain or hast-event");
      return 1;
    }
    // DRBD sets these for its handlers; the peer's name is the DRBD host name ("on NAME"),
    // which hanfs expects to be the node's name (the leader checks it).
    String resource = System.getenv("DRBD_RESOURCE");
    if (resource == null || resource.isBlank()) {
      System.err.println("hanfs " + action + ": DRBD_RESOURCE is not set; this runs as a DRBD handler: "
          + "handlers { fence-peer \"/usr/sbin/hanfs fence-peer\"; unfence-peer \"/usr/sbin/hanfs unfence-peer\"; }");
      return 1;
    }
    String peer = System.getenv("DRBD_PEER");
    if (peer != null && (peer.isBlank() || peer.contains(" "))) peer = null;
    return post(daemon, "drbd", resource, action, peer);
  }

  /**
   * The exit code is DRBD's (4 peer outdated, 6 peer is primary, 0 done); anything that prevents
   * an answer is 1, so DRBD keeps I/O frozen (resource-and-stonith) rather than write on beside
   * a peer nobody outdated.
   */
  static int post(LocalEndpoint daemon, String tool, String resource, String action, String peer) {
    String root = daemon.url().endsWith("/") ? daemon.url().substring(0, daemon.url().length() - 1) : daemon.url();
    // When the tool ran this hook (this process's start): the leader tells a late call about a
    // split brain it has resolved meanwhile from a new one (a JVM starts slowly on a small CPU).
    long began = ProcessHandle.current().info().startInstant().orElseGet(java.time.Instant::now).toEpochMilli();
    URI uri = URI.create(root + "/hanfs/" + tool + "/" + encode(resource) + "/" + action + "?began=" + began + (peer == null ? "" : "&peer=" + encode(peer)));
    int status;
    String body;
    try {
      // HttpURLConnection, not java.net.http.HttpClient: the client builds the default TLS
      // context on creation, some 550 classes of 2,200 (measured), for a plain loopback POST.
      // A DRBD handler's start time is on the promotion's path (20 s on an emulated CPU).
      java.net.HttpURLConnection c = (java.net.HttpURLConnection) uri.toURL().openConnection();
      // Over HTTPS (only then is TLS loaded): the cluster's CA only, the JDK's hostname check.
      if (c instanceof javax.net.ssl.HttpsURLConnection s) s.setSSLSocketFactory(daemon.sslContext().orElseThrow(
          () -> new IOException("an https URL, but no hanfs.tls in the config to verify the daemon's certificate")).getSocketFactory());
      c.setConnectTimeout(3000);
      c.setReadTimeout(60_000);
      c.setRequestMethod("POST");
      daemon.token().ifPresent(t -> c.setRequestProperty("Authorization", "Bearer " + t));
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(0);
      c.getOutputStream().close();
      status = c.getResponseCode();
      java.io.InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
      body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      c.disconnect();
    } catch (IOException | IllegalArgumentException | java.security.GeneralSecurityException e) {
      System.err.println("hanfs " + action + " " + resource + ": exit 1: cannot reach the hanfs daemon at " + root + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + " (is `hanfs run` up on this node?)");
      return 1;
    }
    Matcher code = EXIT_CODE.matcher(body);
    int exit = code.find() ? Integer.parseInt(code.group(1)) : 1;
    Matcher m = MESSAGE.matcher(body);
    String message = m.find() ? unescape(m.group(1)) : "HTTP " + status + " " + body;
    (exit == 4 || exit == 0 ? System.out : System.err).println("hanfs " + action + " " + resource + ": exit " + exit + ": " + message);
    return exit;
  }

  static String unescape(String json) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c != '\\' || i + 1 >= json.length()) {
        b.append(c);
        continue;
      }
      char n = json.charAt(++i);
      switch (n) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (i + 4 < json.length()) {
            b.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
            i += 4;
          }
        }
        default -> b.append(n);
      }
    }
    return b.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String printable(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
