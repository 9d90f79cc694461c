package io.hanfs.node.resource.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.node.resource.Layer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SharedDiskLayerTest {
  /** A shared disk has no link and no peer copy: nothing for the leader to read. */
  @Test
  void aSharedDiskReportsNoReplicationFacts() {
    Layer.Probe p = new SharedDiskLayer(Path.of("/nonexistent/hanfs-shared-disk"), null).probe();
    assertFalse(p.healthy());
    assertTrue(p.replication().isEmpty());
  }
}
