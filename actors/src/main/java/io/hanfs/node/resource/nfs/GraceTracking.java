package io.hanfs.node.resource.nfs;

/**
 * An NFS layer whose grace period can be watched after a start: {@link
 * io.hanfs.node.resource.GraceWatch} reads it every tick until it ends. Reads only; never
 * changes the server.
 */
public interface GraceTracking {
  /** What the server shows now; cheap (a /proc file, the new part of a log). */
  GraceEnd.Reading readGrace();

  /** When the server's grace began, its settings, and how it ended. */
  GraceRecord graceRecord();
}
