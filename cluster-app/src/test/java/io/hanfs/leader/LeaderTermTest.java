package io.hanfs.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.node.NodeAgent;
import io.hanfs.testkit.LoopbackCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The term a leader stamps on its commands: above every term the nodes obeyed. */
class LeaderTermTest {
  @TempDir Path dir;

  static NodeAgent.Report report(String node, long term) {
    return new NodeAgent.Report(node, null, false, false, List.of(), term);
  }

  @Test
  void theTermIsFixedAtTheFirstCommandAboveEveryReportedOneAndPassesAHigherOne() throws Exception {
    ClusterModel model = new ClusterModel(LoopbackCluster.config(dir, ""));
    model.reported(report("d1", 4), 1);
    model.reported(report("d2", 7), 1);
    assertEquals(8, model.stamp(3).term());
    assertEquals(3, model.stamp(3).epoch());
    model.reported(report("d1", 8), 2);
    assertEquals(8, model.stamp(0).term(), "its own term reported back changes nothing");
    // d3 obeyed a term this leader had not heard of: its commands would all be refused.
    model.reported(report("d3", 11), 3);
    assertEquals(12, model.stamp(0).term());
  }

  @Test
  void aLeaderOfAFreshClusterTakesTermOne() throws Exception {
    assertEquals(1, new ClusterModel(LoopbackCluster.config(dir, "")).stamp(0).term());
  }
}
