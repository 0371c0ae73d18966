/**
 * Integration: moves queued entries from `log_outbox` (and entries handed over
 * directly by `appendEntries`) into the tree and signs the new checkpoint, all in one
 * transaction under the 'tlog' lock, so that any number of integrators (callers in one
 * process, or many nodes on PostgreSQL) produce one sequence without gaps or
 * duplicates, and a crash leaves either the whole batch or none of it. Before signing,
 * the stored tree is checked against the last signed checkpoint: a log that finds its
 * own storage altered refuses to sign.
 */
import type { Clock } from '../core/index.ts';
import { MvidError } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { bytesEqual } from './base64.ts';
import { parseCheckpoint, signCheckpoint } from './checkpoint.ts';
import { CompactTree, type SubtreeHash } from './compact.ts';
import { parseEntry } from './entry.ts';
import { emptyRoot } from './hash.ts';
import { type NoteSigner, parseNote } from './note.ts';
import { consistencyProof } from './prove.ts';
import {
  type CheckpointRow,
  type LeafRow,
  type OutboxRow,
  checkpointAt,
  deleteOutbox,
  insertCheckpoint,
  insertHashes,
  insertLeaves,
  insertRejected,
  latestCheckpoint,
  readState,
  tableReader,
  takeOutbox,
  writeState,
} from './tables.ts';
import { verifyConsistency } from './verify.ts';

/** The lock every integrator takes (a PostgreSQL advisory lock; SQLite has one writer anyway). */
export const TLOG_LOCK = 'tlog';

export interface IntegrateContext {
  store: Store;
  origin: string;
  signer: NoteSigner;
  clock: Clock;
  batchSize: number;
}

export interface SignedCheckpoint {
  size: bigint;
  root: Uint8Array;
  note: string;
}

export interface BatchResult {
  /** Entries appended by this batch (outbox and direct). */
  integrated: number;
  /** Outbox rows taken (integrated or rejected). */
  taken: number;
  /** Leaf index of each direct entry, in order. */
  direct: bigint[];
  /** Outbox rows set aside as invalid entries. */
  rejected: Array<{ outboxId: number; reason: string }>;
  /** The checkpoint signed by this batch, if any. */
  signed: SignedCheckpoint | null;
  /** Tree size after the batch. */
  size: bigint;
}

function refuse(message: string): never {
  throw new MvidError('tlog_inconsistent', `${message}; refusing to sign`);
}

/** The stored tree must be the one the last checkpoint signed, or something altered it. */
function checkStoredTree(latest: CheckpointRow | null, stateSize: bigint, stateRoot: Uint8Array, tree: CompactTree): void {
  if (!bytesEqual(tree.root(), stateRoot)) refuse(`the stored subtree hashes do not hash to the recorded root of size ${stateSize}`);
  if (latest === null) {
    if (stateSize !== 0n) refuse(`the tree has ${stateSize} leaves but no signed checkpoint`);
    return;
  }
  if (latest.size !== stateSize || !bytesEqual(latest.root, stateRoot)) {
    refuse(`the latest signed checkpoint (size ${latest.size}) is not the stored tree (size ${stateSize})`);
  }
  // The note is what the world saw; its text must say what the columns say.
  const signed = parseCheckpoint(parseNote(latest.note).text);
  if (signed.size !== latest.size || !bytesEqual(signed.root, latest.root)) {
    refuse(`the stored note of checkpoint ${latest.size} does not match its recorded root`);
  }
}

/** Splits taken rows into entries to append and rows to set aside. */
function screen(rows: readonly OutboxRow[]): { valid: OutboxRow[]; invalid: Array<OutboxRow & { reason: string }> } {
  const valid: OutboxRow[] = [];
  const invalid: Array<OutboxRow & { reason: string }> = [];
  for (const row of rows) {
    try {
      parseEntry(row.entry);
      valid.push(row);
    } catch (error) {
      invalid.push({ ...row, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { valid, invalid };
}

/**
 * Integrates up to `batchSize` queued entries, then the `direct` entries (already
 * checked with `parseEntry` by the caller), in one transaction, and signs a checkpoint
 * for the new size. With nothing to add it only signs the empty tree's checkpoint if
 * none exists yet. Throws `tlog_inconsistent` (and commits nothing) when the stored tree
 * disagrees with what was signed.
 *
 * @example
 * const { integrated, size } = await integrateBatch({ store, origin, signer, clock, batchSize: 1000 }, []);
 */
export async function integrateBatch(ctx: IntegrateContext, direct: readonly Uint8Array[]): Promise<BatchResult> {
  return ctx.store.transaction(async (tx) => {
    await ctx.store.lock(tx, TLOG_LOCK);
    const state = (await readState(tx)) ?? { size: 0n, root: emptyRoot() };
    const latest = await latestCheckpoint(tx);
    const rows = await takeOutbox(tx, ctx.batchSize);
    const result: BatchResult = { integrated: 0, taken: rows.length, direct: [], rejected: [], signed: null, size: state.size };
    if (rows.length === 0 && direct.length === 0 && latest !== null) return result;

    const reader = tableReader(tx);
    const tree = await CompactTree.load(reader, state.size);
    checkStoredTree(latest, state.size, state.root, tree);

    const { valid, invalid } = screen(rows);
    const leaves: LeafRow[] = [];
    const hashes: SubtreeHash[] = [];
    const append = (entry: Uint8Array, outboxId: number | null) => {
      const completed = tree.appendEntry(entry);
      leaves.push({ index: tree.size - 1n, entry, leafHash: (completed[0] as SubtreeHash).hash, outboxId });
      for (const h of completed) hashes.push(h);
      return tree.size - 1n;
    };
    // Queued rows first: they committed before this call, so they come first in the log.
    for (const row of valid) append(row.entry, row.id);
    for (const entry of direct) result.direct.push(append(entry, null));
    const at = ctx.clock.now().toISOString();
    await insertLeaves(tx, leaves);
    await insertHashes(tx, hashes);
    await deleteOutbox(
      tx,
      rows.map((r) => r.id),
    );
    await insertRejected(tx, invalid, at);
    result.rejected = invalid.map((r) => ({ outboxId: r.id, reason: r.reason }));
    result.integrated = leaves.length;
    result.size = tree.size;
    if (leaves.length === 0 && latest !== null) return result;

    const root = tree.root();
    if (latest !== null && latest.size > 0n) {
      // The proof is read back from what this transaction wrote: it checks the rows, not just the in-memory tree.
      const proof = await consistencyProof(reader, latest.size, tree.size);
      if (!verifyConsistency(latest.size, tree.size, proof, latest.root, root)) {
        refuse(`the new tree of size ${tree.size} is not consistent with the checkpoint of size ${latest.size}`);
      }
    }
    const existing = await checkpointAt(tx, tree.size);
    if (existing !== null && !bytesEqual(existing.root, root)) {
      refuse(`a checkpoint of size ${tree.size} with another root was signed already`);
    }
    const note = new TextDecoder().decode(signCheckpoint({ origin: ctx.origin, size: tree.size, root, extensions: [] }, [ctx.signer]));
    if (existing === null) await insertCheckpoint(tx, tree.size, root, note, at);
    await writeState(tx, { size: tree.size, root }, at);
    result.signed = existing === null ? { size: tree.size, root, note } : null;
    return result;
  });
}
