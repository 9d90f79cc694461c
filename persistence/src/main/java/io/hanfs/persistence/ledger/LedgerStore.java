package io.hanfs.persistence.ledger;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * Where the ledgers' journal lives: an embedded H2 file under the node's state directory (the
 * default), or a PostgreSQL database. Builds the pekko-persistence-jdbc configuration and creates
 * the schema at start (idempotent).
 */
public final class LedgerStore {
  private LedgerStore() {}

  public sealed interface Settings {}

  /** The embedded journal: {@code dir/ledger.mv.db}. */
  public record H2(Path dir) implements Settings {}

  public record Postgres(String url, String user, String password) implements Settings {}

  /** Paths end up inside a JDBC URL, where ';' starts settings: only plain path characters pass. */
  public static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/-]*");
  /** host[:port]/database and at most an sslmode: pgjdbc's other URL parameters can load classes or write files. */
  public static final Pattern POSTGRES_URL = Pattern.compile(
      "jdbc:postgresql://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9_-]+(\\?sslmode=(disable|prefer|require|verify-ca|verify-full))?");

  public static Config config(Settings settings) {
    Map<String, Object> db;
    String profile;
    if (settings instanceof H2 h2) {
      String dir = h2.dir().toAbsolutePath().normalize().toString();
      if (!SAFE_PATH.matcher(dir).matches()) {
        throw new IllegalArgumentException("ledger directory " + dir + " has characters a JDBC URL would interpret; use letters, digits, '.', '_', '-' and '/'");
      }
      profile = "slick.jdbc.H2Profile$";
      // WRITE_DELAY=0: H2 otherwise acknowledges a commit up to 500 ms before it is on disk
      // (73 acknowledged events lost to one kill -9 in a test here; none with 0).
      // CACHE_SIZE (KB): a ledger is a few hundred small rows; H2's default 16 MB page cache
      // would only grow the heap. DB_CLOSE_DELAY=-1: the file stays open between connections.
      db = Map.of("url", "jdbc:h2:file:" + dir + "/ledger;WRITE_DELAY=0;CACHE_SIZE=1024;DB_CLOSE_DELAY=-1", "user", "sa", "password", "",
          "driver", "org.h2.Driver");
    } else if (settings instanceof Postgres pg) {
      if (!POSTGRES_URL.matcher(pg.url()).matches()) {
        throw new IllegalArgumentException("ledger url must look like jdbc:postgresql://HOST[:PORT]/DATABASE[?sslmode=MODE]; got " + pg.url());
      }
      profile = "slick.jdbc.PostgresProfile$";
      db = Map.of("url", pg.url(), "user", pg.user(), "password", pg.password(), "driver", "org.postgresql.Driver");
    } else {
      throw new IllegalArgumentException("unknown ledger store " + settings);
    }
    Config shared = ConfigFactory.parseMap(Map.of("profile", profile))
        .withValue("db", ConfigValueFactory.fromMap(db))
        // A ledger writes a few events per failover: one thread is plenty. The embedded store
        // needs no pool (the file stays open); PostgreSQL keeps a small one for reconnects.
        .withValue("db.numThreads", ConfigValueFactory.fromAnyRef(1))
        .withValue("db.maxConnections", ConfigValueFactory.fromAnyRef(1))
        .withValue("db.minConnections", ConfigValueFactory.fromAnyRef(1))
        .withValue("db.queueSize", ConfigValueFactory.fromAnyRef(1000))
        .withValue("db.connectionPool", ConfigValueFactory.fromAnyRef(settings instanceof H2 ? "disabled" : "HikariCP"));
    return ConfigFactory.empty()
        .withValue("pekko-persistence-jdbc.shared-databases.ledger", shared.root())
        .withFallback(ConfigFactory.parseResources(LedgerStore.class.getClassLoader(), "hanfs-ledger.conf"));
  }

  /** Creates the journal and snapshot tables if they are missing. */
  public static CompletionStage<Done> createSchema(ClassicActorSystemProvider system) {
    return SchemaUtils.createIfNotExists(system);
  }
}
