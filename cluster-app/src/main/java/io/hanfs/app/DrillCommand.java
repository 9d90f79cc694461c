package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.hanfs.config.Syntax;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hanfs drill}: a failover drill against a live cluster, measured from a client. It writes
 * records through the floating IP while it asks for a switchover there and back (and, with
 * --kill-active, kills the active daemon), then reads every acknowledged record back and prints
 * the client's longest I/O gap beside the cluster's own phases of each transition.
 */
@Command(name = "drill", description = {"A failover drill from a client: write and fsync records through the floating IP (a kernel mount with --dir, "
    + "libnfs with --url), switch the resource over to the other data node and back (with --kill-active also kill the active daemon), "
    + "read every acknowledged record back, and print each transition's longest client I/O gap beside its phases from the history "
    + "(detected, decided, demoted, each promote step, VIP up, promoted, first reclaim, grace ended).",
    "Records are files hanfs-drill-RUN-N in the directory; with --dir they are removed after a clean read-back (unless --keep)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:every acknowledged record read back, every transition done", " 1:a switchover or the kill was refused or failed (the report still prints)",
        " 2:usage: a bad option (named, with the fix); nothing done", " 3:cannot reach the daemon", " 4:no answer or no progress in time (--timeout)",
        " 5:acknowledged records are missing or have other content (listed)"})
final class DrillCommand implements Callable<Integer> {
  static final int EXIT_RECORDS_LOST = 5;

  @Parameters(index = "0", paramLabel = "RESOURCE", description = "the resource to drill") String resource;

  @Option(names = "--dir", paramLabel = "PATH", description = "a directory on a kernel mount of the export (through the VIP)") String dir;

  @Option(names = "--url", paramLabel = "nfs://VIP/PATH", description = "the export's directory through libnfs (nfs-cp, nfs-cat), e.g. nfs://10.0.0.100/srv/home/export?version=4")
  String url;

  @Option(names = "--records-per-second", paramLabel = "N", description = "records started per second (default 10, at most 100)") Integer rate;

  @Option(names = "--acks", paramLabel = "N", description = "acknowledged records to wait for before the first transition and after each (default 10)") Integer acks;

  @Option(names = "--settle", paramLabel = "DURATION", description = "after each transition and its acks, keep writing this long before the next (default 5s), so the grace's end is in the report")
  String settle;

  @Option(names = "--kill-active", paramLabel = "'COMMAND ...'", description = {"after the switchovers, run COMMAND with the active node's name as its last argument "
      + "(an argument list, no shell, the program by absolute path or name on PATH; e.g. a lab's '/root/hanfs/deploy/lab/nslab kill'), then wait for the failover. For labs: it kills a daemon."})
  String killActive;

  @Option(names = "--keep", description = "keep the records after a clean read-back (--dir; libnfs cannot remove them)") boolean keep;

