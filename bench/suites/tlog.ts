/**
 * The transparency log through mvid's store (src/tlog over Kysely):
 * - durable batched appends on SQLite and PostgreSQL: 4 concurrent producers, each calling
 *   `appendEntries` with 1 000 entries and waiting until they are committed (durable: the SQLite store's WAL fsync /
 *   synchronous_commit=on) and covered by a signed checkpoint; concurrent batches share one
 *   transaction, which is what the log is built for;
 * - inclusion + consistency proof latency on a log of 10^6 leaves (built by bulk-inserting
 *   leaves and the subtree hashes CompactTree computes in memory, then read through the store),
 *   and the same on 10^5 leaves to extrapolate to 10^7: a proof is one indexed query for
 *   O(log n) hashes, so each tenfold growth adds about log2(10) ≈ 3.3 proof nodes and at most
 *   one B-tree level; t(10^7) ≈ t(10^6) + (t(10^6) − t(10^5)).
 * Each figure is also given against the SHA-256 ceiling of the same run.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { systemClock } from '../../src/core/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { CompactTree, openTransparencyLog, signCheckpoint, ed25519Signer, type TransparencyLog } from '../../src/tlog/index.ts';
import { asyncOpsPerSecond, timeEach } from '../harness/measure.ts';
import { median } from '../harness/stats.ts';
import { type Benchmark, defineSuite, Unavailable } from '../harness/types.ts';

const ORIGIN = 'bench.mvid.test/log';
const BATCH = 1000;
const PRODUCERS = 4;
const SHA = 'ceiling.sha256.64b';

interface Appender {
  store: Store;
  log: TransparencyLog;
  next: number;
}

interface ProvenLog {
  log: TransparencyLog;
  size: number;
}

interface State {
  sqlite: Appender;
  postgres: Appender | string;
  proofs: { small: ProvenLog; large: ProvenLog };
}

/** A valid `request_expired` entry, written directly (encodeEntry's checks would dominate the build). */
function entry(n: number): Uint8Array {
  const id = n.toString(16).padStart(12, '0');
  return Buffer.from(`mvid-log-entry/v1\ntype request_expired\ntime 2026-01-01T00:00:00Z\nrequest 00000000-0000-4000-8000-${id}\n`);
}

function openLog(store: Store): TransparencyLog {
  return openTransparencyLog({ store, keys: { logSigning: { seed: randomBytes(32) } }, origin: ORIGIN, clock: systemClock });
}

async function appender(store: Store): Promise<Appender> {
  await store.migrate();
  const log = openLog(store);
  await log.integrate();
  return { store, log, next: 0 };
}

/** Entries per second appended by PRODUCERS concurrent callers of appendEntries(BATCH entries). */
async function appendRate(a: Appender, seconds: number): Promise<number> {
  const batches = await asyncOpsPerSecond(
    async () => {
      const from = a.next;
      a.next += BATCH;
      await a.log.appendEntries(Array.from({ length: BATCH }, (_, i) => entry(from + i)));
    },
    seconds,
    PRODUCERS,
  );
  return batches * BATCH;
}

/**
 * Builds a log of `size` leaves in a fresh SQLite file: the schema through the store, then
 * leaves, every CompactTree subtree hash, the state row and a signed checkpoint bulk-inserted
 * with prepared statements; proofs are then read through the store like any other.
 */
async function buildLog(dir: string, size: number): Promise<{ store: Store; log: ProvenLog }> {
  const path = join(dir, `proofs-${size}.sqlite`);
  const schema = openStore({ engine: 'sqlite', path });
  await schema.migrate();
  await schema.close();
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = OFF'); // a build, not the measured path
  const leaf = db.prepare('insert into tlog_leaves (idx, entry, leaf_hash, leaf_key, outbox_id) values (?, ?, ?, ?, null)');
  const node = db.prepare('insert into tlog_hashes (level, idx, hash) values (?, ?, ?)');
  const tree = new CompactTree();
  db.exec('BEGIN');
  for (let i = 0; i < size; i++) {
    const e = entry(i);
    const completed = tree.appendEntry(e);
    const h = completed[0]?.hash as Uint8Array;
    leaf.run(i, e, h, Buffer.from(h.buffer, h.byteOffset, 6).readUIntBE(0, 6));
    for (const s of completed) node.run(s.level, Number(s.index), s.hash);
    if (i % 100_000 === 99_999) {
      db.exec('COMMIT');
      db.exec('BEGIN');
    }
  }
  const seed = randomBytes(32);
  const note = new TextDecoder().decode(
    signCheckpoint({ origin: ORIGIN, size: tree.size, root: tree.root(), extensions: [] }, [ed25519Signer(ORIGIN, seed)]),
  );
  const at = new Date().toISOString();
  db.prepare('insert into tlog_checkpoints (size, root, note, cosigned_note, cosignatures, signed_at) values (?, ?, ?, null, 0, ?)').run(
    size,
    tree.root(),
    note,
    at,
  );
  db.prepare('insert into tlog_state (id, size, root, updated_at) values (1, ?, ?, ?)').run(size, tree.root(), at);
  db.exec('COMMIT');
  db.close();
  const store = openStore({ engine: 'sqlite', path });
  await store.migrate();
  const log = openTransparencyLog({ store, keys: { logSigning: { seed } }, origin: ORIGIN, clock: systemClock });
  return { store, log: { log, size } };
}

