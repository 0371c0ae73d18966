/** Helpers for transparency-log tests: deterministic entries, a fetch over app.inject, a runtime sharing another's keys. */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/index.ts';
import { ManualClock } from '../../src/core/index.ts';
import { createLogger, startRuntime } from '../../src/server/index.ts';
import type { Engine, Store } from '../../src/store/index.ts';
import { CompactTree, encodeEntry, openCheckpoint, type TransparencyLog, verifyConsistency } from '../../src/tlog/index.ts';
import { createTestDatabase } from './engines.ts';
import type { TestRuntime } from './runtime.ts';

/** Every leaf dense and in place, the root recomputed from the entries, every checkpoint consistent with the one before. */
export async function assertWellFormed(store: Store, log: TransparencyLog, expected: number): Promise<Uint8Array[]> {
  const rows = await store.db.selectFrom('tlog_leaves').select(['idx', 'entry']).orderBy('idx').execute();
  assert.equal(rows.length, expected);
  for (const [i, r] of rows.entries()) assert.equal(Number(r.idx), i, 'indices are dense');
  const tree = new CompactTree();
  for (const r of rows) tree.appendEntry(new Uint8Array(r.entry));
  const latest = await log.checkpoint();
  assert.ok(latest);
  assert.equal(latest.size, BigInt(expected));
  assert.deepEqual(latest.root, tree.root());
  openCheckpoint(latest.note, { origin: log.origin, log: log.verifier });
  const sizes = (await store.db.selectFrom('tlog_checkpoints').select(['size', 'root']).orderBy('size').execute()).map((c) => ({
    size: BigInt(c.size),
    root: new Uint8Array(c.root),
  }));
  for (let i = 1; i < sizes.length; i++) {
    const [a, b] = [sizes[i - 1], sizes[i]] as [{ size: bigint; root: Uint8Array }, { size: bigint; root: Uint8Array }];
    if (a.size === 0n) continue;
    assert.ok(verifyConsistency(a.size, b.size, await log.consistencyProof(a.size, b.size), a.root, b.root), `${a.size} → ${b.size}`);
  }
  return rows.map((r) => new Uint8Array(r.entry));
}

/** A valid, distinct log entry for each n (a `request_expired` event). */
export function testEntry(n: number, salt = 0): Uint8Array {
  const id = (salt * 0x1000000 + n).toString(16).padStart(12, '0');
  return encodeEntry({ type: 'request_expired', time: '2026-01-01T00:00:00Z', request: `00000000-0000-4000-8000-${id}` });
}

export function testEntries(from: number, to: number, salt = 0): Uint8Array[] {
  return Array.from({ length: to - from }, (_, i) => testEntry(from + i, salt));
}

/** `fetch` answered by an app in-process (inject), for clients under test. */
export function appFetch(app: () => FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const r = await app().inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      ...(init?.body === undefined ? {} : { payload: Buffer.from(init.body as Uint8Array) }),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers.set(k, String(v));
    return new Response(r.statusCode === 204 ? null : new Uint8Array(r.rawPayload), { status: r.statusCode, headers });
  }) as typeof fetch;
}

/**
 * A runtime on a fresh database whose key directory is a copy of `keysFrom`'s: the same
 * log key and origin, another tree (a log that forks).
 */
export async function startRuntimeWithKeys(engine: Engine, keysFrom: string): Promise<TestRuntime> {
  const database = await createTestDatabase(engine);
  cpSync(join(keysFrom, 'keys'), join(database.dataDir, 'keys'), { recursive: true });
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: database.dataDir,
      publicUrl: 'http://mvid.test',
      logLevel: 'silent',
      ...(database.location.engine === 'postgres' ? { databaseUrl: database.location.url } : {}),
    },
  });
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const runtime = await startRuntime(config, { clock, logger: createLogger('silent'), background: false });
  await runtime.app.ready();
  return Object.assign(runtime, {
    clock,
    database,
    async stop() {
      await runtime.close();
      await database.drop();
    },
  });
}
