package io.hanfs.sbr;

import io.hanfs.sbr.data.Generation;

/**
 * Facts the leader acts on once and then remembers for as long as it leads (noted in the ledgers,
 * resolved, seen): typed keys, one record per kind of fact, instead of slash-joined strings.
 */
public sealed interface Remembered {
  /** Two copies of a resource whose ledgers diverged at these generations, {@code a} before {@code b} in config order. */
  record SplitBrain(String resource, String a, String b, Generation atA, Generation atB) {}

  /** The split brain was written to both ledgers. */
  record SplitBrainNoted(SplitBrain split) implements Remembered {}

  /** This leader resolved the split brain: not again while the copies' reports catch up. */
  record SplitBrainResolved(SplitBrain split) implements Remembered {}

  /** A replication layer reported a split brain on {@code node}'s copy at this generation, and it was noted. */
  record LayerSplitBrainNoted(String resource, String node, Generation at) implements Remembered {}

  /** This leader's own voter held {@code node}'s grant for {@code epoch} (its lapse then means the node is gone). */
  record GrantSeen(String resource, String node, long epoch) implements Remembered {}

  /** A primary's replication link seen up under {@code epoch} (PeerConnected is written once per connection). */
  record LinkSeen(String resource, String primary, long epoch) implements Remembered {}

  /** A secondary told it is in sync with the primary at {@code at}. */
  record SyncRecorded(String resource, String node, Generation at) implements Remembered {}

  /** A fenced copy's primary, already past the fence mark, reported that copy out of sync. */
  record OutOfSyncAfterMark(String resource, String primary, long epoch, String copy, Generation mark) implements Remembered {}
}
