package io.hanfs.node.resource.replication;

import io.hanfs.exec.CommandResult;
import io.hanfs.node.resource.Layer;
import io.hanfs.node.resource.LayerException;
import java.util.Optional;

/**
 * HAST role switching (what seed 002's carp-hast-switch does on a CARP change). Demotion is
 * {@code role secondary} before anything else touches the device (the seed's split brains came
 * from unmounting while still primary after the peer took over; here the filesystem layer is
 * already down when this layer stops). HAST keeps no "outdated" flag: whether a copy is current
 * is decided from the ledger before this layer is asked to promote.
 */
public class HastLayer implements Layer {
  private final String resource;
  private final HastDriver hast;

  public HastLayer(String resource, HastDriver hast) {
    this.resource = resource;
    this.hast = hast;
  }

  @Override
  public String name() {
    return "replication";
  }

  /** "hast RES STATUS ROLE dirty:BYTES", for people; the leader reads {@link HastState#facts()}. */
  static String describe(HastState s) {
    return "hast " + s.resource() + " " + s.status() + " " + s.role() + " dirty:" + s.dirtyBytes();
  }

  /** An answer that reads {@code s}: active while primary, healthy. */
  static Probe probeOf(HastState s) {
    return new Probe(s.primary(), true, describe(s), Optional.of(s.facts()));
  }

  @Override
  public Probe probe() {
    Optional<HastState> s = hast.state(resource);
    if (s.isEmpty()) return Probe.down("hast " + resource + " unknown to hastd (is hastd running?)");
    return probeOf(s.get());
  }

  @Override
  public void start() {
    Optional<HastState> s = hast.state(resource);
    if (s.isEmpty()) throw new LayerException("hast " + resource + " is unknown to hastd: start hastd with the resource in /etc/hast.conf");
    if (s.get().primary()) return;
    CommandResult r = hast.role("primary", resource);
    if (!r.ok()) throw new LayerException("hastctl role primary " + resource + " failed: " + r.describe());
    Optional<HastState> after = hast.state(resource);
    if (after.isEmpty() || !after.get().primary()) {
      throw new LayerException("hast " + resource + " is not primary after hastctl role primary: " + after.map(HastLayer::describe).orElse("unknown"));
    }
  }

  @Override
  public void stop() {
    Optional<HastState> s = hast.state(resource);
    if (s.isEmpty() || !s.get().primary()) return;
    CommandResult r = hast.role("secondary", resource);
    if (!r.ok()) throw new LayerException("hastctl role secondary " + resource + " failed: " + r.describe());
  }

  @Override
  public Probe monitor() {
    Optional<HastState> s = hast.state(resource);
    if (s.isEmpty()) return Probe.failed("hast " + resource + " is gone (hastd stopped?)");
    if (!s.get().primary()) return Probe.failed("hast " + resource + " is no longer primary: " + describe(s.get()));
    return probeOf(s.get());
  }
}
