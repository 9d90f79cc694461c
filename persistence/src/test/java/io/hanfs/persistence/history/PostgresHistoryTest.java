package io.hanfs.persistence.history;

import io.hanfs.persistence.ledger.LedgerStore;
import io.hanfs.persistence.ledger.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The history contract against a real PostgreSQL server started for this test. */
class PostgresHistoryTest extends HistoryContract {
  static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  @Override
  LedgerStore.Settings settings() {
    return new LedgerStore.Postgres(server.url(), "hanfs", "");
  }
}
