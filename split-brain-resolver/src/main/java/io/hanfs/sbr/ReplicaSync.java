package io.hanfs.sbr;

import io.hanfs.sbr.LeaderEffect.Remember;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.data.LedgerSummary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The leader's bookkeeping of replicated copies, pure: a primary's replication link coming up
 * (PeerConnected in its ledger, once per connection) and a secondary in sync with its primary
 * (SyncCompleted in the secondary's ledger, so that it may take over). Each fact once per leader.
 */
public final class ReplicaSync {
  private ReplicaSync() {}

  /**
   * One data node's copy as the bookkeeping reads it.
   *
   * @param reachable a reachable member that reported recently (whatever its lease)
   * @param linkConnected the replication layer's monitor reports the peer connected (DRBD Connected, HAST complete)
   * @param peerInSync ... and the peer's disk UpToDate (HAST: nothing dirty)
   * @param fenceMark the newest fence mark held for this copy, if any
   */
  public record Copy(String node, boolean reachable, Role role, long epoch, Optional<LedgerSummary> ledger, boolean linkConnected, boolean peerInSync,
      Optional<Generation> fenceMark) {}

  /**
   * DRBD protocol C (HAST fullsync likewise): while the primary reports its peer Connected and
   * UpToDate (HAST: complete, nothing dirty), the secondary holds every acknowledged write, i.e.
   * the primary's generation. The leader records that in the secondary's ledger so that it may
   * take over. Never past an outstanding fence mark: once a copy was outdated, only DRBD's word
   * that it resynced since (its unfence-peer, or the primary reporting the peer out of sync and
   * then in sync after the mark) makes it current again.
   *
   * @param copies every data node's copy, in config order
   */
  public static List<LeaderEffect> writes(String resource, List<Copy> copies, Set<Remembered> remembered) {
    List<LeaderEffect> out = new ArrayList<>();
    Memory memory = new Memory(remembered, out);
    for (Copy p : copies) {
      if (p.role() != Role.PRIMARY || !p.reachable() || p.ledger().isEmpty()) continue;
      Remembered link = new Remembered.LinkSeen(resource, p.node(), p.epoch());
      if (p.linkConnected() && memory.first(link)) {
        peerOf(p.node(), copies).ifPresent(peer -> out.add(new LeaderEffect.RecordPeerConnected(p.node(), peer)));
      } else if (!p.linkConnected() && memory.knows(link)) {
        out.add(new LeaderEffect.Forget(link));
      }
      LedgerSummary primary = p.ledger().get();
      for (Copy s : copies) {
        if (s.node().equals(p.node())) continue;
        Optional<Generation> mark = s.fenceMark();
        // Seen whether or not the fenced node's daemon is up: a rebooted node resyncs first.
        boolean resynced = mark.isPresent() && resyncedSinceMark(resource, p, s.node(), mark.get(), memory);
        if (!s.reachable()) continue;
        Optional<LedgerSummary> copy = s.role() == Role.SECONDARY ? s.ledger() : Optional.empty();
        if (copy.isEmpty() || copy.get().current().equals(primary.current()) || copy.get().splitBrain()) continue;
        boolean pastMark = mark.isPresent() && !copy.get().contains(mark.get());
        if (pastMark && !resynced) continue;
        if (!p.peerInSync()) continue;
        if (!memory.first(new Remembered.SyncRecorded(resource, s.node(), primary.current()))) continue;
        String why = s.node() + " is in sync with primary " + p.node() + " at generation " + primary.current()
            + (pastMark ? " (resynced after the fence mark at " + mark.get() + "; its own after-resync-target did not reach the leader)" : "");
        out.add(new LeaderEffect.RecordSyncCompleted(s.node(), primary.current(), primary.lineage(), why));
      }
    }
    return out;
  }

  /**
   * DRBD's own word that a fenced copy resynced, when its after-resync-target handler could not
   * reach a daemon (it runs on the resynced copy as soon as the resync ends, which after a reboot
   * can be before that node's hanfs is up). The primary's ledger records the fence (it writes on
   * at the mark's generation) only after its DRBD lost the peer; a report from it showing the
   * peer out of sync after that, then one showing it Connected and UpToDate again, can only come
   * from a resync that ended after the fence. A monitor sample from before the link broke can
   * travel with the new ledger in one report, which is why the out-of-sync report must come first.
   */
  private static boolean resyncedSinceMark(String resource, Copy primary, String copy, Generation mark, Memory memory) {
    if (!primary.ledger().orElseThrow().contains(mark)) return false;
    Remembered outOfSync = new Remembered.OutOfSyncAfterMark(resource, primary.node(), primary.epoch(), copy, mark);
    if (!primary.peerInSync()) {
      memory.first(outOfSync);
      return false;
    }
    return memory.knows(outOfSync);
  }

  /** The other data node of a two-copy resource. */
  private static Optional<String> peerOf(String node, List<Copy> copies) {
    List<String> others = copies.stream().map(Copy::node).filter(n -> !n.equals(node)).toList();
    return others.size() == 1 ? Optional.of(others.get(0)) : Optional.empty();
  }

  /** What the leader remembered, plus what this call asks it to remember (each asked once). */
  private record Memory(Set<Remembered> remembered, List<LeaderEffect> out, Set<Remembered> added) {
    Memory(Set<Remembered> remembered, List<LeaderEffect> out) {
      this(remembered, out, new HashSet<>());
    }

    boolean knows(Remembered fact) {
      return remembered.contains(fact) || added.contains(fact);
    }

    /** True, and asked to remember, when the fact is new. */
    boolean first(Remembered fact) {
      if (knows(fact)) return false;
      added.add(fact);
      out.add(new Remember(fact));
      return true;
    }
  }
}
