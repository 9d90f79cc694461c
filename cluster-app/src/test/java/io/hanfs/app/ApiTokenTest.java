package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {
  @TempDir
  Path dir;

  @Test
  void theDaemonMakesAnOwnerOnlyTokenOnceAndKeepsIt() throws Exception {
    Path f = ApiToken.file(dir.resolve("state"));
    String t = ApiToken.ensure(f);
    assertTrue(t.matches("[0-9a-f]{64}"), t);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals(t, ApiToken.ensure(f), "a restart keeps the token: the CLI's copy stays valid");
    assertEquals(Optional.of(t), ApiToken.read(f));
    assertFalse(Files.exists(f.resolveSibling(ApiToken.FILE + ".tmp")));
  }

  @Test
  void aTokenOthersCouldReadOrThatIsNoTokenIsReplaced() throws Exception {
    Path f = ApiToken.file(dir);
    String t = ApiToken.ensure(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    String again = ApiToken.ensure(f);
    assertNotEquals(t, again, "a token others may have read is not used again");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    Files.writeString(f, "password\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertTrue(ApiToken.ensure(f).matches("[0-9a-f]{64}"));
    assertEquals(Optional.empty(), ApiToken.read(dir.resolve("absent")));
  }

  @Test
  void onlyTheExactBearerTokenIsAccepted() {
    String t = "0123456789abcdef".repeat(4);
    assertTrue(ApiToken.accepts(t, Optional.of("Bearer " + t)));
    assertFalse(ApiToken.accepts(t, Optional.empty()));
    assertFalse(ApiToken.accepts(t, Optional.of(t)), "no scheme");
    assertFalse(ApiToken.accepts(t, Optional.of("Basic " + t)));
    assertFalse(ApiToken.accepts(t, Optional.of("Bearer " + t.substring(1))));
    assertFalse(ApiToken.accepts(t, Optional.of("Bearer " + t + "0")));
    assertFalse(ApiToken.accepts(t, Optional.of("Bearer ")));
    assertFalse(ApiToken.accepts(null, Optional.of("Bearer " + t)), "no token yet: nothing passes");
  }
}
