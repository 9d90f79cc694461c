package io.hanfs.persistence.history;

import io.hanfs.persistence.ledger.LedgerStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

class H2HistoryTest extends HistoryContract {
  @TempDir static Path dir;

  /** Closed before JUnit removes the directory (see H2LedgerTest). */
  @AfterAll
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
}
