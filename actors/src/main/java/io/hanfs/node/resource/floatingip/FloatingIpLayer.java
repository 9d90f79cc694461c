package io.hanfs.node.resource.floatingip;

import io.hanfs.config.HanfsConfig.FloatingIp;
import io.hanfs.exec.CommandResult;
import io.hanfs.exec.CommandRunner;
import io.hanfs.node.resource.lease.LeaseView;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;

/**
 * The floating IP: added last on promote (after a duplicate check), removed first on demote.
 * Under a lease the address carries a kernel lifetime that ends before the lease could be
 * granted elsewhere, renewed after every successful lease round: a daemon that is frozen or
 * killed stops answering for the address by itself. The lifetime follows the lease, not the
 * monitor: when renewals stop for a moment (a flapping link) the kernel lets the address lapse,
 * and the first renewal that comes back while the lease is still held raises it again.
 */
public class FloatingIpLayer implements Layer {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FloatingIpLayer.class);
  /**
   * The kernel may drop an address up to 20 ms (HZ/50) before its lifetime ends, and counts it
   * from a moment a little after the one recorded here: an absence this close to the deadline is
   * the lifetime running out, not somebody removing the address.
   */
  static final long LAPSE_FUZZ_NANOS = 100_000_000L;
  /** No lifetime was set by this layer (no lease, or an adopted address): an absence is a removal. */
  static final long NO_DEADLINE = Long.MAX_VALUE;

  private final FloatingIp vip;
  private final IpDriver ip;
  private final Optional<LeaseView> lease;
  private volatile CommandRunner.Background announcer;
  /**
   * True until a start or an adoption makes the address ours, and again once a stop begins: a
   * lease renewal running on another thread must never touch the address then (ip addr change
   * after a delete would raise it anew; a re-add during a promotion would come before NFS is
   * up). All methods hold the layer's lock to change it; a stop sets it before it takes the lock,
   * so that the lifetime pushes queued behind the running one give way at once (Java's monitor
   * is not fair: in the VM lab's starved guests a stop waited 84 s behind back-to-back pushes of
   * 3 s each, and timed out).
   */
  private volatile boolean released = true;
  /** When the kernel lifetime this layer last set ends (System.nanoTime), or {@link #NO_DEADLINE}. */
  private long lifetimeEndsNanos = NO_DEADLINE;

  private final LongSupplier clock;
  /** Records and wakes the NFS clients (empty when the config turns it off). */
  private Optional<ClientReconnect> clients = Optional.empty();

  public FloatingIpLayer(FloatingIp vip, IpDriver ip, Optional<LeaseView> lease) {
    this(vip, ip, lease, System::nanoTime);
  }

  public FloatingIpLayer withClientReconnect(ClientReconnect reconnect) {
    this.clients = Optional.of(reconnect);
    return this;
  }

  /** {@code clock} stands for System.nanoTime (tests move it instead of waiting out lifetimes). */
  FloatingIpLayer(FloatingIp vip, IpDriver ip, Optional<LeaseView> lease, LongSupplier clock) {
    this.vip = vip;
    this.ip = ip;
    this.lease = lease;
    this.clock = clock;
  }

  /** What an address that is missing means, given the deadline of the lifetime last set. */
  enum Absence { LAPSED, REMOVED }

  static Absence absence(long now, long lifetimeEndsNanos) {
    if (lifetimeEndsNanos == NO_DEADLINE) return Absence.REMOVED;
    return now >= lifetimeEndsNanos - LAPSE_FUZZ_NANOS ? Absence.LAPSED : Absence.REMOVED;
  }

  /**
   * Called after each renewal of the lease: pushes the address's kernel lifetime forward, or
   * raises the address again if its lifetime ran out while renewals were not getting through.
   */
  public synchronized void renewLifetime() {
    if (lease.isEmpty() || released) return;
    try {
      long now = clock.getAsLong();
      OptionalInt lft = lease.get().vipLifetimeSeconds(now);
      if (lft.isEmpty()) return;
      if (!ip.hasAddress(vip.interfaceName(), vip.address())) {
        if (absence(now, lifetimeEndsNanos) == Absence.LAPSED) reAdd(now, lft.getAsInt());
        return; // removed by someone else: the monitor reports it as a failure
      }
      CommandResult r = ip.extend(vip.interfaceName(), vip.cidr(), lft.getAsInt());
      if (r.ok()) lifetimeEndsNanos = now + lft.getAsInt() * 1_000_000_000L;
      else log.warn("cannot renew the lifetime of {}: {}", vip.cidr(), r.describe());
    } catch (RuntimeException e) {
      log.warn("cannot renew the lifetime of {}: {}", vip.cidr(), e.getMessage());
    }
  }

  /**
   * Raises a lapsed address under the held lease and announces it as a start does. No duplicate
   * check: while this node holds the lease no other node can be granted it, and any earlier
   * holder's address died with its lifetime before the lease could pass on; a foreign host was
   * checked for at start. Another check would only add its 150 ms to every lapse.
   */
  private void reAdd(long now, int lifetimeSeconds) {
    ip.add(vip.interfaceName(), vip.cidr(), lifetimeSeconds);
    lifetimeEndsNanos = now + lifetimeSeconds * 1_000_000_000L;
    log.info("{} lapsed under the held lease (renewals did not get through in time); raised again", vip.cidr());
    announce();
  }

  private void announce() {
    CommandRunner.Background previous = announcer;
    if (previous != null) previous.cancel();
    if (vip.gratuitousArp() > 0) announcer = ip.announce(vip.interfaceName(), vip.address(), vip.prefixLength(), vip.gratuitousArp());
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
    java.util.Optional<IpDriver.Link> link = ip.link(vip.interfaceName());
    if (link.isPresent() && link.get().addresses().contains(vip.address())) {
      released = false;
      return;
    }
    if (link.isEmpty() || !link.get().up()) {
      throw new LayerException("interface " + vip.interfaceName() + " is missing or down");
    }
    if (ip.someoneElseHas(vip.interfaceName(), vip.address())) {
      throw new LayerException("another host already answers for " + vip.address()
          + " on " + vip.interfaceName() + "; refusing to take the address (duplicate IP)");
    }
    if (lease.isPresent()) {
      // Right after a renewal the lease has the most time left; wait for one if needed.
      OptionalInt lft = lease.get().vipLifetimeSeconds(clock.getAsLong());
      long waitUntil = clock.getAsLong() + 1_000_000_000L;
      while (lft.isEmpty() && lease.get().valid(clock.getAsLong()) && clock.getAsLong() < waitUntil) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LayerException("interrupted");
        }
        lft = lease.get().vipLifetimeSeconds(clock.getAsLong());
      }
      if (lft.isEmpty()) throw new LayerException("the lease is not valid long enough to raise " + vip.cidr());
      long now = clock.getAsLong();
      ip.add(vip.interfaceName(), vip.cidr(), lft.getAsInt());
      lifetimeEndsNanos = now + lft.getAsInt() * 1_000_000_000L;
    } else {
      ip.add(vip.interfaceName(), vip.cidr());
      lifetimeEndsNanos = NO_DEADLINE;
    }
    released = false;
    announce();
    clients.ifPresent(c -> c.tickleRecordedClients(vip.address()));
  }

  @Override
  public void stop() {
    released = true;
    synchronized (this) {
      lifetimeEndsNanos = NO_DEADLINE;
      CommandRunner.Background a = announcer;
      if (a != null) a.cancel();
      if (!ip.deleteIfPresent(vip.interfaceName(), vip.cidr(), vip.address())) {
        throw new LayerException("cannot remove " + vip.cidr() + " from " + vip.interfaceName() + ": it is still there after ip addr del");
      }
      clients.ifPresent(c -> c.resetConnections(vip.address()));
    }
  }

  /**
   * A missing address is a failure only if somebody removed it: one whose kernel lifetime ran out
   * under a held lease is raised again here when the lease allows a lifetime, else at the next
   * renewal, and reported healthy meanwhile (the lease's own expiry is what stops the service).
   */
  @Override
  public synchronized Probe monitor() {
    if (ip.hasAddress(vip.interfaceName(), vip.address())) {
      int n = clients.map(c -> c.recordConnections(vip.address()).size()).orElse(-1);
      return Probe.up(vip.cidr() + " on " + vip.interfaceName() + (n > 0 ? ", " + n + " client connection" + (n == 1 ? "" : "s") : ""));
    }
    long now = clock.getAsLong();
    if (absence(now, lifetimeEndsNanos) == Absence.REMOVED || released) {
      return Probe.failed(vip.cidr() + " disappeared from " + vip.interfaceName());
    }
    OptionalInt lft = lease.isPresent() ? lease.get().vipLifetimeSeconds(now) : OptionalInt.empty();
    if (lft.isPresent()) {
      reAdd(now, lft.getAsInt());
      return Probe.up(vip.cidr() + " on " + vip.interfaceName());
    }
    return Probe.up(vip.cidr() + " lapsed on " + vip.interfaceName() + ", waiting for the next lease renewal");
  }
}
