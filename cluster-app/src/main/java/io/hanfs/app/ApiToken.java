package io.hanfs.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The secret that every request changing the cluster must carry (`Authorization: Bearer TOKEN`):
 * 32 random bytes in hex, in {@code STATE_DIR/api-token}, mode 0600. Whoever can read it is root
 * on this node already; the routes are on loopback only, so a token stops other local users,
 * containers sharing the network namespace and forged requests from a browser or an SSRF.
 */
public final class ApiToken {
  public static final String FILE = "api-token";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private ApiToken() {}

  public static Path file(Path stateDir) {
    return stateDir.resolve(FILE);
  }

  /**
   * The daemon's token: the one in {@code file} if it is a token only its owner can read, else a
   * new one written atomically. A file that others can read is replaced, as they may have read it.
   */
  public static String ensure(Path file) throws IOException {
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        && Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
      Optional<String> t = parse(Files.readString(file, StandardCharsets.US_ASCII));
      if (t.isPresent()) return t.get();
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    io.hanfs.persistence.DurableFile.replaceOwnerOnly(file, token + "\n");
    return token;
  }

  /** What a client sends: the token in {@code file} if it can read one there. */
  public static Optional<String> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<String> parse(String text) {
    String t = text.strip();
    return t.matches("[0-9a-f]{64}") ? Optional.of(t) : Optional.empty();
  }

  /** Whether an Authorization header carries {@code token}; compared in constant time. */
  public static boolean accepts(String token, Optional<String> authorization) {
    if (token == null || authorization.isEmpty() || !authorization.get().startsWith("Bearer ")) return false;
    byte[] given = authorization.get().substring("Bearer ".length()).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.US_ASCII));
  }
}
