package io.hanfs.node.resource.nfs;

import io.hanfs.config.HanfsConfig.Nfs;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * What an NFS layer remembers of its server's last grace: when its last start launched the
 * server (the start of grace; empty when the start adopted a running server) and how grace
 * ended, for the layer's status line. Thread-safe: the layer's operations and the
 * {@code GraceWatch} run on different threads.
 */
public final class GraceRecord {
  private final Nfs nfs;
  private volatile OptionalLong serverStartedNanos = OptionalLong.empty();
  private volatile String ended = "";
  private volatile String atStart = "";

  public GraceRecord(Nfs nfs) {
    this.nfs = nfs;
  }

  /** The server is being launched now: a new grace begins. */
  public void serverStarting() {
    ended = "";
    atStart = "";
    serverStartedNanos = OptionalLong.of(System.nanoTime());
  }

  /** The start found the server running: there is no grace to watch. */
  public void serverAdopted() {
    serverStartedNanos = OptionalLong.empty();
  }

  /** Something the start itself ended (lockd's grace), said after how the NFSv4 grace ended. */
  public void noteAtStart(String note) {
    atStart = note;
  }

  public OptionalLong serverStartedNanos() {
    return serverStartedNanos;
  }

  public Duration grace() {
    return nfs.grace();
  }

  public Duration lease() {
    return nfs.lease();
  }

  public void ended(GraceEnd.Ended how) {
    ended = how.describe();
  }

  /** For the status line: "" until there is something to say, else "; grace ended ...". */
  public String statusSuffix() {
    String e = ended;
    String s = atStart;
    return (e.isEmpty() ? "" : "; " + e) + (s.isEmpty() ? "" : "; " + s);
  }
}
