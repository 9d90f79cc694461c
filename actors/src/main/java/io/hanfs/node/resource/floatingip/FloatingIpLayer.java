package io.hanfs.node.resource.floatingip;

import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.resource.lease.LeaseView;
import java.util.Optional;
import java.util.OptionalInt;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;

/**
 * The floating IP: added last on promote (after a duplicate check), removed first on demote.
 * Under a lease the address carries a kernel lifetime that ends before the lease could be
 * granted elsewhere, renewed after every successful lease round: a daemon that is frozen or
 * killed stops answering for the address by itself.
 */
public class FloatingIpLayer implements Layer {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FloatingIpLayer.class);
  private final FloatingIp vip;
  private final IpDriver ip;
  private final Optional<LeaseView> lease;
  private volatile CommandRunner.Background announcer;
  /**
   * Set by stop: a lease renewal running on another thread must never touch the address again
   * (ip addr change after a delete would raise it anew). All methods hold the layer's lock.
   */
  private boolean released;

  public FloatingIpLayer(FloatingIp vip, IpDriver ip, Optional<LeaseView> lease) {
    this.vip = vip;
    this.ip = ip;
    this.lease = lease;
  }

  /** Called after each renewal of the lease: pushes the address's kernel lifetime forward. */
  public synchronized void renewLifetime() {
    if (lease.isEmpty() || released) return;
    OptionalInt lft = lease.get().vipLifetimeSeconds(System.nanoTime());
    if (lft.isEmpty() || !ip.hasAddress(vip.interfaceName(), vip.address())) return;
    CommandResult r = ip.extend(vip.interfaceName(), vip.cidr(), lft.getAsInt());
    if (!r.ok()) log.warn("cannot renew the lifetime of {}: {}", vip.cidr(), r.describe());
  }

  @Override
  public String name() {
    return "floating-ip";
  }

  @Override
  public synchronized Probe probe() {
    boolean present = ip.hasAddress(vip.interfaceName(), vip.address());
    // A running address found here (adoption) is ours until a stop releases it.
    if (present) released = false;
    return present
        ? Probe.up(vip.cidr() + " on " + vip.interfaceName())
        : Probe.down(vip.cidr() + " not on " + vip.interfaceName());
  }

  @Override
  public synchronized void start() {
    released = false;
    java.util.Optional<IpDriver.Link> link = ip.link(vip.interfaceName());
    if (link.isPresent() && link.get().addresses().contains(vip.address())) return;
    if (link.isEmpty() || !link.get().up()) {
      throw new LayerException("interface " + vip.interfaceName() + " is missing or down");
    }
    if (ip.someoneElseHas(vip.interfaceName(), vip.address())) {
      throw new LayerException("another host already answers for " + vip.address()
          + " on " + vip.interfaceName() + "; refusing to take the address (duplicate IP)");
    }
    if (lease.isPresent()) {
      // Right after a renewal the lease has the most time left; wait for one if needed.
      OptionalInt lft = lease.get().vipLifetimeSeconds(System.nanoTime());
      long waitUntil = System.nanoTime() + 1_000_000_000L;
      while (lft.isEmpty() && lease.get().valid(System.nanoTime()) && System.nanoTime() < waitUntil) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LayerException("interrupted");
        }
        lft = lease.get().vipLifetimeSeconds(System.nanoTime());
      }
      if (lft.isEmpty()) throw new LayerException("the lease is not valid long enough to raise " + vip.cidr());
      ip.add(vip.interfaceName(), vip.cidr(), lft.getAsInt());
    } else {
      ip.add(vip.interfaceName(), vip.cidr());
    }
    if (vip.gratuitousArp() > 0) announcer = ip.announce(vip.interfaceName(), vip.address(), vip.gratuitousArp());
  }

  @Override
  public synchronized void stop() {
    released = true;
    CommandRunner.Background a = announcer;
    if (a != null) a.cancel();
    if (!ip.deleteIfPresent(vip.interfaceName(), vip.cidr(), vip.address())) {
      throw new LayerException("cannot remove " + vip.cidr() + " from " + vip.interfaceName() + ": it is still there after ip addr del");
    }
  }

  @Override
  public synchronized Probe monitor() {
    return ip.hasAddress(vip.interfaceName(), vip.address())
        ? Probe.up(vip.cidr() + " on " + vip.interfaceName())
        : Probe.failed(vip.cidr() + " disappeared from " + vip.interfaceName());
  }
}
