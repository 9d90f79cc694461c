package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.node.NodeAgent;
import io.hanfs.node.resource.ResourceStatus;
import io.hanfs.sbr.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /** The JSON API and the table show a role as operators read it ("stop-failed"), never the enum's name. */
  @Test
  void rolesAreWrittenAsTheirDisplayText() throws Exception {
    ResourceStatus st = new ResourceStatus("home", Role.STOP_FAILED, 3, "stop failed", List.of(), 0, Optional.empty(), "UpToDate", Optional.empty());
    String json = Json.write(new NodeAgent.NodeStatus("d1", List.of("data"), false, false, List.of(st)));
    assertTrue(json.contains("\"role\" : \"stop-failed\""), json);
    String text = StatusTable.render(Json.MAPPER.readTree(json));
    assertTrue(text.contains("resource home         stop-failed   epoch 3"), text);
    String view = Json.write(Map.of("roleByNode", Map.of("d1", Role.NEEDS_MOVE)));
    assertTrue(view.contains("\"d1\" : \"needs-move\""), view);
  }
}
