package io.hanfs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  @Test
  void debugLoggersAreLoggerNamesOnly() {
    assertEquals(List.of(), LogSetup.debugLoggers(null));
    assertEquals(List.of(), LogSetup.debugLoggers(" "));
    assertEquals(List.of("io.hanfs.exec", "org.apache.pekko.cluster"),
        LogSetup.debugLoggers("io.hanfs.exec, bad;name,,org.apache.pekko.cluster,..,9x"));
  }
}
