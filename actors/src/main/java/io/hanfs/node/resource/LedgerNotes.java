package io.hanfs.node.resource;

import io.hanfs.persistence.ledger.LedgerEvent;
import io.hanfs.sbr.data.Generation;
import io.hanfs.sbr.stack.LedgerNote;

/** The stack machine's ledger notes as the journal's events: the persistence module owns the format. */
final class LedgerNotes {
  private LedgerNotes() {}

  static LedgerEvent event(LedgerNote note) {
    if (note instanceof LedgerNote.Promoted p) return new LedgerEvent.Promoted(p.epoch(), new Generation(p.epoch(), 0), System.currentTimeMillis());
    if (note instanceof LedgerNote.Forced f) return new LedgerEvent.Forced(f.by(), f.reason(), f.epoch());
    if (note instanceof LedgerNote.PromotionAborted a) return new LedgerEvent.PromotionAborted(a.epoch(), a.reason());
    if (note instanceof LedgerNote.Demoted d) return new LedgerEvent.Demoted(d.epoch());
    if (note instanceof LedgerNote.LeaseLost l) return new LedgerEvent.LeaseLost(l.epoch());
    if (note instanceof LedgerNote.Discarded d) return new LedgerEvent.Discarded(d.rescuePath(), d.generation());
    return new LedgerEvent.SplitBrainResolved(((LedgerNote.SplitBrainResolved) note).victim());
  }
}
