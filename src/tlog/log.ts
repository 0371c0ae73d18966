/**
 * The transparency log service over the store: producers queue entries in their own
 * transactions (`enqueue`, the same `log_outbox` the registry writes), the integrator
 * moves them into the tree and signs checkpoints (integrate.ts), and readers get
 * checkpoints, proofs, tiles and entries. Reads never go beyond the latest signed
 * checkpoint, so everything served can be verified against a signature.
 */
import type { Clock } from '../core/index.ts';
import { MvidError } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';
import { parseEntry } from './entry.ts';
import { type BatchResult, integrateBatch } from './integrate.ts';
import { type Ed25519Signer, type KeyedVerifier, ed25519Signer } from './keys.ts';
import { consistencyProof, inclusionProof } from './prove.ts';
import {
  type CheckpointRow,
  type LeafRow,
  hashRun,
  latestCheckpoint,
  leafIndexByHash,
  leavesRange,
  outboxHasRows,
  sizeByDay,
  tableReader,
} from './tables.ts';
import { TILE_HEIGHT, TILE_WIDTH, type TileId, encodeEntryBundle, tileExists } from './tiles.ts';
import { type WitnessEndpoint, type WitnessPusher, witnessPusher } from './witness-client.ts';

/** Most entries `entries()` returns at once. */
export const MAX_ENTRIES_PAGE = 1000;

export interface TransparencyLogOptions {
  store: Store;
  /** The service keys; only the log's Ed25519 seed is used. */
  keys: { logSigning: { seed: Uint8Array } };
  /** Checkpoint origin and note key name (see `logOriginOf`). */
  origin: string;
  clock: Clock;
  /** Witnesses to collect cosignatures from; with a threshold, /checkpoint prefers notes that reach it. */
  witnesses?: { endpoints: readonly WitnessEndpoint[]; threshold: number; fetch?: typeof fetch; timeoutMs?: number };
  /** Outbox rows integrated per transaction (default 1000). */
  batchSize?: number;
  /** Notified of outbox rows set aside and of witnesses that did not cosign. */
  events?: {
    rejected?(outboxId: number, reason: string): void;
    witnessFailed?(url: string, error: unknown): void;
  };
}

export interface LogLeaf {
  index: bigint;
  entry: Uint8Array;
  leafHash: Uint8Array;
}

export interface IntegrateReport {
  integrated: number;
  rejected: number;
  size: bigint;
}

export interface TransparencyLog {
  readonly origin: string;
  /** The log's note verifier; `verifier.vkey` is what monitors pin. */
  readonly verifier: KeyedVerifier;
  /** Queues entries in the caller's transaction; they are integrated after it commits. Returns outbox ids. */
  enqueue(tx: Tx, entries: readonly Uint8Array[]): Promise<number[]>;
  /**
   * Appends entries and resolves with their leaf indices once they are committed and
   * covered by a signed checkpoint. Queued outbox rows go first; concurrent callers share
   * one transaction.
   */
  appendEntries(entries: readonly Uint8Array[]): Promise<bigint[]>;
  /** Integrates everything queued (several batches if needed); one integration runs at a time per process. */
  integrate(): Promise<IntegrateReport>;
  /** The latest signed checkpoint (with the cosignatures collected, preferring one that meets the witness threshold). */
  checkpoint(): Promise<CheckpointRow | null>;
  /** The size of the latest signed checkpoint. */
  size(): Promise<bigint>;
  /** The size at the end of each of the last `days` days (UTC) a checkpoint was signed on, oldest first. */
  sizeByDay(days: number): Promise<Array<{ day: string; size: bigint }>>;
  inclusionProof(index: bigint, size: bigint): Promise<Uint8Array[]>;
  consistencyProof(size1: bigint, size2: bigint): Promise<Uint8Array[]>;
  /** Leaves [start, end); end − start ≤ 1000 and end ≤ size. */
  entries(start: bigint, end: bigint): Promise<LogLeaf[]>;
  /** The lowest index of a leaf with this hash in the signed tree, or null. */
  findByLeafHash(leafHash: Uint8Array): Promise<bigint | null>;
  /** A tlog-tiles hash tile, or null when the signed tree does not hold it. */
  tile(tile: TileId): Promise<Uint8Array | null>;
  /** A tlog-tiles entry bundle, or null when the signed tree does not hold it. */
  entryBundle(index: bigint, width: number): Promise<Uint8Array | null>;
  /** Integrates every `intervalMs` (entries queued by any module); returns a stop function that awaits the running pass. */
  start(intervalMs: number, failed: (error: unknown) => void): () => Promise<void>;
  /** Resolves when background witness pushes are done (tests, shutdown). */
  witnessesIdle(): Promise<void>;
  /**
   * Pushes the latest checkpoint again if it still lacks the witness threshold (an earlier
   * push failed: a witness was down), and waits for the pushes. Clients that pin witnesses
   * accept only cosigned checkpoints, so a failed push must not leave the newest tree unusable.
   */
  witnessLatest(): Promise<void>;
}

