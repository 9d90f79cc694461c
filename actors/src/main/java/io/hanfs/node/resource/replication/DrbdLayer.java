package io.hanfs.node.resource.replication;

import io.hanfs.exec.CommandResult;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DRBD role switching. Promote only an UpToDate disk (a Consistent, Outdated or Inconsistent
 * one could be older than the peer's); retry primary/secondary a few times as drbddisk did,
 * because DRBD refuses briefly while a peer is still demoting or the device is held open.
 */
public class DrbdLayer implements Layer {
  private static final int PRIMARY_ATTEMPTS = 6;
  private static final int SECONDARY_ATTEMPTS = 3;
  /** How long (in retry pauses) a peer may stay Primary after this node took the lease: a demoting peer's role reaches us in far less. */
  private static final int STALE_PEER_POLLS = 20;
  private static final Logger LOG = LoggerFactory.getLogger(DrbdLayer.class);

  private final String resource;
  private final DrbdDriver drbd;
  private final Duration retryPause;

  public DrbdLayer(String resource, DrbdDriver drbd, Duration retryPause) {
    this.resource = resource;
    this.drbd = drbd;
    this.retryPause = retryPause;
  }

  @Override
  public String name() {
    return "replication";
  }

  @Override
  public Probe probe() {
    Optional<DrbdState> s = drbd.state(resource);
    if (s.isEmpty()) return Probe.down("drbd " + resource + " not configured");
    return read(s.get());
  }

  static String describe(DrbdState s) {
    return "drbd " + s.resource() + " " + s.connection() + " " + s.role() + "/" + s.peerRole() + " " + s.disk() + "/" + s.peerDisk();
  }

  /**
   * A healthy answer for {@code s} (active while Primary), with DRBD's out-of-sync count while
   * disconnected (what a split brain's policy weighs) and whether DRBD dropped the connection
   * over a split brain: both in the facts, and in the detail as "oos:KIB" and "split-brain".
   */
  private Probe read(DrbdState s) {
    OptionalLong oos = s.connected() ? OptionalLong.empty() : drbd.outOfSyncKiB(resource);
    boolean splitBrain = s.standAlone() && drbd.splitBrainLogged(resource);
    return probeOf(s, oos, splitBrain);
  }

  /** The detail and the facts built from the same reading. */
  public static Probe probeOf(DrbdState s, OptionalLong oos, boolean splitBrain) {
    String detail = describe(s) + (oos.isPresent() ? " oos:" + oos.getAsLong() : "") + (splitBrain ? " split-brain" : "");
    return new Probe(s.primary(), true, detail, Optional.of(s.facts(oos, splitBrain)));
  }

  @Override
  public void start() {
    Optional<DrbdState> s = drbd.state(resource);
    if (s.isEmpty()) {
      drbd.up(resource).orThrow();
      s = drbd.state(resource);
      if (s.isEmpty()) throw new LayerException("drbd " + resource + " did not come up");
    }
    if (s.get().primary()) return;
    if (!s.get().upToDate()) {
      throw new LayerException("refusing to promote drbd " + resource + ": local disk is " + s.get().disk()
          + ", not UpToDate (its data may be older than the peer's)");
    }
    CommandResult last = null;
    for (int i = 0; i < PRIMARY_ATTEMPTS; i++) {
      last = drbd.primary(resource);
      if (last.ok()) return;
      pause();
    }
    // Still refused: a peer that stays Primary long after it was told to demote is a stale
    // primary (its daemon died; its DRBD and kernel nfsd keep running). start() runs only under
    // this node's lease, i.e. after every grant of the peer's epoch expired, and the peer's
    // floating IP with it (its kernel lifetime is bound to the lease): the peer serves nobody.
    // Cutting the link lets DRBD call fence-peer, which outdates the stale copy at the voters;
    // the reconnect then shows DRBD whether the stale side wrote since (a split brain the leader
    // resolves: the fenced copy is the victim, its changes go to the rescue directory first).
    for (int i = 0; i < STALE_PEER_POLLS && stalePrimaryPeer(); i++) pause();
    if (!stalePrimaryPeer()) {
      last = drbd.primary(resource);
      if (last.ok()) return;
      // Held open here (a process still has the device) or the peer came back as Primary: the
      // data is held, this node did not fail.
      String out = last.stdout() + " " + last.stderr();
      if (out.contains("held open") || out.contains("Multiple primaries") || out.contains("peer") && out.contains("Primary")) {
        throw new io.hanfs.node.resource.DataHeldException("drbdadm primary " + resource + " refused while the data is held elsewhere: " + last.describe());
      }
      throw new LayerException("drbdadm primary " + resource + " failed: " + last.describe());
    }
    LOG.warn("drbd {}: the peer is still Primary {} ms after this node took the lease: cutting the replication link to a stale primary",
        resource, STALE_PEER_POLLS * retryPause.toMillis());
    drbd.disconnect(resource).orThrow();
    last = drbd.primary(resource);
    // Reconnect whatever the outcome: DRBD compares the two histories at the handshake.
    CommandResult reconnect = drbd.connect(resource);
    if (!reconnect.ok()) LOG.warn("drbd {}: reconnecting after the cut failed: {}", resource, reconnect.describe());
    if (!last.ok()) throw new LayerException("drbdadm primary " + resource + " after cutting the link to a stale primary peer failed: " + last.describe());
  }

  private boolean stalePrimaryPeer() {
    Optional<DrbdState> s = drbd.state(resource);
    return s.isPresent() && s.get().connected() && s.get().peerRole().equals("Primary") && !s.get().primary();
  }

  @Override
  public void stop() {
    Optional<DrbdState> s = drbd.state(resource);
    if (s.isEmpty() || !s.get().primary()) return;
    CommandResult last = null;
    for (int i = 0; i < SECONDARY_ATTEMPTS; i++) {
      last = drbd.secondary(resource);
      if (last.ok()) return;
      pause();
    }
    throw new LayerException("drbdadm secondary " + resource + " failed: " + last.describe());
  }

  @Override
  public Probe monitor() {
    Optional<DrbdState> s = drbd.state(resource);
    if (s.isEmpty()) return Probe.failed("drbd " + resource + " is down");
    if (!s.get().primary()) return Probe.failed("drbd " + resource + " is no longer Primary: " + describe(s.get()));
    if (s.get().disk().equals("Diskless") || s.get().disk().equals("Failed")) {
      return Probe.failed("drbd " + resource + " lost its local disk: " + describe(s.get()));
    }
    return read(s.get());
  }

  private void pause() {
    try {
      Thread.sleep(retryPause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LayerException("interrupted");
    }
  }
}
