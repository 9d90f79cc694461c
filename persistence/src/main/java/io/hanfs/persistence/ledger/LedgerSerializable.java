package io.hanfs.persistence.ledger;

/** Marker for ledger events, commands and snapshots: serialized with Jackson CBOR (reference.conf). */
public interface LedgerSerializable {}
