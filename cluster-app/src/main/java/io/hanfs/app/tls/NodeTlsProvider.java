package io.hanfs.app.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider;
import scala.Option;

/**
 * The cluster transport's TLS: Pekko's rotating-keys provider (PEM files re-read from disk, mutual
 * authentication, peers signed by the cluster's CA only), plus what it leaves out: a peer's
 * certificate must name a configured node's address, and a node this one connects to must
 * present the certificate of the address it dialled. Each refused peer is logged once.
 */
public final class NodeTlsProvider implements SSLEngineProvider {
  /** Where the daemon puts the configured node addresses for this provider. */
  public static final String ADDRESSES = "hanfs.tls.node-addresses";

  private final RotatingKeysSSLEngineProvider delegate;
  private final Set<String> nodeAddresses;
  private final LoggingAdapter log;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  public NodeTlsProvider(ActorSystem system) {
    this.delegate = new RotatingKeysSSLEngineProvider(system);
    this.nodeAddresses = Set.copyOf(system.settings().config().getStringList(ADDRESSES));
    this.log = Logging.getLogger(system, NodeTlsProvider.class);
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return new LoggedServerEngine(delegate.createServerSSLEngine(hostname, port),
        e -> note("a connection to the cluster port failed its TLS handshake and was closed: " + e.getMessage()));
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return delegate.createClientSSLEngine(hostname, port);
  }

  /** This node dialled {@code hostname}: the server's certificate must name that configured address. */
  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    Option<Throwable> base = delegate.verifyClientSession(hostname, session);
    if (base.isDefined()) return refused("server " + hostname, base.get());
    Set<String> names = names(session);
    // An IPv6 peer is dialled as [fd00::1]; its certificate names it as Java prints it: both compared in RFC 5952 form.
    String dialled = io.hanfs.config.IpLiteral.unbracketed(hostname);
    if (!nodeAddresses.contains(dialled) || !names.contains(dialled)) {
      return refused("server " + hostname, new IllegalArgumentException("the certificate of " + hostname + " names " + names
          + ", not the configured node address " + hostname));
    }
    return Option.empty();
  }

  /** A peer connected to this node: its certificate must name some configured node's address. */
  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    Option<Throwable> base = delegate.verifyServerSession(hostname, session);
    if (base.isDefined()) return refused("client", base.get());
    Set<String> names = names(session);
    if (names.stream().noneMatch(nodeAddresses::contains)) {
      return refused("client " + names, new IllegalArgumentException("the certificate names " + names + ", none of the configured node addresses "
          + nodeAddresses.stream().sorted().toList()));
    }
    return Option.empty();
  }

  private Option<Throwable> refused(String who, Throwable why) {
    note("TLS peer refused (" + who + "): " + why.getMessage());
    return Option.apply(why);
  }

  /** Each kind of refusal once (bounded: a flood of distinct ones does not fill the log or the heap). */
  private void note(String line) {
    if (logged.size() < 1000 && logged.add(line)) log.warning(line);
  }

  /** The IP and DNS subject alternative names of the peer's certificate. */
  static Set<String> names(SSLSession session) {
    Set<String> out = new HashSet<>();
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
        Collection<List<?>> alt = x.getSubjectAlternativeNames();
        if (alt != null) for (List<?> e : alt) if (e.size() >= 2 && (Integer.valueOf(2).equals(e.get(0)) || Integer.valueOf(7).equals(e.get(0)))) out.add(io.hanfs.config.IpLiteral.canonical(String.valueOf(e.get(1))));
      }
    } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
      // no names: refused by the caller
    }
    return out;
  }
}
