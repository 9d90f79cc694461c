package io.hanfs.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * deploy/lab/bench-failover: runs the planned switchover, the link-down failover, the kill -9
 * failover, a 5 s SIGSTOP, a kill -9 right after it and a flapping link (down 1 s / up 1 s for
 * 10 s, ridden out on the same node) N times each on the three-node namespace lab (with mutual
 * TLS, as always) and prints, per scenario, the client outage (min/median/max), VIP-owner
 * violations, lost records, the cold start's time to serving, the rejoin time of a killed node
 * (min/median/max) and each daemon's RSS.
 */
public final class FailoverBench {
  private FailoverBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    // HANFS_BENCH_SCENARIOS picks scenarios by key (a lease curve needs only the unplanned ones).
    java.util.Set<String> only = java.util.Set.of(System.getenv().getOrDefault("HANFS_BENCH_SCENARIOS", "").split(","));
    java.util.function.Predicate<String> wanted = key -> only.equals(java.util.Set.of("")) || only.contains(key);
    System.out.println("lease duration " + System.getenv().getOrDefault("HANFS_LAB_LEASE", "3s (the default)")
        + (System.getenv("HANFS_BENCH_HOG") != null ? ", a busy loop pinned to CPU 1 throughout" : ""));
    Process hog = System.getenv("HANFS_BENCH_HOG") == null ? null
        : new ProcessBuilder("taskset", "-c", "1", "sh", "-c", "while :; do :; done").redirectErrorStream(true).start();
    try {
      run(runs, wanted, only.contains("steady"));
    } finally {
      if (hog != null) hog.destroyForcibly();
    }
  }

  private static void run(int runs, java.util.function.Predicate<String> wanted, boolean steady) throws Exception {
    Map<String, List<Scenarios.Result>> results = new LinkedHashMap<>();
    Map<String, Long> rss;
    long coldStartMs;
    List<Long> rejoins = new ArrayList<>();
    try (ClusterLab lab = new ClusterLab("hfbench", "10.213.12")) {
      // Cold start: from the first daemon's start until a node serves (every data node probed).
      long t0 = System.nanoTime();
      lab.up(List.of("w", "n1", "n2"));
      lab.awaitActive(java.time.Duration.ofSeconds(120));
      coldStartMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("cold start to serving: " + coldStartMs + " ms");
      lab.startClient();
      Scenarios s = new Scenarios(lab);
      Map<String, Supplier<Scenarios.Result>> plan = new LinkedHashMap<>();
      if (wanted.test("switchover")) plan.put("planned switchover", s::switchover);
      if (wanted.test("link-down")) plan.put("link down", s::linkDown);
      if (wanted.test("kill-9")) plan.put("kill -9", s::kill9);
      // A 5 s freeze (the lab's watchdog resets the node), then once it is back a kill -9.
      if (wanted.test("sigstop")) plan.put("5 s SIGSTOP", s::sigstop);
      if (wanted.test("kill-after-freeze")) {
        plan.put("kill -9 after freeze", () -> {
          lab.awaitRole(Scenarios.other(lab.settle(java.time.Duration.ofSeconds(90))), "secondary", java.time.Duration.ofSeconds(90));
          return s.kill9();
        });
      }
      // Stays on its node: the outage is the longest client gap, and a move is a false failover.
      if (wanted.test("flap")) plan.put("flapping link", s::flap);
      // Not in the default plan: a lease curve's count of false failovers without any fault.
      if (steady) plan.put("no fault, 20 s", s::steady);
      for (int i = 1; i <= runs; i++) {
        for (var e : plan.entrySet()) {
          Scenarios.Result r = e.getValue().get();
          System.out.println("run " + i + ": " + r);
          results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
        }
      }
      lab.settle(java.time.Duration.ofSeconds(90));
      // Rejoin: kill -9 of the standby (the first listed node whenever it is), until it is a member again.
      for (int i = 1; i <= runs && wanted.test("rejoin"); i++) {
        String standby = Scenarios.other(lab.settle(java.time.Duration.ofSeconds(90)));
        long ms = lab.killAndAwaitRejoin(standby);
        System.out.println("run " + i + ": kill -9 of " + standby + ", a member again after " + ms + " ms");
        rejoins.add(ms);
      }
      lab.settle(java.time.Duration.ofSeconds(90));
      rss = lab.rssMiB();
      lab.stopClient();
    }
    System.out.println();
    System.out.printf("%-20s %5s %8s %8s %8s %11s %5s %6s%n", "scenario", "runs", "min ms", "med ms", "max ms", "violations", "lost", "moved");
    for (var e : results.entrySet()) {
      List<Long> outages = new ArrayList<>();
      int violations = 0;
      int lost = 0;
      int moved = 0;
      for (Scenarios.Result r : e.getValue()) {
        if (!r.activeBefore().equals(r.activeAfter())) moved++;
        outages.add(r.outageMillis());
        violations += r.violations().size();
        lost += r.lost().size();
      }
      Collections.sort(outages);
      System.out.printf("%-20s %5d %8d %8d %8d %11d %5d %6d%n", e.getKey(), outages.size(), outages.get(0),
          outages.get(outages.size() / 2), outages.get(outages.size() - 1), violations, lost, moved);
    }
    if (!rejoins.isEmpty()) {
      Collections.sort(rejoins);
      System.out.printf("%-20s %5d %8d %8d %8d%n", "rejoin after kill -9", rejoins.size(), rejoins.get(0), rejoins.get(rejoins.size() / 2),
          rejoins.get(rejoins.size() - 1));
    }
    System.out.println("cold start to serving (ms): " + coldStartMs);
    System.out.println("daemon RSS (MiB): " + rss);
  }
}
