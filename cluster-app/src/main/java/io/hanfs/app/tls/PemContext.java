package io.hanfs.app.tls;

import io.hanfs.config.HanfsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An SSLContext from the node's PEM files (hanfs.tls): the node's key and certificate, and the
 * cluster's CA as the only trust anchor. {@link #current()} reads the files again when one of
 * them changed on disk (size or modification time: three stat calls per connection), so renewed
 * certificates (hanfs certs --renew) serve without a restart; files that do not load (a renewal
 * half copied) keep the last good context and are reported to {@code onReloadFailure}.
 */
public final class PemContext {
  private final HanfsConfig.Tls files;
  private final boolean withKey;
  private final Consumer<String> onReloadFailure;
  private List<Object> stamp = List.of();
  private SSLContext context;

  private PemContext(HanfsConfig.Tls files, boolean withKey, Consumer<String> onReloadFailure) {
    this.files = files;
    this.withKey = withKey;
    this.onReloadFailure = onReloadFailure;
  }

  /** A server's (or a client's that presents the node's certificate): fails now if the files do not load. */
  public static PemContext withKey(HanfsConfig.Tls files, Consumer<String> onReloadFailure) throws IOException, GeneralSecurityException {
    PemContext p = new PemContext(files, true, onReloadFailure);
    p.load();
    return p;
  }

  /** A client's that trusts the cluster's CA and presents the node's certificate when it can read the key (root). */
  public static SSLContext client(HanfsConfig.Tls files) throws IOException, GeneralSecurityException {
    boolean key = Files.isReadable(files.keyFile()) && Files.isReadable(files.certFile());
    return build(files, key);
  }

  public synchronized SSLContext current() {
    List<Object> now = stamp();
    if (!now.equals(stamp)) {
      try {
        load();
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        stamp = now; // reported once per change, retried at the next one
        onReloadFailure.accept("the TLS files of hanfs.tls changed but do not load (" + e.getMessage() + "); still serving the previous certificate");
      }
    }
    return context;
  }

  private void load() throws IOException, GeneralSecurityException {
    List<Object> before = stamp();
    context = build(files, withKey);
    stamp = before;
  }

  private List<Object> stamp() {
    List<Object> out = new ArrayList<>();
    for (Path p : List.of(files.keyFile(), files.certFile(), files.caFile())) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(a.lastModifiedTime());
        out.add(a.size());
        out.add(a.fileKey() == null ? "" : a.fileKey());
      } catch (IOException e) {
        out.add("missing");
      }
    }
    return out;
  }

  static SSLContext build(HanfsConfig.Tls files, boolean withKey) throws IOException, GeneralSecurityException {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("hanfs-ca", read(x509, files.caFile()).get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    Optional<KeyManagerFactory> kmf = Optional.empty();
    if (withKey) {
      PrivateKey key = PemKeys.rsa(Files.readString(files.keyFile()));
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] none = new char[0];
      keys.setKeyEntry("node", key, none, read(x509, files.certFile()).toArray(Certificate[]::new));
      KeyManagerFactory k = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      k.init(keys, none);
      kmf = Optional.of(k);
    }
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(kmf.map(KeyManagerFactory::getKeyManagers).orElse(null), tmf.getTrustManagers(), null);
    return c;
  }

  private static List<Certificate> read(CertificateFactory x509, Path p) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(p)) {
      List<Certificate> out = new ArrayList<>(x509.generateCertificates(in));
      if (out.isEmpty()) throw new GeneralSecurityException(p + " holds no certificate");
      return out;
    }
  }
}
