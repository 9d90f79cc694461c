package io.hanfs.node.resource;

import io.hanfs.sbr.data.ReplicationFacts;
import java.util.Optional;

/**
 * One layer of an HA resource's stack on this node (replication, filesystem, NFS server, floating
 * IP), wrapping its driver. Every method runs real commands and blocks; the {@link LayerActor}
 * calls them on the blocking dispatcher with a timeout. {@link #start()} and {@link #stop()} are
 * idempotent: they probe first and do nothing when the layer is already in the wanted state.
 */
public interface Layer {
  /** Short name used in status, logs and actor names: replication, filesystem, nfs, floating-ip. */
  String name();

  /** The real state right now; never changes anything. */
  Probe probe();

  /** Brings the layer up. Throws {@link LayerException} when it could not. */
  void start();

  /** Takes the layer down. Throws {@link LayerException} when it could not. */
  void stop();

  /** Checks an active layer's health; only reports, never starts or stops anything. */
  Probe monitor();

  /**
   * A probe's or monitor's answer. {@code detail} is for people; {@code replication} is what a
   * replicated layer (DRBD, HAST) read of its link and copy, for the leader (none elsewhere).
   */
  record Probe(boolean active, boolean healthy, String detail, Optional<ReplicationFacts> replication) {
    public Probe(boolean active, boolean healthy, String detail) {
      this(active, healthy, detail, Optional.empty());
    }

    public static Probe up(String detail) {
      return new Probe(true, true, detail);
    }

    public static Probe down(String detail) {
      return new Probe(false, true, detail);
    }

    public static Probe failed(String detail) {
      return new Probe(false, false, detail);
    }
  }
}
