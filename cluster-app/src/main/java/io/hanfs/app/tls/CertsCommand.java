package io.hanfs.app.tls;

import io.hanfs.config.ConfigLoader;
import io.hanfs.config.HanfsConfig;
import io.hanfs.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hanfs certs}: the cluster's CA and the nodes' TLS files for the cluster transport. */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = {"Create the cluster's CA (once, in --ca-dir) and each node's key and certificate for the cluster transport's mutual TLS.",
        "Copy each node's three files to the paths its config names (hanfs.tls, default /etc/hanfs/tls/{node.key,node.crt,ca.crt}).",
        "Keep the CA directory off the nodes. Exit 0 done, 2 bad input (nothing written)."})
public final class CertsCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, description = "the cluster's config file (its nodes and cluster-name)")
  Path config;

  @Option(names = "--ca-dir", required = true, description = "where the CA's key and certificate are (created when missing; mode 0700)")
  Path caDir;

  @Option(names = "--node", description = "issue for this node only (repeatable; default: every node in the config)")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--out", description = "one --node: its files go here (default /etc/hanfs/tls); else DIR/NODE/ for each node")
  Path out;

  @Option(names = "--renew", description = "replace a node's existing key and certificate (running daemons reload them)")
  boolean renew;

  @Option(names = "--days", defaultValue = "825", description = "validity of the node certificates in days (default ${DEFAULT-VALUE})")
  int days;

  @Override
  public Integer call() {
    HanfsConfig cfg;
    try {
      cfg = ConfigLoader.load(config);
    } catch (InvalidConfigException e) {
      System.err.println(config + ": " + e.getMessage());
      return 2;
    }
    if (days < 1 || days > 3650) {
      System.err.println("certs: --days must be 1 to 3650, not " + days);
      return 2;
    }
    List<HanfsConfig.Node> chosen = new ArrayList<>();
    for (String n : nodes) {
      if (cfg.node(n).isEmpty()) {
        System.err.println("certs: --node " + n + " is not in hanfs.nodes of " + config + "; use one of " + cfg.nodes().stream().map(HanfsConfig.Node::name).toList());
        return 2;
      }
      chosen.add(cfg.node(n).get());
    }
    if (chosen.isEmpty()) chosen.addAll(cfg.nodes());
    boolean one = chosen.size() == 1 && !nodes.isEmpty();
    Path target = out != null ? out : one ? HanfsConfig.Tls.DIR : null;
    if (target == null) {
      System.err.println("certs: say where the files go: --out DIR (each node's files in DIR/NODE/), or one --node NAME");
      return 2;
    }
    try {
      if (Files.exists(caDir)) {
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(caDir);
        if (p.stream().anyMatch(TlsFiles.OTHERS::contains)) {
          System.err.println("certs: --ca-dir " + caDir + " is open to group or others; fix: chmod 700 " + caDir + " (the CA key signs every node)");
          return 2;
        }
      }
      for (String line : Certs.issue(cfg, caDir, chosen, target, one, renew, Duration.ofDays(days))) System.out.println(line);
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("certs: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("certs: failed: " + e);
      return 1;
    }
  }
}
