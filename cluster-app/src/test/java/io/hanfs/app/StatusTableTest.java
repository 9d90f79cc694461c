package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatusTableTest {
  @Test
  void nodeViewShowsTheLedgerWithItsFlags() throws Exception {
    String json = """
        {"node":"d1","roles":["data"],"resources":[{"name":"home","role":"secondary","epoch":3,"message":"standing by",
         "layers":[{"name":"replication","state":"down","detail":"drbd r0 StandAlone Secondary/Unknown UpToDate/DUnknown oos:4096"}],
         "recentFailures":0,"disk":"UpToDate",
         "ledger":{"node":"d1","current":{"epoch":3,"seq":1},"lineage":[{"epoch":3,"seq":0},{"epoch":3,"seq":1}],
                   "outdated":true,"splitBrain":false,"lastEpoch":3}}]}
        """;
    String text = StatusTable.render(Json.MAPPER.readTree(json));
    assertTrue(text.contains("ledger       recorded  generation 3.1, disk UpToDate, last epoch 3, OUTDATED"), text);
    String noLedger = StatusTable.render(Json.MAPPER.readTree(json.replaceAll("(?s),\\s*\"ledger\":\\{.*\\}\\}\\]\\}", "}]}")));
    assertTrue(!noLedger.contains("ledger") && noLedger.contains("replication"), noLedger);
  }
}
