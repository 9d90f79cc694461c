package io.hanfs.config;

import static io.hanfs.config.ConfigLoaderTest.VALID;
import static io.hanfs.config.ConfigLoaderTest.onlyError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PekkoBlockTest {
  @Test
  void settingsThatHoldTheClustersSafetyAreRefusedWithTheReason() {
    for (String s : List.of("pekko.actor.allow-java-serialization = on", "pekko.cluster.downing-provider-class = \"\"",
        "pekko.remote.artery.transport = tcp", "pekko.remote.artery.canonical.hostname = \"0.0.0.0\"",
        "pekko.actor.serialization-bindings { \"java.lang.Object\" = java }", "pekko.cluster.seed-nodes = []",
        "pekko.persistence.journal.plugin = x", "pekko { cluster { split-brain-resolver { active-strategy = keep-oldest } } }")) {
      ConfigError e = onlyError(s + "\n" + VALID);
      assertTrue(e.problem().startsWith("is hanfs's to set"), s + ": " + e);
      assertEquals(1, e.line(), e.toString());
    }
  }

  @Test
  void aTypoInAPekkoSettingIsAnErrorWithTheNearestName() {
    ConfigError e = onlyError("pekko.actor.debug.recieve = on\n" + VALID);
    assertEquals("pekko.actor.debug.recieve", e.path());
    assertTrue(e.problem().contains("did you mean pekko.actor.debug.receive?"), e.toString());
    ConfigError block = onlyError("pekko { loglevl = DEBUG }\n" + VALID);
    assertTrue(block.problem().contains("did you mean pekko.loglevel?"), block.toString());
  }

  @Test
  void realSettingsPass() throws Exception {
    ConfigLoader.parse("pekko { loglevel = INFO, actor.debug.receive = off, log-dead-letters = 0 }\n" + VALID);
  }

  @Test
  void withTheModulesOnTheClasspathTheirSettingsAreCheckedToo() {
    // As in `hanfs validate`, whose classpath holds every module: here a reference with the cluster's part.
    Config reference = ConfigFactory.parseString("pekko { version = \"1\", cluster { failure-detector { acceptable-heartbeat-pause = 3s } } }");
    List<ConfigError> errors = new ArrayList<>();
    PekkoBlock.check(ConfigFactory.parseString("pekko.cluster.failure-detector.acceptable-heartbeat-paus = 15s\n"
        + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 15s"), reference, errors);
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).problem().contains("did you mean pekko.cluster.failure-detector.acceptable-heartbeat-pause?"), errors.toString());
    // Without a module's jar its settings cannot be told from typos: let through (the hooks' small classpath).
    errors.clear();
    PekkoBlock.check(ConfigFactory.parseString("pekko.management.x = 1\npekko.http.y = 2"), reference, errors);
    assertEquals(List.of(), errors);
  }
}
