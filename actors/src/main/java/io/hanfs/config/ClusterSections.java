package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Lease;
import io.hanfs.config.HanfsConfig.Ledger;
import io.hanfs.config.HanfsConfig.LedgerStoreKind;
import io.hanfs.config.HanfsConfig.Tls;
import io.hanfs.config.HanfsConfig.Watchdog;
import io.hanfs.persistence.ledger.LedgerStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster-wide sections every node runs with: {@code hanfs.lease}, {@code hanfs.ledger},
 * {@code hanfs.tls} and {@code hanfs.watchdog}. Each falls back to its default when absent.
 */
final class ClusterSections {
  private ClusterSections() {}

  /** A VIP lifetime of one whole second, the kernel's second of lateness, and 100 ms for a renewal round. */
  static final Duration SHORTEST_LEASE_AND_MARGIN = Duration.ofMillis(2200);

  static Lease lease(ObjectReader h) {
    // 3 s, not 2: renewals ride on the cluster's TCP connections, whose retransmissions back off
    // exponentially; a 1 s link drop silenced them for 1.35-2.2 s (measured), which a 2 s lease
    // does not always ride out: a flapping link then moved the resource.
    Lease lease = new Lease(Duration.ofSeconds(3), Duration.ofMillis(400), Duration.ofSeconds(15));
    Optional<ObjectReader> leaseReader = h.object("lease", false);
    if (leaseReader.isPresent()) {
      ObjectReader l = leaseReader.get();
      // Down to 500 ms (with a margin that makes up the rest, below): a lease curve may measure short leases.
      Optional<Duration> duration = l.duration("duration", Duration.ofMillis(500), Duration.ofSeconds(60), lease.duration());
      Optional<Duration> margin = l.duration("margin", Duration.ofMillis(200), Duration.ofSeconds(30), lease.margin());
      Optional<Duration> grace = l.duration("restart-grace", Duration.ofSeconds(0), Duration.ofMinutes(10), lease.restartGrace());
      l.finish();
      if (duration.isPresent() && margin.isPresent() && duration.get().plus(margin.get()).compareTo(SHORTEST_LEASE_AND_MARGIN) < 0) {
        // The floating IP's kernel lifetime (valid_lft) counts whole seconds, and the kernel drops an
        // address up to a second late: it needs duration + margin - 1.1 s >= 1 s (LeaseView). The lease
        // curve's first run found it: with 500 ms and a 1 s margin no VIP could be raised at all.
        l.error("duration", (duration.get().toMillis() + margin.get().toMillis()) + " ms of lease.duration + lease.margin is too short for the "
            + "floating IP's kernel lifetime (whole seconds, removed up to 1 s late): the address could never be raised",
            "make lease.duration + lease.margin at least " + SHORTEST_LEASE_AND_MARGIN.toMillis() + " ms, e.g. duration = 2s, margin = 400ms");
      } else if (duration.isPresent() && margin.isPresent() && grace.isPresent()) {
        lease = new Lease(duration.get(), margin.get(), grace.get());
      }
    }
    return lease;
  }

