package io.hanfs.node.resource.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.Captured;
import java.util.List;
import org.junit.jupiter.api.Test;

class NfsParsersTest {
  @Test
  void ganeshaListensOnTcp6Any() {
    assertTrue(ListeningPorts.listening(2049, Captured.read("proc-net-tcp6-ganesha.txt")));
    assertFalse(ListeningPorts.listening(2049, Captured.read("proc-net-tcp-ganesha.txt")));
    assertTrue(ListeningPorts.listening(7626, Captured.read("proc-net-tcp6-ganesha.txt")), "management on ::ffff:127.0.0.1");
  }

  @Test
  void establishedIsNotListening() {
    // 0x1DCA = 7626 appears as a remote and local port of TIME_WAIT sockets (state 06) in tcp.
    assertFalse(ListeningPorts.listening(7626, Captured.read("proc-net-tcp-ganesha.txt")));
  }

  @Test
  void exportfsPathsIncludingWrappedLines() {
    assertEquals(List.of("/srv/nfs/home/export", "/srv/data"), ExportfsOutput.paths(Captured.read("exportfs-v-format.txt")));
  }
}
