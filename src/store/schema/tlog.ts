/**
 * Tables owned by the transparency log (src/tlog). Entries arrive through the shared
 * `log_outbox` (registry.ts) and, once integrated, live here for good: the tree is
 * append-only, so no row of these tables is ever updated except `tlog_state` and the
 * witness cosignatures of a checkpoint.
 */

/** One integrated entry: leaf `idx` of the tree. */
export interface TlogLeavesTable {
  idx: number;
  entry: Uint8Array;
  /** RFC 9162 leaf hash, SHA-256(0x00 || entry). */
  leaf_hash: Uint8Array;
  /**
   * The first 6 bytes of the leaf hash as an integer, indexed for look-ups by hash: an
   * integer index is a third the size of one on the 32-byte hash, and random inserts
   * into it are what a durable append pays most for (matches are checked on leaf_hash).
   */
  leaf_key: number;
  /** The `log_outbox` row it came from (null when appended directly); for audits. */
  outbox_id: number | null;
}

/**
 * The hash of every full perfect subtree: (level, idx) covers leaves
 * [idx·2^level, (idx+1)·2^level). Level 0 rows are the leaf hashes. Proofs and tiles
 * are read from here only.
 */
export interface TlogHashesTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

/** Every checkpoint the log signed, one per tree size (the primary key refuses a second). */
export interface TlogCheckpointsTable {
  size: number;
  root: Uint8Array;
  /** The signed note as the log signed it. */
  note: string;
  /** The same note with the witness cosignatures collected so far, if any. */
  cosigned_note: string | null;
  cosignatures: number;
  signed_at: string;
}

/** The single row (id 1) the integrator moves forward: tree size and root. */
export interface TlogStateTable {
  id: number;
  size: number;
  root: Uint8Array;
  updated_at: string;
}

/** Outbox rows that are not valid mvid log entries, set aside instead of blocking the queue. */
export interface TlogRejectedTable {
  outbox_id: number;
  entry: Uint8Array;
  queued_at: string;
  reason: string;
  rejected_at: string;
}

export interface TlogTables {
  tlog_leaves: TlogLeavesTable;
  tlog_hashes: TlogHashesTable;
  tlog_checkpoints: TlogCheckpointsTable;
  tlog_state: TlogStateTable;
  tlog_rejected: TlogRejectedTable;
}
