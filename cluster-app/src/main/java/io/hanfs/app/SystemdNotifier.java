package io.hanfs.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * systemd's notify protocol (sd_notify(3)): one datagram of {@code KEY=VALUE} lines to the
 * AF_UNIX socket named by {@code $NOTIFY_SOCKET}.
 *
 * <p>JDK 17 opens AF_UNIX only as a stream ({@code SocketChannel} with {@code
 * UnixDomainSocketAddress}); systemd's socket is a datagram socket, which no JDK 17 API reaches.
 * jnr-unixsocket's datagram channel does, on the jnr-ffi the node already ships (lmdbjava's): no JNI
 * library to build or install, and it takes any socket path, so tests bind their own. Not
 * SDNotify (faljse): it reads the variable once in a singleton, so no test can point it at a socket.
 * Not the systemd-notify command: it sends from its own pid, which {@code NotifyAccess=main} drops.
 */
public final class SystemdNotifier implements AutoCloseable {
  /** What the daemon tells systemd; {@link #line()} is the protocol's text. */
  public sealed interface Notification {
    String line();
  }

  /** Start-up finished: systemd starts units ordered after this one. */
  public record Ready() implements Notification {
    public String line() { return "READY=1"; }
  }

  /** Shown by {@code systemctl status}; one line. */
  public record Status(String text) implements Notification {
    public String line() { return "STATUS=" + text.replace('\n', ' '); }
  }

  /** The watchdog's keep-alive. */
  public record Watchdog() implements Notification {
    public String line() { return "WATCHDOG=1"; }
  }

  /** Still starting and alive: extends the start timeout to {@code by} from now. */
  public record ExtendTimeout(Duration by) implements Notification {
    public String line() { return "EXTEND_TIMEOUT_USEC=" + by.toNanos() / 1000; }
  }

  public record Stopping() implements Notification {
    public String line() { return "STOPPING=1"; }
  }

  private final UnixSocketAddress target;
  private final UnixDatagramChannel channel;

  /** @param socket a path, or {@code @name} for the abstract namespace (as systemd writes it) */
  public SystemdNotifier(String socket) throws IOException {
    this.target = new UnixSocketAddress(socket.startsWith("@") ? "\0" + socket.substring(1) : socket);
    this.channel = UnixDatagramChannel.open();
  }

  /** The notifier systemd asked for, or none when not started by systemd as Type=notify. */
  public static Optional<SystemdNotifier> fromEnvironment(Map<String, String> env) throws IOException {
    String socket = env.getOrDefault("NOTIFY_SOCKET", "");
    return socket.isEmpty() ? Optional.empty() : Optional.of(new SystemdNotifier(socket));
  }

  /**
   * The watchdog timeout systemd set for this process (WatchdogSec=), as sd_watchdog_enabled(3)
   * reads it: WATCHDOG_USEC, if WATCHDOG_PID is unset or names this process.
   */
  public static Optional<Duration> watchdogTimeout(Map<String, String> env, long pid) {
    String usec = env.getOrDefault("WATCHDOG_USEC", "");
    String forPid = env.getOrDefault("WATCHDOG_PID", "");
    if (usec.isEmpty() || (!forPid.isEmpty() && !forPid.equals(Long.toString(pid)))) return Optional.empty();
    try {
      long micros = Long.parseLong(usec);
      return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Sends one notification; the datagram is all or nothing. */
  public synchronized void send(Notification n) throws IOException {
    channel.send(ByteBuffer.wrap(n.line().getBytes(StandardCharsets.UTF_8)), target);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
