package io.hanfs.app;

import io.hanfs.config.Syntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code hanfs drill} was asked to do, checked before it does anything: every option is
 * hostile input (it ends up in file names, URLs and a command's arguments), so a bad one is
 * refused with the option's name and the fix.
 *
 * @param target where the records go: a directory on a kernel mount, or an nfs:// URL for libnfs
 * @param acks how many records must be acknowledged before the first transition and after each
 * @param killActive the operator's command that kills the active daemon (the node's name is added last)
 * @param timeout the bound of each switchover's answer and of each wait
 */
record DrillSettings(String resource, Target target, int recordsPerSecond, int acks, Duration settle, Optional<List<String>> killActive,
    Duration timeout, Optional<String> api, boolean keep) {

  static final int MAX_RATE = 100;
  private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(ms|s|m)");
  private static final Pattern NFS_URL = Pattern.compile("nfs://(\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9.-]{1,253})(/[^?#]*)(\\?version=[34])?");
  private static final Pattern API_URL = Pattern.compile("https?://(\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9.-]{1,253})(:\\d{1,5})?/?");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._/:=@+,%-]+");

  /** Where the drill's records are written and read back. */
  sealed interface Target {
    String describe();
  }

  /** A directory on a kernel NFS mount of the export. */
  record Dir(Path path) implements Target {
    @Override
    public String describe() {
      return path.toString();
    }
  }

  /** A directory of the export as libnfs reaches it: {@code nfs://host/path[?version=3|4]}. */
  record NfsUrl(String host, String path, String query) implements Target {
    /** The URL of one file in the directory. */
    String file(String name) {
      return "nfs://" + host + path + "/" + name + query;
    }

    @Override
    public String describe() {
      return "nfs://" + host + path + query;
    }
  }

  /** A checked value, or why it was refused (naming the option and the fix). */
  sealed interface Checked<T> {}

  record Ok<T>(T value) implements Checked<T> {}

  record Bad<T>(String message) implements Checked<T> {}

  /** The raw option values as picocli read them (null: not given). */
  record Raw(String resource, String dir, String url, Integer recordsPerSecond, Integer acks, String settle, String killActive, Long timeoutSeconds,
      String api, boolean keep) {}

  static Checked<DrillSettings> parse(Raw raw) {
    List<String> bad = new ArrayList<>();
    String resource = raw.resource() == null ? "" : raw.resource();
    if (!Syntax.isName(resource)) bad.add("RESOURCE: \"" + shown(resource) + "\" is not a plain resource name (lower-case letters, digits, -); give the name hanfs status shows");
    Target target = null;
    if ((raw.dir() == null) == (raw.url() == null)) {
      bad.add("--dir or --url: give exactly one: --dir PATH (a directory on a kernel mount of the export) or --url nfs://VIP/export/path (libnfs)");
    } else if (raw.dir() != null) {
      Optional<String> problem = dirProblem(raw.dir());
      if (problem.isPresent()) bad.add("--dir: " + problem.get());
      else target = new Dir(Path.of(raw.dir()));
    } else {
      Checked<NfsUrl> u = nfsUrl(raw.url());
      if (u instanceof Bad<NfsUrl> b) bad.add(b.message());
      else target = ((Ok<NfsUrl>) u).value();
    }
    int rate = raw.recordsPerSecond() == null ? 10 : raw.recordsPerSecond();
    if (rate < 1 || rate > MAX_RATE) bad.add("--records-per-second: " + rate + " is out of range; give 1 to " + MAX_RATE);
    int acks = raw.acks() == null ? 10 : raw.acks();
    if (acks < 1 || acks > 10_000) bad.add("--acks: " + acks + " is out of range; give 1 to 10000");
    Optional<Duration> settle = duration(raw.settle() == null ? "5s" : raw.settle());
    if (settle.isEmpty() || settle.get().compareTo(Duration.ofMinutes(10)) > 0) {
      bad.add("--settle: \"" + shown(raw.settle()) + "\" is not a duration up to 10m; give e.g. 500ms, 5s or 2m");
    }
    Optional<List<String>> kill = Optional.empty();
    if (raw.killActive() != null) {
      Checked<List<String>> k = killCommand(raw.killActive());
      if (k instanceof Bad<List<String>> b) bad.add(b.message());
      else kill = Optional.of(((Ok<List<String>>) k).value());
    }
    long timeout = raw.timeoutSeconds() == null ? 300 : raw.timeoutSeconds();
    if (timeout < 1 || timeout > 86_400) bad.add("--timeout: " + timeout + " s is out of range; give 1 to 86400 seconds");
    if (raw.api() != null && !API_URL.matcher(raw.api()).matches()) {
      bad.add("--api: \"" + shown(raw.api()) + "\" is not a management URL; give http(s)://HOST:PORT, e.g. https://10.0.0.11:7626");
    }
    if (!bad.isEmpty()) return new Bad<>(String.join("\n", bad));
    return new Ok<>(new DrillSettings(resource, target, rate, acks, settle.get(), kill, Duration.ofSeconds(timeout), Optional.ofNullable(raw.api()), raw.keep()));
  }

  private static Optional<String> dirProblem(String dir) {
    Optional<String> p = Syntax.pathProblem(dir);
    if (p.isPresent()) return Optional.of(shown(p.get()) + "; give the absolute path of a directory on the mounted export");
    Path path = Path.of(dir);
    if (!Files.isDirectory(path)) return Optional.of("\"" + dir + "\" is not a directory; mount the export and give a directory on it");
    if (!Files.isWritable(path)) return Optional.of("\"" + dir + "\" is not writable by this user; give a directory the drill may create files in");
    return Optional.empty();
  }

  static Checked<NfsUrl> nfsUrl(String url) {
    String fix = "; give nfs://HOST/export/path (a VIP or host name, an absolute path of letters, digits and ._/+@:,=-, optionally ?version=3 or ?version=4)";
    Matcher m = NFS_URL.matcher(url);
    if (!m.matches()) return new Bad<>("--url: \"" + shown(url) + "\" is not a plain nfs:// URL" + fix);
    String host = m.group(1);
    boolean hostOk = host.startsWith("[") ? host.contains(":") : Syntax.isIpv4(host) || Syntax.isHostname(host);
    if (!hostOk) return new Bad<>("--url: the host \"" + shown(host) + "\" is neither an address nor a host name" + fix);
    String path = m.group(2);
    Optional<String> p = Syntax.pathProblem(path);
    if (p.isPresent() || path.equals("/")) return new Bad<>("--url: the path " + p.map(DrillSettings::shown).orElse("/ is the root") + fix);
    return new Ok<>(new NfsUrl(host, path, m.group(3) == null ? "" : m.group(3)));
  }

  /** The kill command as words: run as an argument list, never by a shell, so it must be plain words. */
  static Checked<List<String>> killCommand(String command) {
    List<String> words = List.of(command.strip().split(" +"));
    String fix = "; give the command as plain words (it runs without a shell, the active node's name is added last), e.g. --kill-active '/usr/local/bin/lab-kill'";
    if (command.isBlank()) return new Bad<>("--kill-active: the command is empty" + fix);
    if (command.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) return new Bad<>("--kill-active: the command has control characters" + fix);
    if (words.size() > 32) return new Bad<>("--kill-active: more than 32 words" + fix);
    for (String w : words) {
      if (!WORD.matcher(w).matches()) return new Bad<>("--kill-active: \"" + shown(w) + "\" has quotes, shell or control characters" + fix);
    }
    String program = words.get(0);
    if (program.contains("/") && Syntax.pathProblem(program).isPresent()) {
      return new Bad<>("--kill-active: the program " + shown(Syntax.pathProblem(program).get()) + fix);
    }
    if (program.startsWith("-")) return new Bad<>("--kill-active: the program \"" + shown(program) + "\" starts with -" + fix);
    return new Ok<>(words);
  }

  /** 500ms, 5s, 2m; empty when it is none of those. */
  static Optional<Duration> duration(String s) {
    if (s == null) return Optional.empty();
    Matcher m = DURATION.matcher(s.strip());
    if (!m.matches()) return Optional.empty();
    long n = Long.parseLong(m.group(1));
    return Optional.of(switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    });
  }

  /** Input echoed back without what a terminal would act on. */
  static String shown(String s) {
    if (s == null) return "";
    String t = s.replaceAll("[\\p{Cntrl}]", "?");
    return t.length() > 120 ? t.substring(0, 120) + "..." : t;
  }
}
