package io.hanfs.node.resource.floatingip;

import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;

/** The floating IP: added last on promote (after a duplicate check), removed first on demote. */
public class FloatingIpLayer implements Layer {
  private final FloatingIp vip;
  private final IpDriver ip;
  private volatile CommandRunner.Background announcer;

  public FloatingIpLayer(FloatingIp vip, IpDriver ip) {
    this.vip = vip;
    this.ip = ip;
  }

  @Override
  public String name() {
    return "floating-ip";
  }

  @Override
  public Probe probe() {
    return ip.hasAddress(vip.interfaceName(), vip.address())
        ? Probe.up(vip.cidr() + " on " + vip.interfaceName())
        : Probe.down(vip.cidr() + " not on " + vip.interfaceName());
  }

  @Override
  public void start() {
    if (ip.hasAddress(vip.interfaceName(), vip.address())) return;
    if (!ip.interfaceUp(vip.interfaceName())) {
      throw new LayerException("interface " + vip.interfaceName() + " is missing or down");
    }
    if (ip.someoneElseHas(vip.interfaceName(), vip.address())) {
      throw new LayerException("another host already answers for " + vip.address()
          + " on " + vip.interfaceName() + "; refusing to take the address (duplicate IP)");
    }
    ip.add(vip.interfaceName(), vip.cidr());
    if (vip.gratuitousArp() > 0) announcer = ip.announce(vip.interfaceName(), vip.address(), vip.gratuitousArp());
  }

  @Override
  public void stop() {
    CommandRunner.Background a = announcer;
    if (a != null) a.cancel();
    if (!ip.hasAddress(vip.interfaceName(), vip.address())) return;
    ip.delete(vip.interfaceName(), vip.cidr());
  }

  @Override
  public Probe monitor() {
    return ip.hasAddress(vip.interfaceName(), vip.address())
        ? Probe.up(vip.cidr() + " on " + vip.interfaceName())
        : Probe.failed(vip.cidr() + " disappeared from " + vip.interfaceName());
  }
}
