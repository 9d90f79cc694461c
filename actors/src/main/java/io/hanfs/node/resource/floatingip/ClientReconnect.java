package io.hanfs.node.resource.floatingip;

import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes NFS clients after the floating IP moved, as CTDB and Pacemaker's portblock do. The active
 * node records its clients' connections to the address (a read of the kernel's socket tables at
 * each monitor tick, shared through the cluster when they change); the next primary sends each
 * a tickle ACK (resource-agents' tickle_tcp: an ACK with a wrong sequence number), which makes
 * the client's stack answer, get a reset from a server that knows no such connection, and
 * reconnect at once instead of after its RPC retry backoff. A planned switchover's old primary
 * also resets its connections itself once the address is gone (`ss -K`). All of it is best
 * effort: it never fails a promotion or a demotion.
 */
public final class ClientReconnect {
  private static final Logger log = LoggerFactory.getLogger(ClientReconnect.class);
  static final Path TICKLE_TCP = Path.of("/usr/libexec/heartbeat/tickle_tcp");
  /** Tickle ACKs per connection: one may be lost on a link that is just coming up. */
  static final int TICKLES = 3;

  private final String resource;
  private final int port;
  private final ClientConnectionBook book;
  private final CommandRunner runner;
  private final Duration timeout;
  private final List<Path> tables;
  private final Path tickleTcp;
  private List<ClientConnection> lastRecorded = List.of();

  public ClientReconnect(String resource, int port, ClientConnectionBook book, CommandRunner runner, Duration timeout) {
    this(resource, port, book, runner, timeout, List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")), TICKLE_TCP);
  }

  ClientReconnect(String resource, int port, ClientConnectionBook book, CommandRunner runner, Duration timeout, List<Path> tables, Path tickleTcp) {
    this.resource = resource;
    this.port = port;
    this.book = book;
    this.runner = runner;
    this.timeout = timeout;
    this.tables = tables;
    this.tickleTcp = tickleTcp;
  }

  /** The connections to {@code vip} now; told to the book when they changed since the last call. */
  public synchronized List<ClientConnection> recordConnections(String vip) {
    List<ClientConnection> now = new ArrayList<>();
    for (Path t : tables) {
      try {
        if (Files.exists(t)) now.addAll(TcpTable.established(Files.readString(t), vip, port));
      } catch (IOException e) {
        log.debug("cannot read {}: {}", t, e.getMessage());
      }
    }
    if (now.size() > TcpTable.MAX_CONNECTIONS) now = now.subList(0, TcpTable.MAX_CONNECTIONS);
    if (!now.equals(lastRecorded)) {
      lastRecorded = List.copyOf(now);
      book.record(resource, lastRecorded);
    }
    return lastRecorded;
  }

  /** After taking the address: a tickle ACK to every connection the last primary recorded (in the background). */
  public void tickleRecordedClients(String vip) {
    // What the cluster replicated is checked like any message from the network before it reaches a command's input.
    String self = TcpTable.canonical(vip);
    List<ClientConnection> known = book.lastRecorded(resource).stream()
        .filter(c -> c.serverPort() == port && TcpTable.canonical(c.serverIp()).equals(self) && plausible(c.clientIp(), c.clientPort()))
        .limit(TcpTable.MAX_CONNECTIONS).toList();
    if (known.isEmpty()) return;
    if (!Files.isExecutable(tickleTcp)) {
      log.warn("{} clients to wake, but {} is missing (install resource-agents)", known.size(), tickleTcp);
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (ClientConnection c : known) lines.append(c.tickleLine()).append('\n');
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      CommandResult r = runner.run(List.of(tickleTcp.toString(), "-n", Integer.toString(TICKLES)), timeout, lines.toString());
      if (r.ok()) log.info("sent tickle ACKs to {} client connection(s) of {}", known.size(), resource);
      else log.warn("tickle_tcp for {} failed: {}", resource, r.describe());
    });
  }

  /** ss's filter takes an IPv6 address only in brackets (unbracketed, it reads the colons as a port and exits 1). */
  static List<String> resetCommand(String vip, int port) {
    String src = vip.contains(":") ? "[" + vip + "]" : vip;
    return List.of("ss", "-K", "-t", "-n", "src", src, "sport", "=", ":" + port);
  }

  static boolean plausible(String ip, int port) {
    return port > 0 && port < 65536 && ip != null && ip.matches("[0-9A-Fa-f:.]{2,45}");
  }

  /**
   * After the address left this node on a planned move: reset the clients' connections to it, so
   * each reconnects (to the next primary) at once. The kernel keeps them otherwise until they time out.
   */
  public void resetConnections(String vip) {
    synchronized (this) {
      lastRecorded = List.of();
    }
    // In the background: the demotion goes on to stop the NFS server meanwhile (a process costs
    // a fork and exec, slow on small or emulated CPUs).
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      CommandResult r = runner.run(resetCommand(vip, port), timeout);
      if (!r.ok()) log.warn("could not reset the client connections to {}: {}", vip, r.describe());
    });
  }
}
