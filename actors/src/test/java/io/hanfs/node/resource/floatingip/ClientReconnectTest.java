package io.hanfs.node.resource.floatingip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientReconnectTest {
  @Test
  void theResetOfClientConnectionsBracketsAnIpv6Address() {
    assertEquals(List.of("ss", "-K", "-t", "-n", "src", "10.1.1.100", "sport", "=", ":2049"), ClientReconnect.resetCommand("10.1.1.100", 2049));
    assertEquals(List.of("ss", "-K", "-t", "-n", "src", "[fd42:213:13::100]", "sport", "=", ":2049"), ClientReconnect.resetCommand("fd42:213:13::100", 2049));
  }
}