  /** The ledger store; also checks {@code state-dir}, where the embedded (H2) ledger lives. */
  static Ledger ledger(ObjectReader h, Path stateDir) {
    Ledger ledger = Ledger.H2;
    Optional<ObjectReader> ledgerReader = h.object("ledger", false);
    if (ledgerReader.isPresent()) {
      ObjectReader l = ledgerReader.get();
      Optional<LedgerStoreKind> store = l.enumValue("store", LedgerStoreKind.class, Optional.of(LedgerStoreKind.H2));
      Optional<String> url = l.string("url", false, "\"jdbc:postgresql://10.0.0.5:5432/hanfs\"");
      Optional<String> user = l.string("user", false, "hanfs");
      Optional<Path> passwordFile = l.absolutePath("password-file", false, "\"/etc/hanfs/ledger.password\"");
      Optional<String> sslMode = l.string("ssl-mode", false, "verify-full");
      l.finish();
      sslMode.ifPresent(m -> {
        if (!List.of("disable", "prefer", "require", "verify-ca", "verify-full").contains(m)) {
          l.error("ssl-mode", "\"" + m + "\" is not a PostgreSQL sslmode", "use disable, prefer, require, verify-ca or verify-full");
        }
      });
      // TLS that checks the server's name unless the config says otherwise: the ledger decides who may be promoted.
      url = url.map(u -> u + "?sslmode=" + sslMode.orElse("verify-full"));
      if (store.orElse(LedgerStoreKind.H2) == LedgerStoreKind.POSTGRESQL) {
        if (!l.has("url")) l.error("url", "is missing (store = postgresql needs the database)", "add url = \"jdbc:postgresql://HOST:5432/DATABASE\"");
        url.ifPresent(u -> {
          if (!LedgerStore.POSTGRES_URL.matcher(u).matches()) {
            l.error("url", "\"" + u + "\" is not a plain PostgreSQL URL", "write jdbc:postgresql://HOST[:PORT]/DATABASE (TLS: ssl-mode = verify-full); driver parameters in the URL are refused");
          }
        });
        if (user.isEmpty()) l.error("user", "is missing (store = postgresql needs a database user)", "add user = hanfs");
        user.ifPresent(u -> {
          if (!Syntax.isName(u.replace('_', '-'))) l.error("user", "\"" + u + "\" is not a plain user name", "use letters, digits, _ and -");
        });
      } else {
        for (String k : List.of("url", "user", "password-file", "ssl-mode")) {
          if (l.has(k)) l.error(k, "is only for store = postgresql", "remove it, or set store = postgresql");
        }
      }
      if (store.isPresent()) ledger = new Ledger(store.get(), url, user, passwordFile);
    }
    if (ledger.store() == LedgerStoreKind.H2 && !LedgerStore.SAFE_PATH.matcher(stateDir.toString()).matches()) {
      h.error("state-dir", "\"" + stateDir + "\" has characters the embedded ledger's JDBC URL would interpret",
          "use only letters, digits, '.', '_', '-' and '/' (or ledger.store = postgresql)");
    }
    return ledger;
  }

  static Tls tls(ObjectReader h) {
    Tls tls = Tls.DEFAULT;
    Optional<ObjectReader> tlsReader = h.object("tls", false);
    if (tlsReader.isPresent()) {
      ObjectReader t = tlsReader.get();
      boolean enabled = t.bool("enabled", true).orElse(true);
      Path key = t.absolutePath("key-file", false, "\"/etc/hanfs/tls/node.key\"").orElse(tls.keyFile());
      Path cert = t.absolutePath("cert-file", false, "\"/etc/hanfs/tls/node.crt\"").orElse(tls.certFile());
      Path ca = t.absolutePath("ca-file", false, "\"/etc/hanfs/tls/ca.crt\"").orElse(tls.caFile());
      t.finish();
      tls = new Tls(enabled, key, cert, ca);
    }
    return tls;
  }

  static Optional<Watchdog> watchdog(ObjectReader h, Lease lease) {
    Optional<ObjectReader> reader = h.object("watchdog", false);
    if (reader.isEmpty()) return Optional.empty();
    ObjectReader w = reader.get();
    Optional<Path> device = w.absolutePath("device", true, "\"/dev/watchdog\"");
    Optional<Duration> timeout = w.duration("timeout", Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(5));
    w.finish();
    if (device.isEmpty() || timeout.isEmpty()) return Optional.empty();
    if (timeout.get().toMillis() % 1000 != 0) {
      w.error("timeout", timeout.get().toMillis() + " ms is not whole seconds (watchdog drivers count seconds)", "use e.g. timeout = 5s");
      return Optional.empty();
    }
    Duration longest = Watchdog.longestFor(lease);
    if (timeout.get().compareTo(longest) > 0) {
      w.error("timeout", timeout.get().toSeconds() + " s is longer than the lease allows (" + longest.toMillis()
          + " ms: lease.duration less two renewals, plus lease.margin, less " + Watchdog.FEED_SLACK.toMillis()
          + " ms): a frozen node would still run when another node may mount", "shorten timeout, or lengthen lease.duration or lease.margin");
      return Optional.empty();
    }
    return Optional.of(new Watchdog(device.get(), timeout.get()));
  }
}
