/**
 * Reads and writes of the log's tables (src/store/schema/tlog.ts), through Kysely
 * only. Sizes and indices are bigints in the domain and JavaScript numbers in the
 * database rows (both engines hand 64-bit integers back as numbers, exact below 2^53).
 */
import { type Kysely, sql } from 'kysely';
import { MvidError } from '../core/index.ts';
import type { Database, Tx } from '../store/index.ts';
import type { SubtreeHash } from './compact.ts';
import { isHash } from './hash.ts';
import type { SubtreeId } from './nodes.ts';
import type { SubtreeHashReader } from './prove.ts';

export type Db = Kysely<Database> | Tx;

/** Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const INSERT_CHUNK = 1000;

/** A size or index as a database value; beyond 2^53 a JavaScript number would round. */
export function dbInt(value: bigint): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MvidError('tlog_range_invalid', `${value} is beyond 2^53 - 1`);
  return Number(value);
}

export function fromDb(value: number | string | bigint): bigint {
  return BigInt(value);
}

function bytes(value: Uint8Array): Uint8Array {
  // pg hands back Buffers; copy into plain Uint8Arrays so callers never alias a pooled buffer.
  return new Uint8Array(value);
}

function inconsistent(message: string): MvidError {
  return new MvidError('tlog_inconsistent', message);
}

/**
 * A `SubtreeHashReader` over `tlog_hashes`: any set of ids is one query (one
 * `level = ? AND idx IN (...)` group per level), so a proof costs one round trip.
 */
export function tableReader(db: Db): SubtreeHashReader {
  return {
    async getSubtreeHashes(ids: readonly SubtreeId[]): Promise<Uint8Array[]> {
      if (ids.length === 0) return [];
      const byLevel = new Map<number, number[]>();
      for (const id of ids) {
        const list = byLevel.get(id.level) ?? [];
        list.push(dbInt(id.index));
        byLevel.set(id.level, list);
      }
      const rows = await db
        .selectFrom('tlog_hashes')
        .select(['level', 'idx', 'hash'])
        .where((eb) => eb.or([...byLevel].map(([level, idxs]) => eb.and([eb('level', '=', level), eb('idx', 'in', idxs)]))))
        .execute();
      const found = new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
      return ids.map((id) => {
        const hash = found.get(`${id.level}:${id.index}`);
        if (hash === undefined || !isHash(hash)) throw inconsistent(`the hash of subtree (${id.level}, ${id.index}) is missing`);
        return bytes(hash);
      });
    },
  };
}

/** `count` consecutive stored hashes of one level, in order (a tile's body). */
export async function hashRun(db: Db, level: number, start: bigint, count: number): Promise<Uint8Array[]> {
  const from = dbInt(start);
  const rows = await db
    .selectFrom('tlog_hashes')
    .select(['idx', 'hash'])
    .where('level', '=', level)
    .where('idx', '>=', from)
    .where('idx', '<', from + count)
    .orderBy('idx')
    .execute();
  if (rows.length !== count || rows.some((r, i) => Number(r.idx) !== from + i || !isHash(r.hash))) {
    throw inconsistent(`hashes ${level}/${start}+${count} are incomplete`);
  }
  return rows.map((r) => bytes(r.hash));
}

export interface StateRow {
  size: bigint;
  root: Uint8Array;
}

export async function readState(db: Db): Promise<StateRow | null> {
  const row = await db.selectFrom('tlog_state').select(['size', 'root']).where('id', '=', 1).executeTakeFirst();
  return row === undefined ? null : { size: fromDb(row.size), root: bytes(row.root) };
}

