package io.hanfs.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * The service manager's end of the systemd notify protocol, for a VM guest that has no systemd
 * (busybox init): binds the AF_UNIX datagram socket a daemon finds in NOTIFY_SOCKET and appends
 * each datagram, with the time it came, to a log the test reads.
 *   java io.hanfs.e2e.NotifyListener SOCKET LOG
 */
public final class NotifyListener {
  private NotifyListener() {}

  public static void main(String[] args) throws IOException {
    Path log = Path.of(args[1]);
    Files.deleteIfExists(Path.of(args[0]));
    try (UnixDatagramChannel socket = UnixDatagramChannel.open()) {
      socket.bind(new UnixSocketAddress(args[0]));
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (true) {
        buf.clear();
        socket.receive(buf);
        buf.flip();
        String message = StandardCharsets.UTF_8.decode(buf).toString().replace('\n', ' ');
        Files.writeString(log, System.currentTimeMillis() + " " + message + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    }
  }
}