/** Most direct entries (and bytes) one transaction takes from waiting appenders. */
const MAX_DIRECT_ENTRIES = 8192;
const MAX_DIRECT_BYTES = 16 << 20;

interface Waiter {
  entries: Uint8Array[];
  bytes: number;
  resolve(indices: bigint[]): void;
  reject(error: unknown): void;
}

/** Refuses what could never be integrated, at the producer, where the error can be handled. */
function checkEntries(entries: readonly Uint8Array[]): void {
  if (!Array.isArray(entries)) throw new TypeError('entries must be an array of Uint8Array');
  for (const entry of entries) parseEntry(entry);
}

function rangeError(message: string): MvidError {
  return new MvidError('tlog_range_invalid', message);
}

/**
 * Opens the log over a migrated store.
 *
 * @example
 * const log = openTransparencyLog({ store, keys, origin: logOriginOf(config.publicUrl), clock });
 * const [index] = await log.appendEntries([encodeEntry(event)]);
 */
export function openTransparencyLog(options: TransparencyLogOptions): TransparencyLog {
  const { store, origin, clock } = options;
  const signer: Ed25519Signer = ed25519Signer(origin, options.keys.logSigning.seed);
  const batchSize = options.batchSize ?? 1000;
  const threshold = options.witnesses?.threshold ?? 0;
  const pusher: WitnessPusher | null =
    options.witnesses === undefined || options.witnesses.endpoints.length === 0
      ? null
      : witnessPusher({
          db: store.db,
          witnesses: options.witnesses.endpoints,
          fetch: options.witnesses.fetch ?? fetch,
          timeoutMs: options.witnesses.timeoutMs ?? 5000,
          failed: (url, error) => options.events?.witnessFailed?.(url, error),
        });
  // Sizes only grow, so a cached size is a safe lower bound; a request above it re-reads.
  let knownSize = -1n;

  async function signedSize(atLeast = 0n): Promise<bigint> {
    if (knownSize >= atLeast && knownSize >= 0n) return knownSize;
    const latest = await latestCheckpoint(store.db);
    const size = latest?.size ?? 0n;
    if (size > knownSize) knownSize = size;
    return knownSize;
  }

  function afterBatch(batch: BatchResult, report: IntegrateReport): void {
    for (const r of batch.rejected) options.events?.rejected?.(r.outboxId, r.reason);
    if (batch.signed !== null) {
      if (batch.signed.size > knownSize) knownSize = batch.signed.size;
      pusher?.push(batch.signed);
    }
    report.integrated += batch.integrated;
    report.rejected += batch.rejected.length;
    report.size = batch.size;
  }

  // Appenders waiting for their entries to be integrated; one transaction serves many of them.
  const waiters: Waiter[] = [];
  function takeWaiters(): Waiter[] {
    let count = 0;
    let bytes = 0;
    let n = 0;
    for (const w of waiters) {
      if (n > 0 && (count + w.entries.length > MAX_DIRECT_ENTRIES || bytes + w.bytes > MAX_DIRECT_BYTES)) break;
      count += w.entries.length;
      bytes += w.bytes;
      n++;
    }
    return waiters.splice(0, n);
  }

  // Single flight: a caller arriving during a pass asks for one more, so its rows are seen.
  let pass: Promise<IntegrateReport> | null = null;
  let again = false;
  function integrate(): Promise<IntegrateReport> {
    if (pass !== null) {
      again = true;
      return pass;
    }
    pass = (async () => {
      await Promise.resolve(); // `pass` is assigned before this body can finish and clear it
      const report: IntegrateReport = { integrated: 0, rejected: 0, size: 0n };
      try {
        do {
          again = false;
          for (;;) {
            const taken = takeWaiters();
            let batch: BatchResult;
            try {
              batch = await integrateBatch(
                { store, origin, signer, clock, batchSize },
                taken.flatMap((w) => w.entries),
              );
            } catch (error) {
              for (const w of taken) w.reject(error);
              throw error;
            }
            let at = 0;
            for (const w of taken) {
              w.resolve(batch.direct.slice(at, at + w.entries.length));
              at += w.entries.length;
            }
            afterBatch(batch, report);
            if (batch.taken < batchSize && waiters.length === 0) break;
          }
        } while (again || waiters.length > 0);
        return report;
      } catch (error) {
        for (const w of waiters.splice(0)) w.reject(error);
        throw error;
      } finally {
        pass = null;
      }
    })();
    return pass;
  }

  async function enqueue(tx: Tx, entries: readonly Uint8Array[]): Promise<number[]> {
    checkEntries(entries);
    if (entries.length === 0) return [];
    const queuedAt = clock.now().toISOString();
    const ids: number[] = [];
    for (let i = 0; i < entries.length; i += 1000) {
      const rows = await tx
        .insertInto('log_outbox')
        .values(entries.slice(i, i + 1000).map((entry) => ({ entry, queued_at: queuedAt })))
        .returning('id')
        .execute();
      for (const r of rows) ids.push(Number(r.id));
    }
    return ids;
  }

  async function appendEntries(entries: readonly Uint8Array[]): Promise<bigint[]> {
    checkEntries(entries);
    if (entries.length === 0) return [];
    const parts: Promise<bigint[]>[] = [];
    for (let i = 0; i < entries.length; i += MAX_DIRECT_ENTRIES) {
      const chunk = entries.slice(i, i + MAX_DIRECT_ENTRIES).map((e) => new Uint8Array(e));
      parts.push(
        new Promise<bigint[]>((resolve, reject) => {
          waiters.push({ entries: chunk, bytes: chunk.reduce((n, e) => n + e.length, 0), resolve, reject });
        }),
      );
    }
    integrate().catch(() => {}); // each waiter is settled by the pass that takes it
    return (await Promise.all(parts)).flat();
  }

  /** Schedules the latest checkpoint again when it lacks the witness threshold. */
  async function repushUncosigned(): Promise<void> {
    if (pusher === null) return;
    const latest = await latestCheckpoint(store.db);
    if (latest !== null && latest.cosignatures < threshold) pusher.push({ size: latest.size, note: latest.note });
  }

  async function checkpoint(): Promise<CheckpointRow | null> {
    const latest = await latestCheckpoint(store.db);
    if (latest === null || threshold === 0 || latest.cosignatures >= threshold) return latest;
    return (await latestCheckpoint(store.db, threshold)) ?? latest;
  }

  async function inclusion(index: bigint, size: bigint): Promise<Uint8Array[]> {
    const signed = await signedSize(size);
    if (size > signed) throw rangeError(`size ${size} exceeds the latest checkpoint (${signed})`);
    return inclusionProof(tableReader(store.db), index, size);
  }

  async function consistency(size1: bigint, size2: bigint): Promise<Uint8Array[]> {
    const signed = await signedSize(size2);
    if (size2 > signed) throw rangeError(`size ${size2} exceeds the latest checkpoint (${signed})`);
    return consistencyProof(tableReader(store.db), size1, size2);
  }

  async function entries(start: bigint, end: bigint): Promise<LogLeaf[]> {
    if (typeof start !== 'bigint' || typeof end !== 'bigint') throw new TypeError('start and end must be bigints');
    if (start < 0n || end < start) throw rangeError(`invalid range ${start}..${end}`);
    if (end - start > BigInt(MAX_ENTRIES_PAGE)) throw rangeError(`at most ${MAX_ENTRIES_PAGE} entries at once`);
    const signed = await signedSize(end);
    if (end > signed) throw rangeError(`end ${end} exceeds the latest checkpoint (${signed})`);
    if (start === end) return [];
    return (await leavesRange(store.db, start, end)).map((l: LeafRow) => ({ index: l.index, entry: l.entry, leafHash: l.leafHash }));
  }

  async function tile(t: TileId): Promise<Uint8Array | null> {
    const leavesPer = 1n << BigInt(t.level * TILE_HEIGHT);
    const needed = (t.index * BigInt(TILE_WIDTH) + BigInt(t.width)) * leavesPer;
    if (!tileExists(t, await signedSize(needed))) return null;
    const hashes = await hashRun(store.db, t.level * TILE_HEIGHT, t.index * BigInt(TILE_WIDTH), t.width);
    const out = new Uint8Array(hashes.length * 32);
    for (const [i, h] of hashes.entries()) out.set(h, i * 32);
    return out;
  }

  async function entryBundle(index: bigint, width: number): Promise<Uint8Array | null> {
    const t = { level: 0, index, width };
    const start = index * BigInt(TILE_WIDTH);
    if (!tileExists(t, await signedSize(start + BigInt(width)))) return null;
    const leaves = await leavesRange(store.db, start, start + BigInt(width));
    return encodeEntryBundle(leaves.map((l) => l.entry));
  }

  return {
    origin,
    verifier: signer.verifier,
    enqueue,
    appendEntries,
    integrate,
    checkpoint,
    size: () => signedSize(),
    sizeByDay: (days) => sizeByDay(store.db, Math.max(1, Math.min(days, 3660))),
    inclusionProof: inclusion,
    consistencyProof: consistency,
    entries,
    async findByLeafHash(leafHash) {
      if (!(leafHash instanceof Uint8Array) || leafHash.length !== 32) throw new TypeError('leafHash must be 32 bytes');
      return leafIndexByHash(store.db, leafHash, await signedSize());
    },
    tile,
    entryBundle,
    start(intervalMs, failed) {
      if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new TypeError('intervalMs must be a positive integer');
      let stopped = false;
      const tick = async () => {
        // Peek without the lock: an idle log costs one indexed read per tick, not a write transaction.
        if (!(await outboxHasRows(store.db)) && (await checkpoint()) !== null) {
          await repushUncosigned(); // an idle log still heals a push that failed
          return;
        }
        await integrate();
      };
      // One tick at a time, and stop() waits for it: a tick never runs on a closed store.
      let ticking: Promise<void> | null = null;
      const timer = setInterval(() => {
        if (stopped || ticking) return;
        ticking = tick()
          .catch(failed)
          .finally(() => {
            ticking = null;
          });
      }, intervalMs);
      timer.unref();
      return async () => {
        stopped = true;
        clearInterval(timer);
        await ticking;
        while (pass !== null) await pass.catch(() => {});
        await pusher?.idle();
      };
    },
    witnessesIdle: async () => pusher?.idle(),
    witnessLatest: async () => {
      await repushUncosigned();
      await pusher?.idle();
    },
  };
}
