package io.hanfs.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * Run inside the lab's client namespace: holds one idle TCP connection to HOST:PORT, as a kernel
 * NFS client holds its connection to the server, says "connected LOCALPORT", then waits for the
 * other end: prints "reset MILLIS" when the connection is reset (what a tickle ACK leads to once
 * the address is on a node that does not know the connection), "closed MILLIS" on an orderly
 * close, and exits; or exits by itself after SECONDS.
 */
public final class HeldConnection {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 5000);
      s.setSoTimeout(seconds * 1000);
      System.out.println("connected " + s.getLocalPort());
      System.out.flush();
      try {
        int b = s.getInputStream().read();
        System.out.println((b < 0 ? "closed " : "data ") + System.currentTimeMillis());
      } catch (SocketException e) {
        System.out.println("reset " + System.currentTimeMillis() + " " + e.getMessage());
      } catch (IOException e) {
        System.out.println("timeout " + System.currentTimeMillis());
      }
    }
  }
}