/** Milliseconds for one inclusion proof and one consistency proof at random points of the tree. */
async function proofTimes(p: ProvenLog, seconds: number): Promise<{ both: number[]; inclusion: number[]; consistency: number[] }> {
  const out = { both: [] as number[], inclusion: [] as number[], consistency: [] as number[] };
  const size = BigInt(p.size);
  await timeEach(async () => {
    const t0 = performance.now();
    await p.log.inclusionProof(BigInt(Math.floor(Math.random() * p.size)), size);
    const t1 = performance.now();
    await p.log.consistencyProof(BigInt(1 + Math.floor(Math.random() * (p.size - 1))), size);
    const t2 = performance.now();
    out.inclusion.push(t1 - t0);
    out.consistency.push(t2 - t1);
    out.both.push(t2 - t0);
  }, seconds);
  return out;
}

function appendBenchmark(engine: 'sqlite' | 'postgres', ceiling: string): Benchmark<State> {
  const id = `tlog.append.${engine}`;
  const note = `${PRODUCERS} concurrent appendEntries calls of ${BATCH} entries (~110 bytes), each durable and signed before it resolves`;
  return {
    id,
    seconds: 2,
    metrics: [
      {
        id,
        title: `Log appends, durable, batched (${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`,
        unit: 'appends/s',
        better: 'higher',
        ceiling,
        note,
      },
      {
        id: `${id}.vs-sha256`,
        title: `Log appends against SHA-256 (${engine})`,
        unit: 'appends/s',
        better: 'higher',
        ceiling: SHA,
        note: 'same figure; ratio = appends per 64-byte SHA-256 — each append hashes its leaf and about one interior node, so 0.5 would be all hashing',
      },
    ],
    async run(state, rep) {
      const a = state[engine];
      if (typeof a === 'string') throw new Unavailable(a);
      const rate = await appendRate(a, rep.seconds);
      return { [id]: rate, [`${id}.vs-sha256`]: rate };
    },
  };
}

export default defineSuite<State>({
  name: 'tlog',
  title: 'Transparency log (appends, proofs)',
  kind: 'mvid',
  async setup(ctx) {
    const dir = ctx.tempDir('tlog');
    const sqliteStore = openStore({ engine: 'sqlite', path: join(dir, 'append.sqlite') });
    ctx.defer(() => sqliteStore.close());
    const sqlite = await appender(sqliteStore);
    let postgres: Appender | string;
    try {
      const database = await ctx.postgres();
      const store = openStore({ engine: 'postgres', url: database.url, poolSize: PRODUCERS + 2 });
      ctx.defer(() => store.close());
      postgres = await appender(store);
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      postgres = error.message;
    }
    ctx.log('building logs of 10^5 and 10^6 leaves for the proof benchmarks');
    const started = performance.now();
    const small = await buildLog(dir, 100_000);
    ctx.defer(() => small.store.close());
    const large = await buildLog(dir, 1_000_000);
    ctx.defer(() => large.store.close());
    ctx.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { sqlite, postgres, proofs: { small: small.log, large: large.log } };
  },
  benchmarks: [
    appendBenchmark('sqlite', 'ceiling.sqlite.commit-row'),
    appendBenchmark('postgres', 'ceiling.postgres.commit-row'),
    {
      id: 'tlog.proofs.1e6',
      seconds: 1,
      metrics: [
        {
          id: 'tlog.proofs.1e6',
          title: 'Inclusion + consistency proof on 10^6 leaves',
          unit: 'ms',
          better: 'lower',
          note: 'SQLite store; median of (inclusion proof at a random leaf + consistency proof from a random size), each one query',
        },
        { id: 'tlog.proofs.1e6.inclusion', title: 'Inclusion proof on 10^6 leaves', unit: 'ms', better: 'lower' },
        { id: 'tlog.proofs.1e6.consistency', title: 'Consistency proof on 10^6 leaves', unit: 'ms', better: 'lower' },
        {
          id: 'tlog.proofs.1e6.rate',
          title: 'Proof pairs per second on 10^6 leaves',
          unit: 'proofs/s',
          better: 'higher',
          ceiling: SHA,
          note: 'the inverse of the median pair; ratio = pairs per 64-byte SHA-256 (a verifier spends ~40 hashes on one pair)',
        },
        {
          id: 'tlog.proofs.1e7.extrapolated',
          title: 'Inclusion + consistency proof on 10^7 leaves (extrapolated)',
          unit: 'ms',
          better: 'lower',
          note: 't(10^6) + (t(10^6) − t(10^5)), both measured in this repetition: proof length and B-tree depth grow with log n',
        },
      ],
      async run(state, rep) {
        const large = await proofTimes(state.proofs.large, rep.seconds * 0.75);
        const small = await proofTimes(state.proofs.small, rep.seconds * 0.25);
        const both = median(large.both);
        return {
          'tlog.proofs.1e6': both,
          'tlog.proofs.1e6.inclusion': median(large.inclusion),
          'tlog.proofs.1e6.consistency': median(large.consistency),
          'tlog.proofs.1e6.rate': 1000 / both,
          'tlog.proofs.1e7.extrapolated': both + Math.max(0, both - median(small.both)),
        };
      },
    },
  ],
});
