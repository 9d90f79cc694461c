package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notify protocol against a real AF_UNIX datagram socket, bound here as systemd binds its own. */
class SystemdNotifierTest {
  @TempDir Path dir;

  static String receive(UnixDatagramChannel server) throws Exception {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    server.receive(buf);
    buf.flip();
    return StandardCharsets.UTF_8.decode(buf).toString();
  }

  @Test
  void eachNotificationIsOneDatagramOfItsProtocolLine() throws Exception {
    Path socket = dir.resolve("notify");
    try (UnixDatagramChannel server = UnixDatagramChannel.open()) {
      server.bind(new UnixSocketAddress(socket.toString()));
      try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString())).orElseThrow()) {
        n.send(new SystemdNotifier.Status("nfs01 member; home primary (epoch 7)\nsecond line"));
        n.send(new SystemdNotifier.Ready());
        n.send(new SystemdNotifier.Watchdog());
        n.send(new SystemdNotifier.ExtendTimeout(Duration.ofSeconds(15)));
        n.send(new SystemdNotifier.Stopping());
      }
      assertEquals("STATUS=nfs01 member; home primary (epoch 7) second line", receive(server));
      assertEquals("READY=1", receive(server));
      assertEquals("WATCHDOG=1", receive(server));
      assertEquals("EXTEND_TIMEOUT_USEC=15000000", receive(server));
      assertEquals("STOPPING=1", receive(server));
    }
  }

  @Test
  void anAbstractSocketNameIsWrittenWithAnAt() throws Exception {
    String name = "hanfs-test-" + ProcessHandle.current().pid();
    try (UnixDatagramChannel server = UnixDatagramChannel.open()) {
      server.bind(new UnixSocketAddress("\0" + name));
      try (SystemdNotifier n = new SystemdNotifier("@" + name)) {
        n.send(new SystemdNotifier.Ready());
      }
      assertEquals("READY=1", receive(server));
    }
  }

  @Test
  void withoutNotifySocketThereIsNoNotifier() throws Exception {
    assertTrue(SystemdNotifier.fromEnvironment(Map.of()).isEmpty());
    assertTrue(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).isEmpty());
  }

  @Test
  void theWatchdogIsOnlyForTheProcessSystemdNamed() {
    assertEquals(Optional.of(Duration.ofSeconds(20)), SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "20000000"), 42));
    assertEquals(Optional.of(Duration.ofSeconds(20)),
        SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "42"), 42));
    assertEquals(Optional.empty(), SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "7"), 42));
    assertEquals(Optional.empty(), SystemdNotifier.watchdogTimeout(Map.of(), 42));
    assertEquals(Optional.empty(), SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "0"), 42));
    assertEquals(Optional.empty(), SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "soon"), 42));
  }
}
