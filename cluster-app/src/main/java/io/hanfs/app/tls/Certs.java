package io.hanfs.app.tls;

import io.hanfs.config.HanfsConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * {@code hanfs certs}: the cluster's own CA and each node's key pair and certificate, in the PEM
 * files Pekko's rotating-keys TLS provider reads. RSA (Pekko's PEM loader takes no EC keys),
 * certificates signed by BouncyCastle; every file 0600 in a 0700 directory, written whole or not
 * at all. A node's certificate names its configured address (IP or DNS) and a name all nodes of
 * the cluster share, which Pekko's provider requires of its peers.
 */
public final class Certs {
  private Certs() {}

  /** RSA 2048, as kubeadm and cert-manager issue by default: every Artery connection's handshake signs twice (mutual). */
  static final int KEY_BITS = 2048;
  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** The name every node's certificate carries besides its address. */
  public static String clusterName(HanfsConfig config) {
    return config.clusterName() + ".hanfs-cluster";
  }

  /** Checks everything first; writes nothing when any node's files exist and {@code renew} is off. */
  public static List<String> issue(HanfsConfig config, Path caDir, List<HanfsConfig.Node> nodes, Path out, boolean oneNodeOut, boolean renew,
      Duration validity) throws IOException, GeneralSecurityException {
    List<Path> targets = new ArrayList<>();
    for (HanfsConfig.Node n : nodes) targets.add(oneNodeOut ? out : out.resolve(n.name()));
    if (!renew) {
      for (Path t : targets) {
        if (Files.exists(t.resolve("node.key")) || Files.exists(t.resolve("node.crt"))) {
          throw new IllegalArgumentException(t + " already holds a node key or certificate; nothing was changed. Fix: pass --renew to replace it "
              + "(the running daemon picks the new one up within ssl-context-cache-ttl), or choose another --out");
        }
      }
    }
    List<String> done = new ArrayList<>();
    Files.createDirectories(caDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path caKeyFile = caDir.resolve("ca.key");
    Path caCertFile = caDir.resolve("ca.crt");
    PrivateKey caKey;
    X509Certificate caCert;
    if (Files.exists(caKeyFile)) {
      caKey = readKey(caKeyFile);
      caCert = TlsFiles.read(caCertFile);
    } else {
      KeyPair ca = keyPair();
      X500Name name = new X500Name("CN=hanfs cluster " + config.clusterName() + " CA");
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(CA_VALIDITY)), name, ca.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
      caCert = sign(b, ca.getPrivate());
      caKey = ca.getPrivate();
      write(caKeyFile, pem(caKey));
      write(caCertFile, pem(caCert));
      done.add("created the cluster's CA: " + caCertFile + " (its key " + caKeyFile + " stays here, on no node)");
    }
    for (int i = 0; i < nodes.size(); i++) {
      HanfsConfig.Node n = nodes.get(i);
      Path t = targets.get(i);
      Files.createDirectories(t, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      KeyPair kp = keyPair();
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(validity)), new X500Name("CN=" + n.name() + ", O=hanfs cluster " + config.clusterName()), kp.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {addressName(n.address()),
          new GeneralName(GeneralName.dNSName, clusterName(config))}));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509Certificate cert = sign(b, caKey);
      write(t.resolve("ca.crt"), pem(caCert));
      write(t.resolve("node.key"), pem(kp.getPrivate()));
      write(t.resolve("node.crt"), pem(cert));
      done.add("node " + n.name() + " (" + n.address() + "): " + t.resolve("node.key") + ", node.crt, ca.crt; valid until " + cert.getNotAfter().toInstant());
    }
    return done;
  }

  private static GeneralName addressName(String address) throws IOException {
    boolean ip = address.matches("[0-9.]+") || address.contains(":");
    if (ip) return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(address).getHostAddress());
    return new GeneralName(GeneralName.dNSName, address);
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(KEY_BITS, new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      // PKCS#8 ("BEGIN PRIVATE KEY"), which Pekko's PEM loader reads.
      if (o instanceof PrivateKey k) w.writeObject((org.bouncycastle.util.io.pem.PemObjectGenerator) new JcaPKCS8Generator(k, null));
      else w.writeObject(o);
    }
    return s.toString();
  }

  private static PrivateKey readKey(Path p) throws IOException {
    try (Reader r = Files.newBufferedReader(p); PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) return c.getPrivateKey(info);
      if (o instanceof PEMKeyPair pair) return c.getKeyPair(pair).getPrivate();
      throw new IOException(p + " holds no private key");
    }
  }

  /** Written to a 0600 temporary file beside it, then moved over: never half a file, never readable by others. */
  private static void write(Path p, String text) throws IOException {
    Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text);
    Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