  @Option(names = "--api", paramLabel = "URL", description = "management URL of a hanfs daemon (default: from the config, else http://127.0.0.1:7626)") String api;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file to read the management address, token and TLS files from") Path config;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "bound of each switchover's answer and of each wait (default 300)") Long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    DrillSettings.Checked<DrillSettings> checked = DrillSettings.parse(new DrillSettings.Raw(resource, dir, url, rate, acks, settle, killActive,
        timeoutSeconds, api, keep));
    if (checked instanceof DrillSettings.Bad<DrillSettings> bad) {
      System.err.println("hanfs drill: " + bad.message().replace("\n", "\nhanfs drill: "));
      System.err.println("hanfs drill: nothing was done");
      return ExitCodes.USAGE;
    }
    DrillSettings s = ((DrillSettings.Ok<DrillSettings>) checked).value();
    quietCommandLog();
    Main.ClientOptions options = new Main.ClientOptions();
    options.url = s.api().orElse(null);
    options.config = config;
    options.timeoutSeconds = s.timeout().toSeconds();
    return new Drill(s, options.client()).run();
  }

  /** The drill counts failed writes itself: the runner's line per failed nfs-cp would bury the report. */
  private static void quietCommandLog() {
    if (org.slf4j.LoggerFactory.getLogger("io.hanfs.exec") instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.WARN);
  }

  /** One run of the drill: its records, its client, its transitions. */
  static final class Drill {
    private final DrillSettings s;
    private final ManagementClient client;
    private final String run = HexFormat.of().formatHex(seed());
    private final List<DrillReport.Transition> transitions = new ArrayList<>();
    private final long startMillis = System.currentTimeMillis();
    private DrillWriter writer;

    private static byte[] seed() {
      byte[] b = new byte[3];
      new java.security.SecureRandom().nextBytes(b);
      return b;
    }

    Drill(DrillSettings s, ManagementClient client) {
      this.s = s;
      this.client = client;
    }

    int run() throws Exception {
      Map<String, String> roles = new LinkedHashMap<>();
      ManagementClient.Outcome c = client.get("/hanfs/cluster");
      if (c instanceof ManagementClient.NoAnswer n) return ManagementClient.failed(n);
      JsonNode res = resourceIn(((ManagementClient.Answer) c));
      if (res == null) return ExitCodes.REFUSED;
      res.path("roleByNode").fields().forEachRemaining(e -> roles.put(e.getKey(), e.getValue().asText()));
      Optional<String> active = res.path("activeNode").isTextual() ? Optional.of(res.path("activeNode").asText()) : Optional.empty();
      List<String> others = roles.keySet().stream().filter(n -> active.isPresent() && !n.equals(active.get())).toList();
      if (active.isEmpty() || !Syntax.isName(active.get()) || others.isEmpty() || !others.stream().allMatch(Syntax::isName)) {
        System.err.println("hanfs drill: " + s.resource() + " must be active on one data node with another to move to; the leader shows "
            + (active.isEmpty() ? "it active nowhere" : "it on " + DrillSettings.shown(active.get()) + " and data nodes " + roles.keySet())
            + "; nothing was done");
        return ExitCodes.REFUSED;
      }
      String home = active.get();
      String away = others.get(0);
      Path scratch = Files.createTempDirectory("hanfs-drill");
      try {
        DrillRecords records = s.target() instanceof DrillSettings.Dir d ? new DrillRecords.OnMount(d.path(), run)
            : new DrillRecords.ThroughLibnfs((DrillSettings.NfsUrl) s.target(), run, scratch, new CommandRunner(), Duration.ofSeconds(5));
        return drill(records, home, away);
      } finally {
        try (var files = Files.list(scratch)) {
          for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(scratch);
      }
    }

    private int drill(DrillRecords records, String home, String away) throws Exception {
      say("writing " + s.recordsPerSecond() + " records/s to " + records.where() + " (run " + run + "); " + s.resource() + " is active on " + home);
      writer = new DrillWriter(records, s.recordsPerSecond(), System::currentTimeMillis);
      writer.start();
      int code = awaitAcks("before the first switchover");
      if (code == ExitCodes.OK) code = switchover(home, away);
      if (code == ExitCodes.OK) code = switchover(away, home);
      if (code == ExitCodes.OK && s.killActive().isPresent()) code = kill(activeNow().orElse(home));
      long writingEnd = System.currentTimeMillis();
      writer.stop(Duration.ofSeconds(10));
      List<DrillWriter.Attempt> attempts = writer.attempts();
      say("stopped writing; reading back " + attempts.stream().filter(DrillWriter.Attempt::acked).count() + " acknowledged records");
      DrillReport.ReadBack readBack = readBack(records, attempts);
      List<DrillReport.Event> events = new ArrayList<>();
      List<String> unanswered = new ArrayList<>();
      history(events, unanswered);
      System.out.println();
      System.out.print(DrillReport.render(new DrillReport.Run(s.resource(), records.where(), run, s.recordsPerSecond(), startMillis, writingEnd, attempts,
          writer.skipped(), transitions, events, unanswered, readBack)));
      if (!readBack.intact()) return EXIT_RECORDS_LOST;
      // Every record started, also those whose write failed or still hung when the drill stopped.
      long started = attempts.stream().mapToLong(DrillWriter.Attempt::seq).max().orElse(0) + DrillWriter.MAX_IN_FLIGHT;
      if (records.removable() && !s.keep()) records.remove(java.util.stream.LongStream.rangeClosed(1, started).boxed().toList());
      else System.out.println("the records stay in " + records.where() + " (hanfs-drill-" + run + "-*)");
      return code;
    }

    private int awaitAcks(String why) throws InterruptedException {
      long want = writer.acked() + s.acks();
      if (writer.awaitAcked(want, s.timeout())) return ExitCodes.OK;
      System.err.println("hanfs drill: only " + writer.acked() + " of " + want + " records acknowledged within " + s.timeout().toSeconds() + " s " + why
          + "; is the export mounted and writable through the VIP?");
      return ExitCodes.TIMED_OUT;
    }

    private int switchover(String from, String to) throws InterruptedException {
      say("switchover " + s.resource() + " " + from + " -> " + to);
      long start = System.currentTimeMillis();
      int code = client.post("/hanfs/resources/" + ManagementClient.encode(s.resource()) + "/switchover?to=" + ManagementClient.encode(to),
          "switchover " + s.resource(), false, Optional.of(OperationProgress.Source.CLUSTER), s.resource());
      long answered = System.currentTimeMillis();
      if (code == ExitCodes.OK) code = awaitActive(to);
      if (code == ExitCodes.OK) code = awaitAcks("after the switchover to " + to);
      if (code == ExitCodes.OK) Thread.sleep(s.settle().toMillis());
      transitions.add(new DrillReport.Transition("switchover", from, to, start, answered, System.currentTimeMillis(), code == ExitCodes.OK ? "done" : "exit " + code));
      return code;
    }

    /**
     * Runs the kill command and waits until the leader noticed (the node unreachable, a
     * transition, the resource elsewhere), then until the resource is served again: active with no
     * transition, on another node or on the killed one once it is back (a restarted daemon may
     * adopt the stack it left running).
     */
    private int kill(String active) throws Exception {
      List<String> argv = new ArrayList<>(s.killActive().orElseThrow());
      argv.add(active);
      say("killing the active daemon: " + String.join(" ", argv));
      long start = System.currentTimeMillis();
      // The operator's own command in the operator's environment (a lab script reads its settings there).
      CommandRunner.Background killing = new CommandRunner(System.getenv()).runInBackground(argv, KILL_TIMEOUT);
      int code = awaitCluster("noticed by the leader after the kill of " + active, c -> noticed(c, active));
      CommandResult r = killing.result().get(KILL_TIMEOUT.toSeconds() + 10, java.util.concurrent.TimeUnit.SECONDS);
      long answered = start + r.took().toMillis();
      if (!r.ok()) {
        System.err.println("hanfs drill: the kill command failed: " + r.describe());
        code = ExitCodes.REFUSED;
      }
      if (code == ExitCodes.OK) code = awaitCluster("served again after the kill of " + active, c -> servedAgain(c, active));
      String to = activeNow().orElse("");
      if (code == ExitCodes.OK) code = awaitAcks("after the kill of " + active);
      if (code == ExitCodes.OK) Thread.sleep(s.settle().toMillis());
      transitions.add(new DrillReport.Transition("kill", active, to, start, answered, System.currentTimeMillis(), code == ExitCodes.OK ? "done" : "exit " + code));
      return code;
    }

    static final Duration KILL_TIMEOUT = Duration.ofSeconds(60);

    /** The leader's view shows the kill: the node not up, a transition, the resource elsewhere (or no view: the leader moves). */
    private boolean noticed(Optional<JsonNode> cluster, String killed) {
      if (cluster.isEmpty()) return true;
      JsonNode r = find(cluster.get());
      return r == null || !r.path("activeNode").asText("").equals(killed) || isRunning(r.path("transition")) || !memberUp(cluster.get(), killed);
    }

    private boolean servedAgain(Optional<JsonNode> cluster, String killed) {
      if (cluster.isEmpty()) return false;
      JsonNode r = find(cluster.get());
      if (r == null || !r.path("activeNode").isTextual() || isRunning(r.path("transition"))) return false;
      return !r.path("activeNode").asText().equals(killed) || memberUp(cluster.get(), killed);
    }

    private static boolean memberUp(JsonNode cluster, String node) {
      for (JsonNode m : cluster.path("members")) {
        if (m.path("node").asText().equals(node)) return m.path("status").asText().equals("up") && m.path("reachable").asBoolean();
      }
      return false;
    }

    private static boolean isRunning(JsonNode transition) {
      return !transition.isNull() && !transition.isMissingNode();
    }

    /** Waits until the resource is active on {@code to} with no transition running. */
    private int awaitActive(String to) throws InterruptedException {
      return awaitCluster("active on " + to, c -> c.map(this::find).filter(r -> r.path("activeNode").asText("").equals(to) && !isRunning(r.path("transition")))
          .isPresent());
    }

    /** Polls the leader's view (empty: no answer) until {@code done}; exit 4 after --timeout. */
    private int awaitCluster(String what, java.util.function.Predicate<Optional<JsonNode>> done) throws InterruptedException {
      long deadline = System.nanoTime() + s.timeout().toNanos();
      while (System.nanoTime() < deadline) {
        ManagementClient.Outcome o = client.get("/hanfs/cluster");
        Optional<JsonNode> view = o instanceof ManagementClient.Answer a && a.code() == 200 ? Optional.of(a.json()) : Optional.empty();
        if (done.test(view)) return ExitCodes.OK;
        Thread.sleep(200);
      }
      System.err.println("hanfs drill: " + s.resource() + " is not " + what + " within " + s.timeout().toSeconds() + " s; see hanfs status");
      return ExitCodes.TIMED_OUT;
    }

    private Optional<String> activeNow() {
      if (client.get("/hanfs/cluster") instanceof ManagementClient.Answer a && a.code() == 200) {
        JsonNode r = find(a.json());
        if (r != null && r.path("activeNode").isTextual()) return Optional.of(r.path("activeNode").asText()).filter(Syntax::isName);
      }
      return Optional.empty();
    }

    private JsonNode resourceIn(ManagementClient.Answer a) {
      if (a.code() != 200) {
        System.err.println("hanfs drill: no cluster view from the leader (" + a.code() + "): " + a.json().path("error").asText(a.body()) + "; nothing was done");
        return null;
      }
      JsonNode r = find(a.json());
      if (r == null) System.err.println("hanfs drill: no resource \"" + s.resource() + "\" in the cluster; nothing was done");
      return r;
    }

    private JsonNode find(JsonNode cluster) {
      for (JsonNode r : cluster.path("resources")) if (r.path("name").asText().equals(s.resource())) return r;
      return null;
    }

    /**
     * Every acknowledged record, read back by a few readers at once (a libnfs read is a process);
     * one that is not there or differs is read twice more before it counts as lost.
     */
    private DrillReport.ReadBack readBack(DrillRecords records, List<DrillWriter.Attempt> attempts) throws InterruptedException {
      List<Long> acked = attempts.stream().filter(DrillWriter.Attempt::acked).map(DrillWriter.Attempt::seq).sorted().toList();
      Map<Long, Read> read = new java.util.concurrent.ConcurrentHashMap<>();
      java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(READERS);
      try {
        for (long seq : acked) readers.execute(() -> read.put(seq, readOne(records, seq)));
      } finally {
        readers.shutdown();
      }
      if (!readers.awaitTermination(s.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) readers.shutdownNow();
      List<Long> missing = new ArrayList<>();
      List<Long> wrong = new ArrayList<>();
      for (long seq : acked) {
        // A record not read back in time is not known to be there: it counts as missing.
        Read r = read.getOrDefault(seq, Read.MISSING);
        if (r == Read.OTHER_CONTENT) wrong.add(seq);
        else if (r == Read.MISSING) missing.add(seq);
      }
      return new DrillReport.ReadBack(acked.size(), missing, wrong);
    }

    enum Read { INTACT, MISSING, OTHER_CONTENT }

    static final int READERS = 6;

    private Read readOne(DrillRecords records, long seq) {
      byte[] want = DrillRecords.content(run, seq);
      Optional<byte[]> got = Optional.empty();
      for (int i = 0; i < 3; i++) {
        try {
          got = records.read(seq);
        } catch (IOException e) {
          got = Optional.empty();
        }
        if (got.isPresent() && java.util.Arrays.equals(got.get(), want)) return Read.INTACT;
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return got.isPresent() ? Read.OTHER_CONTENT : Read.MISSING;
    }

    /**
     * The history since the drill began. A member whose journal does not answer within the
     * route's bound (3 s) is left out of that answer: asked again, up to three times, until every
     * member answered, keeping the answer with the most events.
     */
    private void history(List<DrillReport.Event> events, List<String> unanswered) throws InterruptedException {
      String path = "/hanfs/events?limit=" + HISTORY_LIMIT + "&resource=" + ManagementClient.encode(s.resource()) + "&since=" + (startMillis - 5_000);
      JsonNode best = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        if (attempt > 0) Thread.sleep(1000);
        if (client.get(path) instanceof ManagementClient.Answer a && a.code() == 200) {
          JsonNode answer = a.json();
          if (best == null || answer.path("events").size() > best.path("events").size()) best = answer;
          if (answer.path("unanswered").isEmpty()) break;
        }
      }
      if (best == null) {
        unanswered.add("the history (GET /hanfs/events) did not answer: the cluster's phases are missing");
        return;
      }
      events.addAll(DrillReport.events(best));
      best.path("unanswered").forEach(n -> unanswered.add(n.asText()));
    }

    /** Far more events than a drill's minutes make, and cheaper to read than the route's maximum. */
    static final int HISTORY_LIMIT = 2000;

    private void say(String what) {
      System.out.printf(java.util.Locale.ROOT, "%7.1f s  %s%n", (System.currentTimeMillis() - startMillis) / 1000.0, what);
    }
  }
}
