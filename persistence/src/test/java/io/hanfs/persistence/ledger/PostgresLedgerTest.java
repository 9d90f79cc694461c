package io.hanfs.persistence.ledger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ledger contract against a real PostgreSQL server started for this test (see PostgresServer). */
class PostgresLedgerTest extends LedgerContract {
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
