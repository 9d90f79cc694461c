package io.hanfs.app;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code hanfs} command: the daemon, config validation and the operator commands. */
@Command(name = "hanfs", mixinStandardHelpOptions = true, version = "hanfs 0.1.0",
    description = "High-availability NFS server on Apache Pekko.",
    subcommands = {Main.Run.class, Main.Validate.class, StatusCommand.class, HistoryCommand.class, DrillCommand.class, Main.Promote.class, Main.Demote.class,
        Main.Switchover.class, Main.StandbyCmd.class, Main.Unstandby.class, Main.MaintenanceCmd.class, Main.Clear.class, Main.Fence.class,
        Main.FencePeer.class, Main.UnfencePeer.class, Main.SplitBrainHandler.class, Main.HastEvent.class, Main.ResolveCmd.class,
        Main.Cds.class, io.hanfs.app.tls.CertsCommand.class, CommandLine.HelpCommand.class, CompletionCommand.class},
    exitCodeListHeading = "%nExit codes:%n", footer = {"%nhanfs help COMMAND, or hanfs COMMAND --help, describes each command."})
public final class Main {
  static final int EXIT_CONFIG = ExitCodes.USAGE;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with --help on every command and the exit codes in every command's help. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    everyCommand(cl);
    return cl;
  }

  private static void everyCommand(CommandLine cl) {
    CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
    if (!spec.mixinStandardHelpOptions() && !(cl.getCommand() instanceof CommandLine.HelpCommand)) spec.mixinStandardHelpOptions(true);
    if (spec.usageMessage().exitCodeList().isEmpty()) spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.help());
    for (CommandLine sub : cl.getSubcommands().values()) everyCommand(sub);
  }

  static String defaultConfig() {
    return ConfigPath.defaultConfig();
  }

  @Command(name = "run", description = "Run the hanfs daemon of this node.")
  static final class Run implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "config file (default: $HANFS_CONFIG or /etc/hanfs/hanfs.conf)")
    Path config;

    @Option(names = {"-n", "--node"}, description = "this node's name in the config (default: hanfs.node, $HANFS_NODE)")
    String node;

    @Override
    public Integer call() throws Exception {
      java.util.Optional<String> logProblem = LogSetup.formatProblem();
      if (logProblem.isPresent()) {
        System.err.println("hanfs run: " + logProblem.get() + "; refusing to start, nothing was changed.");
        return EXIT_CONFIG;
      }
      HanfsConfig cfg;
      Path file = config != null ? config : Path.of(defaultConfig());
      try {
        cfg = ConfigLoader.load(file);
      } catch (InvalidConfigException e) {
        System.err.println(e.getMessage());
        System.err.println("hanfs run: refusing to start with an invalid config; nothing was changed.");
        return EXIT_CONFIG;
      }
      String name = node != null ? node : cfg.localNode().orElse(null);
      if (name == null) {
        System.err.println("hanfs run: which node is this? Set hanfs.node in the config, HANFS_NODE, or --node NAME.");
        return EXIT_CONFIG;
      }
      if (cfg.node(name).isEmpty()) {
        System.err.println("hanfs run: node \"" + name + "\" is not in hanfs.nodes; use one of "
            + cfg.nodes().stream().map(HanfsConfig.Node::name).toList());
        return EXIT_CONFIG;
      }
      List<String> tlsProblems = io.hanfs.app.tls.TlsFiles.problems(cfg, cfg.node(name).get());
      if (!tlsProblems.isEmpty()) {
        tlsProblems.forEach(System.err::println);
        System.err.println("hanfs run: refusing to start without sound TLS files for the cluster transport; nothing was changed.");
        return EXIT_CONFIG;
      }
      if (!cfg.tls().enabled()) System.err.println("hanfs run: WARNING: hanfs.tls.enabled = false: any host that reaches port " + cfg.remotingPort()
          + " can join this cluster and vote; use it only for a lab on one host");
      if (cfg.watchdog().isPresent() && cfg.node(name).get().isData()) {
        List<String> problems = io.hanfs.node.watchdog.WatchdogDevice.problems(cfg.watchdog().get());
        if (!problems.isEmpty()) {
          problems.forEach(System.err::println);
          System.err.println("hanfs run: refusing to start without the configured watchdog; nothing was changed.");
          return EXIT_CONFIG;
        }
        try {
          new io.hanfs.node.watchdog.WatchdogDevice(cfg.watchdog().get(), new io.hanfs.exec.CommandRunner()).configure();
        } catch (IllegalStateException e) {
          System.err.println("hanfs.watchdog: " + e.getMessage());
          System.err.println("hanfs run: refusing to start without the configured watchdog; nothing was changed.");
          return EXIT_CONFIG;
        }
      }
      cfg.warnings().forEach(w -> System.err.println("hanfs run: WARNING: " + w));
      try {
        // What the fence step stops after a crash, whatever happens to the file meanwhile.
        RunningConfig.save(cfg.stateDir(), java.nio.file.Files.readString(file));
      } catch (java.io.IOException e) {
        System.err.println("hanfs run: WARNING: cannot keep the running config in " + cfg.stateDir() + ": " + e.getMessage()
            + "; after a crash, fence-local stops what the file then says");
      }
      return Daemon.run(cfg, name, Daemon.pekkoSettings(file));
    }
  }

  @Command(name = "validate", description = "Check a config file; print every error with its place and fix. Touches nothing.")
  static final class Validate implements Callable<Integer> {
    @Parameters(index = "0", description = "config file")
    Path file;

    @Override
    public Integer call() {
      try {
        HanfsConfig cfg = ConfigLoader.load(file);
        System.out.println(file + ": valid (" + cfg.nodes().size() + " nodes, " + cfg.resources().size() + " resources)");
        cfg.warnings().forEach(w -> System.out.println("warning: " + w));
        return 0;
      } catch (InvalidConfigException e) {
        System.err.println(file + ": " + e.getMessage());
        return EXIT_CONFIG;
      }
    }
  }

  /** Options shared by the commands that talk to the local daemon. */
  static class ClientOptions {
    @Option(names = "--url", description = "management URL of the local daemon (default: from the config, else http://127.0.0.1:7626)")
    String url;

    @Option(names = {"-c", "--config"}, description = "config file to read the management address from")
    Path config;

    @Option(names = "--json", description = "print the raw JSON answer")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
        description = "how long to wait for a change's answer (default ${DEFAULT-VALUE}); then exit 4: it may still be running")
    long timeoutSeconds;

    /** The replication hooks' arguments: the chosen daemon, then the action. */
    String[] hookArgs(String action) {
      java.util.List<String> a = new java.util.ArrayList<>();
      if (url != null) a.addAll(java.util.List.of("--url", url));
      if (config != null) a.addAll(java.util.List.of("-c", config.toString()));
      a.add(action);
      return a.toArray(String[]::new);
    }

    ManagementClient client() {
      LocalEndpoint e = LocalEndpoint.locate(Optional.ofNullable(url), config != null ? config : Path.of(defaultConfig()));
      try {
        return new ManagementClient(e.url(), e.token(), e.sslContext()).timeout(java.time.Duration.ofSeconds(Math.max(1, timeoutSeconds)));
      } catch (java.io.IOException | java.security.GeneralSecurityException x) {
        return ManagementClient.unusable(e.url(), "hanfs.tls: cannot load the CA and node files to reach " + e.url() + " over HTTPS: " + x.getMessage()
            + "; fix: check the files hanfs.tls names (hanfs certs), or give --url");
      }
    }
  }

  /** promote and demote on this node: the same request with a different action. */
  abstract static class LocalControlCmd implements Callable<Integer> {
    @Parameters(index = "0", description = "resource name") String resource;
    @CommandLine.Mixin ClientOptions options = new ClientOptions();

    abstract String action();

    @Override
    public Integer call() {
      return options.client().control(resource, action(), options.json);
    }
  }

  @Command(name = "promote", description = {"Promote a resource on this node by hand (the lease still decides).",
      "With --to NODE --force --reason TEXT: promote NODE through the cluster leader although the data gate refuses it "
          + "(a stale or outdated copy); recorded as Forced in that node's ledger. Never while another node is active."})
  static final class Promote extends LocalControlCmd {
    @Option(names = "--to", description = "the node to promote (with --force)") String to;
    @Option(names = "--force", description = "override the data promotion gate") boolean force;
    @Option(names = "--reason", description = "why (recorded in the ledger; required with --force)") String reason;

    @Override
    String action() {
      return "promote";
    }

    @Override
    public Integer call() {
      if (!force && to == null && reason == null) return super.call();
      if (!force) {
        System.err.println("hanfs promote: --to and --reason are for a forced promotion; add --force, or use 'hanfs switchover "
            + resource + " --to NODE' for a planned move");
        return ExitCodes.USAGE;
      }
      if (to == null || reason == null || reason.isBlank()) {
        System.err.println("hanfs promote: --force needs --to NODE and --reason \"why\" (the reason is recorded in the ledger)");
        return ExitCodes.USAGE;
      }
      String by = System.getProperty("user.name", "operator") + "@cli";
      return options.client().post("/hanfs/resources/" + ManagementClient.encode(resource) + "/force-promote?to=" + ManagementClient.encode(to)
          + "&by=" + ManagementClient.encode(by) + "&reason=" + ManagementClient.encode(reason), "forced promotion of " + resource + " on " + to, options.json,
          Optional.of(OperationProgress.Source.CLUSTER), resource);
    }
  }

  /** fence-peer and unfence-peer: DRBD handlers, the same request with a different action. */
  abstract static class DrbdHandlerCmd implements Callable<Integer> {
    @CommandLine.Mixin ClientOptions options = new ClientOptions();

    abstract String action();

    @Override
    public Integer call() {
      // DRBD sets these for its handlers; the peer's name is the DRBD host name ("on NAME"),
      // which hanfs expects to be the node's name (the leader checks it).
      return ReplicationHook.run(options.hookArgs(action()));
    }
  }

  @Command(name = "fence-peer", description = {"DRBD fence-peer handler: mark the peer's copy outdated at a majority of voters through "
      + "the cluster leader before this primary writes on without it."}, exitCodeListHeading = "%nExit codes (as DRBD expects):%n",
      exitCodeList = {" 4:peer outdated", " 6:peer is primary", " 1:failed"})
  static final class FencePeer extends DrbdHandlerCmd {
    @Override
    String action() {
      return "fence-peer";
    }
  }

  @Command(name = "split-brain", description = "DRBD split-brain handler: record the data split brain DRBD found; the resource's "
      + "split-brain-policy (or hanfs resolve) ends it. Exit 0 when recorded.")
  static final class SplitBrainHandler extends DrbdHandlerCmd {
    @Override
    String action() {
      return "split-brain";
    }
  }

  @Command(name = "unfence-peer", description = "DRBD unfence-peer handler: the peer resynced; record its copy as current again. Exit 0 on success.")
  static final class UnfencePeer extends DrbdHandlerCmd {
    @Override
    String action() {
      return "unfence-peer";
    }
  }

  @Command(name = "hast-event", description = {"HAST exec hook (hast.conf: exec \"/usr/sbin/hanfs-hast-event\", a script that runs "
      + "hanfs hast-event \"$@\"): hastd runs it with EVENT RESOURCE [ARGS].",
      "split-brain is recorded by the cluster leader like DRBD's split-brain handler; other events (role, connect, disconnect, "
      + "syncstart, syncdone, syncintr) only need exit 0: hanfs reads HAST's state itself."})
  static final class HastEvent implements Callable<Integer> {
    @CommandLine.Mixin ClientOptions options = new ClientOptions();
    @Parameters(index = "0", description = "the event hastd reports") String event;
    @Parameters(index = "1", description = "the HAST resource") String resource;
    @Parameters(index = "2..*", arity = "0..*", description = "event arguments (role: old and new role)") List<String> rest;

    @Override
    public Integer call() {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(options.hookArgs("hast-event")));
      args.add(event);
      args.add(resource);
      if (rest != null) args.addAll(rest);
      return ReplicationHook.run(args.toArray(String[]::new));
    }
  }

  @Command(name = "resolve", description = {"End a data split brain by hand: NODE's copy is saved to its rescue directory, "
      + "then discarded and resynced from the other copy.", "Refused when NODE holds the only current copy, unless --force."})
  static final class ResolveCmd implements Callable<Integer> {
    @Parameters(index = "0", description = "resource name") String resource;
    @Option(names = "--discard", required = true, description = "the node whose copy is discarded") String discard;
    @Option(names = "--force", description = "discard even the only current copy") boolean force;
    @CommandLine.Mixin ClientOptions options = new ClientOptions();

    @Override
    public Integer call() {
      return options.client().post("/hanfs/resources/" + ManagementClient.encode(resource) + "/resolve?discard=" + ManagementClient.encode(discard)
          + (force ? "&force=true" : ""), "resolve " + resource, options.json);
    }
  }

  @Command(name = "switchover", description = "Move a resource to another data node (planned), through the cluster leader.")
  static final class Switchover implements Callable<Integer> {
    @Parameters(index = "0", description = "resource name") String resource;
    @Option(names = "--to", description = "target node (default: the best other data node)") String to;
    @CommandLine.Mixin ClientOptions options = new ClientOptions();

    @Override
    public Integer call() {
      return options.client().post("/hanfs/resources/" + ManagementClient.encode(resource) + "/switchover"
          + (to == null ? "" : "?to=" + ManagementClient.encode(to)), "switchover " + resource, options.json, Optional.of(OperationProgress.Source.CLUSTER), resource);
    }
  }

  /** standby and unstandby: the same request with a different action. */
  abstract static class NodeFlagCmd implements Callable<Integer> {
    @Parameters(index = "0", description = "node name") String node;
    @CommandLine.Mixin ClientOptions options = new ClientOptions();

    abstract String action();

    @Override
    public Integer call() {
      return options.client().post("/hanfs/nodes/" + ManagementClient.encode(node) + "/" + action(), action() + " " + node, options.json);
    }
  }

  @Command(name = "standby", description = "Put a data node in standby: its resources move away and it takes none.")
  static final class StandbyCmd extends NodeFlagCmd {
    @Override
    String action() {
      return "standby";
    }
  }

  @Command(name = "unstandby", description = "Take a data node out of standby.")
  static final class Unstandby extends NodeFlagCmd {
    @Override
    String action() {
      return "unstandby";
    }
  }

  @Command(name = "clear", description = "Lift the bans after failed promotions and reset the failure counts of a data node (every resource) or of a resource (every node).")
  static final class Clear implements Callable<Integer> {
    @Parameters(index = "0", description = "a data node or a resource") String target;
    @CommandLine.Mixin ClientOptions options = new ClientOptions();

    @Override
    public Integer call() {
      return options.client().post("/hanfs/clear/" + ManagementClient.encode(target), "clear " + target, options.json);
    }
  }

  @Command(name = "maintenance", description = "Maintenance on: hanfs keeps monitoring but does not act. off: back to normal.")
  static final class MaintenanceCmd implements Callable<Integer> {
    @Parameters(index = "0", description = "on or off") String state;
    @CommandLine.Mixin ClientOptions options = new ClientOptions();

    @Override
    public Integer call() {
      if (!state.equals("on") && !state.equals("off")) {
        System.err.println("maintenance: say on or off, not \"" + state + "\"");
        return ExitCodes.USAGE;
      }
      return options.client().post("/hanfs/maintenance/" + state, "maintenance " + state, options.json);
    }
  }

  @Command(name = "fence-local", description = "Stop every resource on this node without the cluster (run by the service manager after a crash).")
  static final class Fence implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "config file") Path config;

    @Override
    public Integer call() {
      return FenceLocal.run(config != null ? config : Path.of(defaultConfig()));
    }
  }

  @Command(name = "cds-training", hidden = true, description = "Start and stop a throw-away node so the JVM can write a class-data archive (deploy/hanfs cds).")
  static final class Cds implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return CdsTraining.run();
    }
  }

  @Command(name = "demote", description = "Demote a resource on this node.")
  static final class Demote extends LocalControlCmd {
    @Override
    String action() {
      return "demote";
    }
  }
}
