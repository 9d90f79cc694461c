package io.hanfs.app.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

class PemKeysTest {
  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  @Test
  void readsPkcs8AndPkcs1RsaKeysAsBouncyCastleWritesThem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair k = g.generateKeyPair();
    byte[] pkcs8 = k.getPrivate().getEncoded();
    assertArrayEquals(pkcs8, PemKeys.rsa(pem("PRIVATE KEY", pkcs8)).getEncoded());
    byte[] pkcs1 = PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
    assertArrayEquals(pkcs8, PemKeys.rsa("junk before\n" + pem("RSA PRIVATE KEY", pkcs1)).getEncoded());
    assertThrows(GeneralSecurityException.class, () -> PemKeys.rsa(pem("EC PRIVATE KEY", pkcs1)));
    assertThrows(GeneralSecurityException.class, () -> PemKeys.rsa(pem("ENCRYPTED PRIVATE KEY", pkcs8)));
  }
}
