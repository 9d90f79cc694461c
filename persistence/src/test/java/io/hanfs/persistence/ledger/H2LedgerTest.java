package io.hanfs.persistence.ledger;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2LedgerTest extends LedgerContract {
  @TempDir static Path dir;

  /**
   * The embedded database stays open until the JVM exits (DB_CLOSE_DELAY=-1); closed here, before
   * JUnit removes the directory, H2's exit hook does not write a trace file into a directory it
   * re-creates under /tmp.
   */
  @org.junit.jupiter.api.AfterAll
  static void closeTheDatabase() throws Exception {
    String url = LedgerStore.config(new LedgerStore.H2(dir)).getString("pekko-persistence-jdbc.shared-databases.ledger.db.url");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "")) {
      c.createStatement().execute("SHUTDOWN");
    }
  }

  @Override
  LedgerStore.Settings settings() {
    return new LedgerStore.H2(dir);
  }

  @Test
  void aDirectoryThatWouldInjectJdbcSettingsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LedgerStore.config(new LedgerStore.H2(Path.of("/var/lib/hanfs;INIT=RUNSCRIPT FROM 'x'"))));
    assertTrue(e.getMessage().contains("characters a JDBC URL would interpret"), e.getMessage());
  }

  @Test
  void postgresUrlsWithDriverParametersAreRefused() {
    for (String url : new String[] {"jdbc:postgresql://db/hanfs?socketFactory=x", "jdbc:h2:mem:x", "jdbc:postgresql://db/hanfs;x"}) {
      assertThrows(IllegalArgumentException.class, () -> LedgerStore.config(new LedgerStore.Postgres(url, "u", "p")), url);
    }
    LedgerStore.config(new LedgerStore.Postgres("jdbc:postgresql://10.0.0.5:5432/hanfs?sslmode=verify-full", "u", "p"));
  }
}
