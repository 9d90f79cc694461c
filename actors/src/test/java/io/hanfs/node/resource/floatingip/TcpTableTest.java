package io.hanfs.node.resource.floatingip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hanfs.exec.RecordingCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpTableTest {
  static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  /** As the kernel writes it: the listener, two clients of 192.168.0.100:2049, one in TIME_WAIT, one to another port. */
  static final String TCP = HEADER
      + "   0: 00000000:0801 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n"
      + "   1: 6400A8C0:0801 0A00A8C0:03FF 01 00000000:00000000 02:000A7214 00000000     0        0 22345 2 0000000000000000 20 4 30 10 -1\n"
      + "   2: 6400A8C0:0801 0B00A8C0:A1B2 01 00000000:00000000 02:000A7214 00000000     0        0 22346 2 0000000000000000 20 4 30 10 -1\n"
      + "   3: 6400A8C0:0801 0C00A8C0:A1B3 06 00000000:00000000 03:00000F2E 00000000     0        0 0 3 0000000000000000\n"
      + "   4: 6400A8C0:0016 0A00A8C0:D431 01 00000000:00000000 02:000A7214 00000000     0        0 22347 2 0000000000000000 20 4 30 10 -1\n"
      + "   5: garbage\n";
  static final String TCP6 = HEADER
      + "   0: 0000000000000000FFFF00006400A8C0:0801 0000000000000000FFFF00000D00A8C0:0320 01 00000000:00000000 00:00000000 00000000 0 0 1 1 0\n"
      + "   1: 010042FD000000000000000000010000:0801 010042FD000000000000000005000000:C001 01 00000000:00000000 00:00000000 00000000 0 0 2 1 0\n";

  @Test
  void establishedClientsOfTheAddressAndPortOnly() {
    assertEquals(List.of(new ClientConnection("192.168.0.100", 2049, "192.168.0.10", 1023), new ClientConnection("192.168.0.100", 2049, "192.168.0.11", 41394)),
        TcpTable.established(TCP, "192.168.0.100", 2049));
    assertEquals(List.of(), TcpTable.established(TCP, "192.168.0.101", 2049));
  }

  @Test
  void tcp6HasV4MappedAndIpv6Clients() {
    assertEquals(List.of(new ClientConnection("192.168.0.100", 2049, "192.168.0.13", 800)), TcpTable.established(TCP6, "192.168.0.100", 2049));
    List<ClientConnection> v6 = TcpTable.established(TCP6, "fd42:1::100", 2049);
    assertEquals(1, v6.size(), v6.toString());
    assertEquals("fd42:1:0:0:0:0:0:5", v6.get(0).clientIp());
    assertEquals("fd42:1::100:2049 fd42:1:0:0:0:0:0:5:49153", v6.get(0).tickleLine());
  }

  /** A book in memory, standing in for the cluster's replicated data. */
  static final class MemoryBook implements ClientConnectionBook {
    final Map<String, List<ClientConnection>> records = new ConcurrentHashMap<>();
    final List<List<ClientConnection>> writes = new ArrayList<>();

    @Override
    public synchronized void record(String resource, List<ClientConnection> connections) {
      records.put(resource, connections);
      writes.add(connections);
    }

    @Override
    public List<ClientConnection> lastRecorded(String resource) {
      return records.getOrDefault(resource, List.of());
    }
  }

  @Test
  void recordsOnChangeOnlyTicklesWhatTheBookHoldsAndResetsWithSs(@TempDir Path dir) throws Exception {
    Path tcp = Files.writeString(dir.resolve("tcp"), TCP);
    Path tickle = dir.resolve("tickle_tcp");
    Files.writeString(tickle, "#!/bin/sh\nexit 0\n");
    tickle.toFile().setExecutable(true);
    MemoryBook book = new MemoryBook();
    List<String> stdin = new java.util.concurrent.CopyOnWriteArrayList<>();
    RecordingCommandRunner runner = new RecordingCommandRunner(argv -> RecordingCommandRunner.ok(argv, "")) {
      @Override
      public io.hanfs.exec.CommandResult run(List<String> argv, Duration timeout, String input) {
        if (input != null) stdin.add(input);
        return super.run(argv, timeout, input);
      }
    };
    ClientReconnect r = new ClientReconnect("home", 2049, book, runner, Duration.ofSeconds(5), List.of(tcp, dir.resolve("tcp6-missing")), tickle);
    assertEquals(2, r.recordConnections("192.168.0.100").size());
    r.recordConnections("192.168.0.100");
    assertEquals(1, book.writes.size(), "an unchanged table is not written again");
    // A record that names another address, or a client that is not an address, is not tickled.
    List<ClientConnection> recorded = new ArrayList<>(book.lastRecorded("home"));
    recorded.add(new ClientConnection("10.9.9.9", 2049, "192.168.0.12", 900));
    recorded.add(new ClientConnection("192.168.0.100", 2049, "-n 1000", 900));
    book.records.put("home", recorded);
    r.tickleRecordedClients("192.168.0.100");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (stdin.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
    assertEquals(List.of("192.168.0.100:2049 192.168.0.10:1023\n192.168.0.100:2049 192.168.0.11:41394\n"), stdin);
    assertTrue(runner.commandNames().contains(tickle + " -n 3"), runner.commandNames().toString());
    r.resetConnections("192.168.0.100");
    deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!runner.commandNames().contains("ss -K -t -n src 192.168.0.100 sport = :2049") && System.nanoTime() < deadline) Thread.sleep(20);
    assertTrue(runner.commandNames().contains("ss -K -t -n src 192.168.0.100 sport = :2049"), runner.commandNames().toString());
  }
}
