package io.hanfs.app.tls;

import io.hanfs.config.HanfsConfig;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * HTTPS on the management endpoint with the node's certificate (hanfs.management.https): a new
 * engine per connection from the current {@link PemContext}, so renewed files serve at once;
 * with client certificates required, a client without a certificate of the cluster's CA fails
 * the handshake (each kind logged once through {@code log}).
 */
public final class ManagementTls {
  private ManagementTls() {}

  public static HttpsConnectionContext server(HanfsConfig config, Consumer<String> log) throws IOException, GeneralSecurityException {
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // Each kind once, bounded: a flood of bad handshakes fills neither the log nor the heap.
    Consumer<String> once = line -> {
      if (seen.size() < 1000 && seen.add(line)) log.accept(line);
    };
    PemContext pem = PemContext.withKey(config.tls(), once);
    boolean clientCertificates = config.management().clientCertificates();
    return ConnectionContext.httpsServer(() -> {
      SSLEngine e = pem.current().createSSLEngine();
      e.setUseClientMode(false);
      if (clientCertificates) e.setNeedClientAuth(true);
      return new LoggedServerEngine(e, x -> once.accept("a connection to the management port failed its TLS handshake and was closed: " + x.getMessage()));
    });
  }
}
