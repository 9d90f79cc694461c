package io.hanfs.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hanfs status}: the cluster and this node, as a table or JSON, once, watched, or as a monitor's check. */
@Command(name = "status", description = {"Show the cluster (leader, members, each resource's active node) and this node's resources with each layer's state.",
    "-s/--check prints one line and exits with the monitor's codes below (like crm_mon -s)."},
    exitCodeListHeading = "%nExit codes with --check (without: 0 shown, 1 this node's status failed, 3 and 4 the same):%n",
    exitCodeList = {" 0:OK: every resource active on a node, every member up, nothing pending",
        " 1:DEGRADED: every resource active, but a member is down or unreachable, a transition runs, a copy is failed, a ban or maintenance is on",
        " 2:DOWN: a resource is active nowhere, or the leader does not answer",
        " 3:cannot reach the daemon", " 4:no answer in time"})
final class StatusCommand implements Callable<Integer> {
  enum Output { table, json }

  @CommandLine.Mixin Main.ClientOptions options = new Main.ClientOptions();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json: this node's status with the cluster view under \"cluster\" (--json is the same)")
  Output output;

  @Option(names = {"-s", "--check"}, description = "one line, HANFS OK|DEGRADED|DOWN: reasons; exit 0 OK, 1 DEGRADED, 2 DOWN, 3 no daemon, 4 no answer in time")
  boolean check;

  @Option(names = {"-w", "--watch"}, description = "redraw every --interval until interrupted (Ctrl-C)")
  boolean watch;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "with --watch: seconds between redraws (default ${DEFAULT-VALUE})")
  double interval;

  @Option(names = "--count", paramLabel = "N", description = "with --watch: stop after N redraws (default: until interrupted)")
  Integer count;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (interval <= 0 || (count != null && count < 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--interval must be above 0 and --count at least 1");
    }
    ManagementClient client = options.client();
    if (!watch) return once(client);
    boolean terminal = System.console() != null;
    return repeat(count == null ? Integer.MAX_VALUE : count, Duration.ofMillis((long) (interval * 1000)), () -> {
      // Home and clear on a terminal, as watch(1); a separator line in a file or pipe.
      System.out.print(terminal ? "\033[H\033[2J" : "");
      System.out.println("every " + interval + " s: hanfs status    " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
      return once(client);
    });
  }

  /**
   * Draws {@code times} times, {@code interval} apart; the exit code is the last draw's. An
   * interrupt (Ctrl-C ends the JVM anyway) ends the loop after the draw it interrupts.
   */
  static int repeat(int times, Duration interval, IntSupplier draw) {
    int code = ExitCodes.OK;
    for (int i = 0; i < times; i++) {
      code = draw.getAsInt();
      System.out.flush();
      if (i + 1 == times) break;
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return code;
  }

  private boolean json() {
    return output == Output.json || options.json;
  }

  int once(ManagementClient client) {
    Optional<ManagementClient.Answer> node = Optional.empty();
    if (!check || json()) {
      ManagementClient.Outcome o = client.get("/hanfs/status");
      if (o instanceof ManagementClient.NoAnswer n) return noAnswer(n);
      ManagementClient.Answer a = (ManagementClient.Answer) o;
      if (a.code() != 200) {
        System.out.println(a.body());
        return ExitCodes.REFUSED;
      }
      node = Optional.of(a);
    }
    ManagementClient.Outcome c = client.get("/hanfs/cluster");
    if (c instanceof ManagementClient.NoAnswer n) return noAnswer(n);
    ManagementClient.Answer ca = (ManagementClient.Answer) c;
    Optional<JsonNode> cluster = ca.code() == 200 ? Optional.of(ca.json()) : Optional.empty();
    String why = "no answer from the leader (" + ca.json().path("error").asText(ca.body()) + ")";
    ClusterHealth health = ClusterHealth.of(cluster, why);
    if (json()) {
      JsonNode self = node.get().json();
      ObjectNode out = self.isObject() ? (ObjectNode) self : Json.MAPPER.createObjectNode();
      out.set("cluster", cluster.orElse(null));
      if (cluster.isEmpty()) out.put("clusterError", why);
      if (check) out.set("health", Json.MAPPER.valueToTree(health));
      System.out.println(Json.write(out));
    } else if (check) {
      System.out.println(health.line());
    } else {
      System.out.print(cluster.map(StatusTable::renderCluster).orElse("cluster: " + why + "\n"));
      System.out.print(StatusTable.render(node.get().json()));
    }
    return check ? health.level().exitCode : ExitCodes.OK;
  }

  private int noAnswer(ManagementClient.NoAnswer n) {
    if (check) System.out.println("HANFS UNKNOWN: " + n.message());
    return ManagementClient.failed(n);
  }
}
