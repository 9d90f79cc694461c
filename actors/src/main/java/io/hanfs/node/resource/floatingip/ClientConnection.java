package io.hanfs.node.resource.floatingip;

import io.hanfs.CborSerializable;

/**
 * One established TCP connection of an NFS client to the floating IP, as the active node's
 * kernel lists it: what the next primary tickles after it takes the address.
 */
public record ClientConnection(String serverIp, int serverPort, String clientIp, int clientPort) implements CborSerializable {
  /**
   * The line tickle_tcp reads, as Pacemaker's portblock writes it: the server's end first, then
   * the client's, "IP:PORT IP:PORT" (IPv6 without brackets: tickle_tcp takes the port after the
   * last colon).
   */
  public String tickleLine() {
    return serverIp + ":" + serverPort + " " + clientIp + ":" + clientPort;
  }
}