export async function writeState(tx: Tx, state: StateRow, at: string): Promise<void> {
  const values = { size: dbInt(state.size), root: state.root, updated_at: at };
  await tx
    .insertInto('tlog_state')
    .values({ id: 1, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

export interface CheckpointRow {
  size: bigint;
  root: Uint8Array;
  note: string;
  cosignedNote: string | null;
  cosignatures: number;
  signedAt: string;
}

type RawCheckpoint = {
  size: number;
  root: Uint8Array;
  note: string;
  cosigned_note: string | null;
  cosignatures: number;
  signed_at: string;
};

function checkpointRow(row: RawCheckpoint): CheckpointRow {
  return {
    size: fromDb(row.size),
    root: bytes(row.root),
    note: row.note,
    cosignedNote: row.cosigned_note,
    cosignatures: Number(row.cosignatures),
    signedAt: row.signed_at,
  };
}

/** The latest checkpoint; with `minCosignatures`, the latest with at least that many. */
export async function latestCheckpoint(db: Db, minCosignatures = 0): Promise<CheckpointRow | null> {
  let query = db.selectFrom('tlog_checkpoints').selectAll();
  if (minCosignatures > 0) query = query.where('cosignatures', '>=', minCosignatures);
  const row = await query.orderBy('size', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? null : checkpointRow(row);
}

export async function checkpointAt(db: Db, size: bigint): Promise<CheckpointRow | null> {
  const row = await db.selectFrom('tlog_checkpoints').selectAll().where('size', '=', dbInt(size)).executeTakeFirst();
  return row === undefined ? null : checkpointRow(row);
}

/** Every checkpoint with a size in [from, to], oldest first (bounded by the caller). */
export async function checkpointsBetween(db: Db, from: bigint, to: bigint, limit: number): Promise<CheckpointRow[]> {
  const rows = await db
    .selectFrom('tlog_checkpoints')
    .selectAll()
    .where('size', '>=', dbInt(from))
    .where('size', '<=', dbInt(to))
    .orderBy('size')
    .limit(limit)
    .execute();
  return rows.map(checkpointRow);
}

/**
 * The log's size at the end of each day (UTC) on which it signed a checkpoint, oldest
 * first, for the last `days` such days: the largest size signed that day.
 */
export async function sizeByDay(db: Db, days: number): Promise<Array<{ day: string; size: bigint }>> {
  const day = sql<string>`substr(signed_at, 1, 10)`;
  const rows = await db
    .selectFrom('tlog_checkpoints')
    .select([day.as('day'), (eb) => eb.fn.max('size').as('size')])
    .groupBy(day)
    .orderBy(day, 'desc')
    .limit(days)
    .execute();
  return rows.reverse().map((r) => ({ day: String(r.day), size: fromDb(r.size as number) }));
}

export async function insertCheckpoint(tx: Tx, size: bigint, root: Uint8Array, note: string, at: string): Promise<void> {
  await tx
    .insertInto('tlog_checkpoints')
    .values({ size: dbInt(size), root, note, cosigned_note: null, cosignatures: 0, signed_at: at })
    .execute();
}

export async function recordCosignatures(db: Db, size: bigint, note: string, count: number): Promise<void> {
  await db
    .updateTable('tlog_checkpoints')
    .set({ cosigned_note: note, cosignatures: count })
    .where('size', '=', dbInt(size))
    .where('cosignatures', '<=', count) // a slower push never replaces a better-cosigned note
    .execute();
}

export interface OutboxRow {
  id: number;
  entry: Uint8Array;
  queuedAt: string;
}

/** The oldest queued rows, in queue order. */
export async function takeOutbox(tx: Tx, limit: number): Promise<OutboxRow[]> {
  const rows = await tx.selectFrom('log_outbox').select(['id', 'entry', 'queued_at']).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), entry: bytes(r.entry), queuedAt: r.queued_at }));
}

/** Whether anything waits in the queue (a cheap check before taking the lock). */
export async function outboxHasRows(db: Db): Promise<boolean> {
  return (await db.selectFrom('log_outbox').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Deletes exactly the rows integrated, by id: on PostgreSQL a row with a smaller id can
 * commit after a larger one was taken, so a range delete could drop an unseen entry.
 */
export async function deleteOutbox(tx: Tx, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
    await tx
      .deleteFrom('log_outbox')
      .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
      .execute();
  }
}

export interface LeafRow {
  index: bigint;
  entry: Uint8Array;
  leafHash: Uint8Array;
  outboxId: number | null;
}

/** The indexed look-up key of a leaf hash: its first 48 bits, exact as a JavaScript number. */
export function leafKey(leafHash: Uint8Array): number {
  return Buffer.from(leafHash.buffer, leafHash.byteOffset, 6).readUIntBE(0, 6);
}

export async function insertLeaves(tx: Tx, leaves: readonly LeafRow[]): Promise<void> {
  for (let i = 0; i < leaves.length; i += INSERT_CHUNK) {
    const values = leaves.slice(i, i + INSERT_CHUNK).map((l) => ({
      idx: dbInt(l.index),
      entry: l.entry,
      leaf_hash: l.leafHash,
      leaf_key: leafKey(l.leafHash),
      outbox_id: l.outboxId,
    }));
    await tx.insertInto('tlog_leaves').values(values).execute();
  }
}

export async function insertHashes(tx: Tx, hashes: readonly SubtreeHash[]): Promise<void> {
  for (let i = 0; i < hashes.length; i += INSERT_CHUNK) {
    const values = hashes.slice(i, i + INSERT_CHUNK).map((h) => ({ level: h.level, idx: dbInt(h.index), hash: h.hash }));
    await tx.insertInto('tlog_hashes').values(values).execute();
  }
}

export async function insertRejected(tx: Tx, rows: readonly (OutboxRow & { reason: string })[], at: string): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('tlog_rejected')
    .values(rows.map((r) => ({ outbox_id: r.id, entry: r.entry, queued_at: r.queuedAt, reason: r.reason.slice(0, 500), rejected_at: at })))
    .execute();
}

/** Leaves [start, end), in order. */
export async function leavesRange(db: Db, start: bigint, end: bigint): Promise<LeafRow[]> {
  const rows = await db
    .selectFrom('tlog_leaves')
    .select(['idx', 'entry', 'leaf_hash', 'outbox_id'])
    .where('idx', '>=', dbInt(start))
    .where('idx', '<', dbInt(end))
    .orderBy('idx')
    .execute();
  const out = rows.map((r) => ({ index: fromDb(r.idx), entry: bytes(r.entry), leafHash: bytes(r.leaf_hash), outboxId: r.outbox_id }));
  if (out.length !== Number(end - start) || out.some((l, i) => l.index !== start + BigInt(i))) {
    throw inconsistent(`leaves ${start}..${end} are incomplete`);
  }
  return out;
}

/** The lowest index of a leaf with this hash below `size`, or null. */
export async function leafIndexByHash(db: Db, leafHash: Uint8Array, size: bigint): Promise<bigint | null> {
  const row = await db
    .selectFrom('tlog_leaves')
    .select('idx')
    .where('leaf_key', '=', leafKey(leafHash))
    .where('leaf_hash', '=', leafHash)
    .where('idx', '<', dbInt(size))
    .orderBy('idx')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : fromDb(row.idx);
}
