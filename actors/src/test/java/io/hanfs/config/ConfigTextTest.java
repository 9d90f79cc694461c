package io.hanfs.config;

import static io.hanfs.config.ConfigLoaderTest.VALID;
import static io.hanfs.config.ConfigLoaderTest.errorsOf;
import static io.hanfs.config.ConfigLoaderTest.onlyError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HOCON parser would take silently and hanfs refuses: include, a key given twice, absurd sizes. */
class ConfigTextTest {
  @TempDir
  Path dir;

  /** VALID with {@code text} in place of its first line inside hanfs, "node = nfs01". */
  static String afterNode(String text) {
    return VALID.replaceFirst("\n  node = nfs01\n", "\n  " + java.util.regex.Matcher.quoteReplacement(text) + "\n");
  }

  @Test
  void everyFormOfIncludeIsRefusedWithItsLineAndNothingIsRead() throws Exception {
    Path secret = dir.resolve("secret.conf");
    Files.writeString(secret, "password = hunter2\n");
    for (String include : List.of("include \"" + secret + "\"", "include file(\"" + secret + "\")",
        "include required(file(\"" + secret + "\"))", "include url(\"http://127.0.0.1:9/x.conf\")", "include classpath(\"reference.conf\")",
        "include \"/nonexistent/missing.conf\"")) {
      ConfigError e = onlyError(include + "\n" + VALID);
      assertEquals(1, e.line(), e.toString());
      assertTrue(e.problem().contains("without include"), e.toString());
      assertTrue(!e.toString().contains("hunter2"), "nothing of the included file is shown: " + e);
      // Inside a block as well.
      ConfigError nested = onlyError(afterNode("node = nfs01\n  " + include));
      assertEquals("hanfs", nested.path(), nested.toString());
      assertEquals(3, nested.line(), nested.toString());
    }
  }

  @Test
  void aKeyGivenTwiceIsRefusedWithBothLines() {
    ConfigError e = onlyError(afterNode("node = nfs01\n  node = nfs02"));
    assertEquals("hanfs.node", e.path());
    assertEquals(3, e.line());
    assertTrue(e.problem().contains("first at line 2"), e.toString());
    // A dotted key and a block name the same setting.
    ConfigError dotted = onlyError(VALID + "\nhanfs.node = nfs02\n");
    assertEquals("hanfs.node", dotted.path(), dotted.toString());
    // The same key twice in one inline object.
    ConfigError inline = onlyError(VALID.replace("gratuitous-arp = 3", "gratuitous-arp = 3, gratuitous-arp = 2"));
    assertEquals("hanfs.resources[0].floating-ip.gratuitous-arp", inline.path(), inline.toString());
  }

  @Test
  void aBlockGivenTwiceIsRefused() {
    ConfigError e = onlyError(VALID + "\nhanfs {\n  cluster-name = other\n}\n");
    assertEquals("hanfs", e.path(), e.toString());
    // The block and what is in it both: each error names what would be lost.
    List<ConfigError> pekko = errorsOf(VALID + "\npekko { loglevel = INFO }\npekko { loglevel = DEBUG }\n");
    assertEquals(List.of("pekko", "pekko.loglevel"), pekko.stream().map(ConfigError::path).toList(), pekko.toString());
  }

  @Test
  void theEnvironmentOverrideIdiomAndEqualKeysInListElementsAreAllowed() throws Exception {
    // Each resource and each node is an object of its own: the same keys in each are no duplicates.
    ConfigLoader.parse(afterNode("node = nfs02\n  node = ${?HANFS_TEST_UNSET_NODE}"));
    ConfigLoader.parse(afterNode("node = nfs01 # include \"x\" and node = twice in a comment\n  // node = nfs02"));
    // A key named "include" in quotes is a key; a triple-quoted value may hold anything.
    List<ConfigError> errors = new java.util.ArrayList<>();
    new KeyScanner("a { \"include\" = 1 }\nb = \"\"\"x = 1\nx = 2 }\"\"\"\nc.d = 1\nc { e = 2 }\n", "t", errors).scan();
    assertEquals(List.of(), errors);
  }

  @Test
  void absurdSizesAreRefused() {
    ConfigError e = onlyError(VALID.replace("options = \"rw,sync,no_root_squash\"", "options = \"" + "rw,".repeat(60_000) + "sync\""));
    assertTrue(e.problem().contains("characters long"), e.toString());
    assertTrue(e.path().endsWith("exports[0].options"), e.toString());
    List<ConfigError> huge = errorsOf(VALID + "#" + "x".repeat(ConfigText.MAX_BYTES));
    assertTrue(huge.get(0).problem().contains("more than a config holds"), huge.toString());
  }

  @Test
  void theExampleConfigsPass() throws Exception {
    Path examples = Path.of(System.getProperty("hanfs.root", "..")).resolve("deploy/examples");
    if (!Files.isDirectory(examples)) examples = Path.of("../deploy/examples");
    try (var files = Files.list(examples)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".conf")).toList()) {
        String text = Files.readString(f);
        List<ConfigError> errors = new java.util.ArrayList<>();
        new KeyScanner(text, f.toString(), errors).scan();
        assertEquals(List.of(), errors, f.toString());
      }
    }
  }
}
