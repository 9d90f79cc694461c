package io.hanfs.node.resource.floatingip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hanfs.Captured;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpDriverTest {
  @Test
  void addressesFromIpJson() {
    assertEquals(List.of("10.213.7.11", "10.213.7.100", "fe80::b8e9:60ff:fe11:6b01"),
        IpDriver.addressesOf(Captured.read("ip-j-addr-show-eth1-with-vip.json")));
  }

  @Test
  void linkFlagsAndAddressesFromOneCall() {
    assertEquals(java.util.Optional.of(new IpDriver.Link(true, List.of("10.213.7.11", "10.213.7.100", "fe80::b8e9:60ff:fe11:6b01"))),
        IpDriver.linkOf(Captured.read("ip-j-addr-show-eth1-with-vip.json")));
    // A link that is down: the same capture with its UP flag cleared.
    String down = Captured.read("ip-j-addr-show-eth1-with-vip.json").replace("\"MULTICAST\",\"UP\",", "\"MULTICAST\",");
    assertEquals(false, IpDriver.linkOf(down).orElseThrow().up());
    assertEquals(java.util.Optional.empty(), IpDriver.linkOf("[]"));
  }

  @Test
  void linkWithoutAddresses() {
    assertEquals(List.of(), IpDriver.addressesOf(Captured.read("ip-j-link-show-eth1.json")));
  }
}
