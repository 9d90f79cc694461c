package io.hanfs.app.tls;

import io.hanfs.config.HanfsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a node's TLS files before the daemon starts: present, regular, readable by root only
 * (the key above all; the certificates too, as the issue of a cluster's trust), the node's
 * certificate signed by the configured CA, valid now, and naming this node's configured address
 * (and the management address, with HTTPS there).
 * Each problem names the field and the fix.
 */
public final class TlsFiles {
  private TlsFiles() {}

  static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  public static List<String> problems(HanfsConfig config, HanfsConfig.Node self) {
    HanfsConfig.Tls tls = config.tls();
    List<String> out = new ArrayList<>();
    if (!tls.enabled()) return out;
    String certs = "create them with: hanfs certs --config FILE --ca-dir DIR --node " + self.name() + " --out " + tls.keyFile().getParent();
    file(out, "hanfs.tls.key-file", tls.keyFile(), certs);
    file(out, "hanfs.tls.cert-file", tls.certFile(), certs);
    file(out, "hanfs.tls.ca-file", tls.caFile(), certs);
    if (!out.isEmpty()) return out;
    try {
      String key = Files.readString(tls.keyFile());
      // Pekko's PEM loader takes RSA keys only (PKCS#1 or unencrypted PKCS#8).
      if (!key.contains("-----BEGIN PRIVATE KEY-----") && !key.contains("-----BEGIN RSA PRIVATE KEY-----")) {
        out.add("hanfs.tls.key-file: " + tls.keyFile() + " is not an unencrypted RSA private key in PEM; fix: " + certs);
      }
      X509Certificate ca = read(tls.caFile());
      X509Certificate cert = read(tls.certFile());
      try {
        cert.verify(ca.getPublicKey());
      } catch (GeneralSecurityException e) {
        out.add("hanfs.tls.cert-file: " + tls.certFile() + " is not signed by the CA in " + tls.caFile() + "; fix: " + certs + " (with the cluster's CA)");
      }
      try {
        cert.checkValidity();
      } catch (GeneralSecurityException e) {
        out.add("hanfs.tls.cert-file: " + tls.certFile() + " is not valid now (" + cert.getNotBefore() + " to " + cert.getNotAfter() + "); fix: issue a new one with hanfs certs ... --renew");
      }
      Set<String> names = new java.util.HashSet<>();
      if (cert.getSubjectAlternativeNames() != null) for (List<?> e : cert.getSubjectAlternativeNames()) if (e.size() >= 2) names.add(io.hanfs.config.IpLiteral.canonical(String.valueOf(e.get(1))));
      if (!names.contains(self.address())) {
        out.add("hanfs.tls.cert-file: " + tls.certFile() + " names " + names + ", not this node's address " + self.address() + " (hanfs.nodes, " + self.name()
            + "); fix: " + certs);
      }
      String host = config.management().host(self);
      if (config.management().https() && !names.contains(host)) {
        out.add("hanfs.management.hostname: HTTPS serves " + tls.certFile() + ", which names " + names + ", not the management address " + host
            + "; fix: set hostname = node-address (the address the certificate names)");
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      out.add("hanfs.tls: cannot read the TLS files: " + e.getMessage() + "; fix: " + certs);
    }
    return out;
  }

  private static void file(List<String> out, String field, Path p, String fix) {
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      out.add(field + ": " + p + " is missing (or not a regular file); fix: " + fix);
      return;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
      for (PosixFilePermission x : perms) if (OTHERS.contains(x)) open.add(x);
      if (!open.isEmpty()) {
        out.add(field + ": " + p + " is readable or writable by group or others (" + java.nio.file.attribute.PosixFilePermissions.toString(perms)
            + "); fix: chmod 600 " + p);
      }
    } catch (IOException | UnsupportedOperationException e) {
      out.add(field + ": cannot read the permissions of " + p + ": " + e.getMessage());
    }
  }

  static X509Certificate read(Path p) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(p)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
