package io.hanfs.node.resource.floatingip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's TCP socket tables (/proc/net/tcp and /proc/net/tcp6 of the daemon's network
 * namespace): one file read each, where `ss` would cost a process every few seconds.
 */
public final class TcpTable {
  private TcpTable() {}

  /** "01" is TCP_ESTABLISHED in the tables' st column. */
  static final String ESTABLISHED = "01";

  /** The most connections kept per resource: enough for a busy NFS server, bounded for the cluster's gossip. */
  public static final int MAX_CONNECTIONS = 2048;

  /**
   * The established connections whose local end is {@code serverIp}:{@code port}, from the text
   * of /proc/net/tcp or /proc/net/tcp6 (an IPv4 server address also matches its v4-mapped form
   * in tcp6). Malformed lines are skipped.
   */
  public static List<ClientConnection> established(String table, String serverIp, int port) {
    List<ClientConnection> out = new ArrayList<>();
    String wanted = canonical(serverIp);
    for (String line : table.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":") || !f[3].equals(ESTABLISHED)) continue;
      Endpoint local = Endpoint.parse(f[1]);
      Endpoint remote = Endpoint.parse(f[2]);
      if (local == null || remote == null || local.port() != port || !local.ip().equals(wanted)) continue;
      out.add(new ClientConnection(serverIp, port, remote.ip(), remote.port()));
      if (out.size() >= MAX_CONNECTIONS) break;
    }
    return out;
  }

  /** An address as {@link InetAddress} prints it (v4-mapped IPv6 folded to IPv4), for comparisons. */
  static String canonical(String ip) {
    try {
      return InetAddress.getByAddress(InetAddress.getByName(literal(ip)).getAddress()).getHostAddress();
    } catch (UnknownHostException e) {
      return ip;
    }
  }

  /** Only literals reach InetAddress.getByName here (it would resolve a name). */
  private static String literal(String ip) throws UnknownHostException {
    if (!ip.matches("[0-9A-Fa-f:.]{2,45}")) throw new UnknownHostException(ip);
    return ip;
  }

  record Endpoint(String ip, int port) {
    /** "0100007F:0801" (IPv4, the address as a little-endian word) or 32 hex digits (IPv6, four such words) and the port. */
    static Endpoint parse(String field) {
      int colon = field.indexOf(':');
      if (colon < 0) return null;
      String hex = field.substring(0, colon);
      String portHex = field.substring(colon + 1);
      if (!portHex.matches("[0-9A-Fa-f]{4}") || !(hex.length() == 8 || hex.length() == 32) || !hex.matches("[0-9A-Fa-f]+")) return null;
      byte[] addr = new byte[hex.length() / 2];
      for (int word = 0; word < hex.length() / 8; word++) {
        for (int b = 0; b < 4; b++) {
          int at = word * 8 + (3 - b) * 2;
          addr[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
        }
      }
      try {
        return new Endpoint(InetAddress.getByAddress(addr).getHostAddress(), Integer.parseInt(portHex, 16));
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }
}
