package io.hanfs.node.resource.nfs;

import java.time.Duration;

/**
 * An NFS layer whose grace period can be watched after a start: {@link GraceWatch} reads it
 * every tick until it ends. Reads only; never changes the server.
 */
public interface GraceTracking {
  /** What the server shows now; cheap (a /proc file, the new part of a log). */
  GraceEnd.Reading readGrace();

  /**
   * When this layer's last start launched the server (System.nanoTime), the start of its grace;
   * empty when that start found the server running (adopted) and there is no grace to watch.
   */
  java.util.OptionalLong serverStartedNanos();

  Duration grace();

  Duration lease();

  /** Remembers how the last grace ended, so the layer's status line can say it. */
  void graceEnded(GraceEnd.Ended ended);
}
