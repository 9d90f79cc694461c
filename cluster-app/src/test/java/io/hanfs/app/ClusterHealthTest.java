package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.hanfs.leader.Leader;
import io.hanfs.sbr.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** status --check's levels, from the leader's ClusterStatus as the route writes it; and the progress lines of a long operation. */
class ClusterHealthTest {
  static JsonNode json(Leader.ClusterStatus s) throws Exception {
    return Json.MAPPER.readTree(Json.write(s));
  }

  static Leader.ClusterStatus with(boolean maintenance, Leader.ResourceView r) {
    return new Leader.ClusterStatus("d1", maintenance, true, List.of(StatusCliTest.member("d1", true), StatusCliTest.member("d2", true)), List.of(r));
  }

  @Test
  void levels() throws Exception {
    Leader.ResourceView ok = StatusCliTest.home(Optional.of("d1"), Role.PRIMARY, Role.SECONDARY, Optional.empty());
    assertEquals(ClusterHealth.Level.OK, ClusterHealth.of(Optional.of(json(with(false, ok))), "").level());
    assertEquals("HANFS DEGRADED: maintenance on (hanfs does not act)", ClusterHealth.of(Optional.of(json(with(true, ok))), "").line());
    Leader.ResourceView failedCopy = StatusCliTest.home(Optional.of("d1"), Role.PRIMARY, Role.START_FAILED, Optional.empty());
    assertEquals("HANFS DEGRADED: home on d2: start-failed", ClusterHealth.of(Optional.of(json(with(false, failedCopy))), "").line());
    Leader.ResourceView banned = new Leader.ResourceView("home", Optional.of("d1"), 7, Map.of("d1", Role.PRIMARY), Optional.empty(), "", Optional.empty(), 0,
        Map.of(), List.of("d2 after 3 failed promotions"));
    assertEquals("HANFS DEGRADED: home: 1 ban(s) (hanfs clear)", ClusterHealth.of(Optional.of(json(with(false, banned))), "").line());
    Leader.ResourceView moving = StatusCliTest.home(Optional.empty(), Role.SECONDARY, Role.PROMOTING, Optional.of("failover to d2"));
    assertEquals("HANFS DOWN: home active nowhere; home: failover to d2; home on d2: promoting", ClusterHealth.of(Optional.of(json(with(false, moving))), "").line());
    assertEquals("HANFS DOWN: no cluster view: no answer from the leader", ClusterHealth.of(Optional.empty(), "no answer from the leader").line());
  }

  @Test
  void progressPrintsWhatChanged() throws Exception {
    JsonNode before = json(with(false, StatusCliTest.home(Optional.of("d1"), Role.PRIMARY, Role.SECONDARY, Optional.empty())));
    JsonNode after = json(with(false, StatusCliTest.home(Optional.empty(), Role.DEMOTING, Role.SECONDARY, Optional.of("switchover to d2"))));
    Map<String, String> b = OperationProgress.snapshot(OperationProgress.Source.CLUSTER, "home", before);
    assertEquals(Map.of("d1", "primary", "d2", "secondary", "transition", "none"), b);
    assertEquals(List.of("d1: primary -> demoting", "transition: none -> switchover to d2"),
        OperationProgress.changes(b, OperationProgress.snapshot(OperationProgress.Source.CLUSTER, "home", after)));
    assertEquals(List.of(), OperationProgress.changes(b, b));
    assertEquals(Map.of(), OperationProgress.snapshot(OperationProgress.Source.CLUSTER, "other", before));
  }
}
