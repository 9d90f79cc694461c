package io.hanfs.config;

import java.util.Optional;

/**
 * IPv6 literals, parsed by hand (never through InetAddress, which would look a name up in DNS):
 * eight groups of one to four hex digits, at most one {@code ::}, no zone id and no embedded
 * dotted quad. Addresses are kept in RFC 5952 form (what {@code ip -j addr} prints), so one
 * address written two ways is one address everywhere, and in URIs and host:port they are
 * bracketed.
 */
public final class IpLiteral {
  private IpLiteral() {}

  /** The 16 bytes of an IPv6 literal, or empty when {@code s} is not one. */
  public static Optional<byte[]> parseIpv6(String s) {
    if (s.length() < 2 || s.length() > 39 || !s.matches("[0-9A-Fa-f:]+")) return Optional.empty();
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) return Optional.empty();
    String head = gap < 0 ? s : s.substring(0, gap);
    String tail = gap < 0 ? "" : s.substring(gap + 2);
    int[] h = groups(head);
    int[] t = groups(tail);
    if (h == null || t == null) return Optional.empty();
    int n = h.length + t.length;
    if (gap < 0 ? n != 8 : n > 7) return Optional.empty();
    byte[] out = new byte[16];
    for (int i = 0; i < h.length; i++) put(out, i, h[i]);
    for (int i = 0; i < t.length; i++) put(out, 8 - t.length + i, t[i]);
    return Optional.of(out);
  }

  private static int[] groups(String part) {
    if (part.isEmpty()) return new int[0];
    String[] g = part.split(":", -1);
    int[] out = new int[g.length];
    for (int i = 0; i < g.length; i++) {
      if (g[i].isEmpty() || g[i].length() > 4) return null;
      out[i] = Integer.parseInt(g[i], 16);
    }
    return out;
  }

  private static void put(byte[] b, int group, int v) {
    b[2 * group] = (byte) (v >> 8);
    b[2 * group + 1] = (byte) v;
  }

  public static boolean isIpv6(String s) {
    return parseIpv6(s).isPresent();
  }

  /** RFC 5952: lower case, no leading zeros, the first longest run of two or more zero groups as {@code ::}. */
  public static String format(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) g[i] = (a[2 * i] & 0xff) << 8 | a[2 * i + 1] & 0xff;
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && g[j] == 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = Math.max(i, j);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  /** An IPv6 literal in RFC 5952 form, anything else as it is. */
  public static String canonical(String address) {
    return parseIpv6(address).map(IpLiteral::format).orElse(address);
  }

  /**
   * A node's address as Pekko and java.net.URI show hosts: an IPv6 literal in brackets (Artery
   * brackets its canonical hostname itself), compared in RFC 5952 form.
   */
  public static String uriHost(String address) {
    return isIpv6(address) ? "[" + canonical(address) + "]" : address;
  }

  /** {@code host:port}, with an IPv6 literal bracketed: {@code [fd00::1]:7626}. */
  public static String hostPort(String address, int port) {
    return uriHost(address) + ":" + port;
  }

  /** A host as Pekko's Address or a URI gives it ({@code [fd00::1]}) back as a node address is written. */
  public static String unbracketed(String host) {
    if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) return canonical(host.substring(1, host.length() - 1));
    return canonical(host);
  }
}
