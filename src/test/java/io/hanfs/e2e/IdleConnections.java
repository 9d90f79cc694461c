package io.hanfs.e2e;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Run inside a lab node's namespace: opens COUNT TCP connections to 127.0.0.1:PORT that never send
 * a byte, says "open COUNT", and holds them for SECONDS (or until killed).
 */
public final class IdleConnections {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      held.add(s);
    }
    System.out.println("open " + held.size());
    System.out.flush();
    Thread.sleep(seconds * 1000);
    for (Socket s : held) s.close();
  }
}
