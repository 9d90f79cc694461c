package io.hanfs.config;

import io.hanfs.config.HanfsConfig.Management;
import java.util.Optional;

/**
 * {@code hanfs.management { hostname, port, https, client-certificates }}. The mutating routes
 * need the node's API token in any case; what this section guards is who can reach the endpoint:
 * on loopback only local users, beyond it only over HTTPS with the node's certificate (so that a
 * token never crosses the network in clear text and a client can tell the node from an impostor).
 */
final class ManagementSection {
  private ManagementSection() {}

  static Management read(ObjectReader h) {
    Optional<ObjectReader> mgmt = h.object("management", false);
    if (mgmt.isEmpty()) return Management.DEFAULT;
    ObjectReader m = mgmt.get();
    String host = IpLiteral.canonical(m.string("hostname", false, "127.0.0.1").orElse("127.0.0.1"));
    int port = m.integer("port", 1, 65535, Optional.of(7626)).orElse(7626);
    boolean https = m.bool("https", false).orElse(false);
    String certs = m.string("client-certificates", false, "off").orElse("off");
    boolean clientCertificates = certs.equals("required");
    if (!clientCertificates && !certs.equals("off")) {
      m.error("client-certificates", "\"" + certs + "\" is not required or off", "use required (every client presents a certificate of the cluster's CA) or off");
    } else if (clientCertificates && !https) {
      m.error("client-certificates", "client certificates need HTTPS", "set https = on as well, or client-certificates = off");
    }
    boolean named = host.equals(Management.NODE_ADDRESS) || Syntax.isIpv4(host) || Syntax.isIpv6(host) || Syntax.isHostname(host);
    if (!named) {
      m.error("hostname", "\"" + host + "\" is not an address, a host name or " + Management.NODE_ADDRESS, "use e.g. 127.0.0.1 or ::1 (bare, no brackets or zone id), or node-address with https = on");
    } else if (host.equals("0.0.0.0") || host.equals("::")) {
      m.error("hostname", host + " binds every address of the node, and no certificate names them all",
          "use 127.0.0.1, or node-address (this node's configured address) with https = on");
    } else if (!Syntax.isLoopback(host) && !https) {
      // Beyond loopback the token would cross the network in clear text, and nothing would tell a
      // client the node from an impostor on its address.
      m.error("hostname", "\"" + host + "\" is not a loopback address, and the endpoint would be reachable from the network without HTTPS",
          "set https = on (the node's certificate from hanfs.tls; changes still need the API token), or use 127.0.0.1 and run hanfs on the node");
    }
    m.finish();
    return new Management(host, port, https, clientCertificates);
  }
}
