/**
 * The log store on both engines: dense indices under concurrency (one process and two
 * stores, i.e. two nodes), every checkpoint consistent with the previous one, refusal
 * to sign over altered storage, invalid outbox rows set aside, registry entries
 * integrated from the shared outbox, and witness cosignatures collected.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createRegistryFixture } from '../../test/support/registry.ts';
import { createTestStore, ENGINES } from '../../test/support/engines.ts';
import { assertWellFormed, testEntries, testEntry } from '../../test/support/tlog.ts';
import { ManualClock, MvidError } from '../core/index.ts';
import { openStore, type Store } from '../store/index.ts';
import {
  cosigner,
  createWitness,
  hashLeaf,
  openCheckpoint,
  openTransparencyLog,
  parseEntry,
  type TransparencyLog,
  type WitnessStateStore,
} from './index.ts';

const clock = new ManualClock('2026-06-01T12:00:00Z');
const ORIGIN = 'mvid.test/log';

function logOn(store: Store, seed: Uint8Array, extra: Partial<Parameters<typeof openTransparencyLog>[0]> = {}): TransparencyLog {
  return openTransparencyLog({ store, keys: { logSigning: { seed } }, origin: ORIGIN, clock, ...extra });
}

for (const engine of ENGINES) {
  describe(`log store on ${engine}`, () => {
    it('concurrent appenders get dense, unique indices, one per entry', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const log = logOn(store, randomBytes(32));
        const batches = Array.from({ length: 24 }, (_, b) => testEntries(b * 37, (b + 1) * 37));
        const indices = await Promise.all(batches.map((batch) => log.appendEntries(batch)));
        const all = indices.flat().map(Number);
        assert.deepEqual(
          [...all].sort((a, b) => a - b),
          Array.from({ length: 24 * 37 }, (_, i) => i),
        );
        const entries = await assertWellFormed(store, log, 24 * 37);
        for (const [b, batch] of batches.entries()) {
          for (const [i, e] of batch.entries()) assert.deepEqual(entries[Number(indices[b]?.[i])], e);
        }
        assert.equal(await log.findByLeafHash(hashLeaf(batches[5]?.[3] as Uint8Array)), indices[5]?.[3]);
      } finally {
        await close();
      }
    });

    // Two stores in one process only on PostgreSQL: node:sqlite is synchronous, so one store's
    // busy wait would block the other's transaction; test/tlog-writers.test.ts runs two processes on both engines.
    const twoStores = engine === 'postgres' ? it : () => {};
    twoStores('two stores (two nodes) appending and integrating at once never fork the log', async () => {
      const { store, db, close } = await createTestStore(engine);
      const second = openStore(db.location);
      try {
        const seed = randomBytes(32);
        const a = logOn(store, seed);
        const b = logOn(second, seed);
        const work = (log: TransparencyLog, salt: number) =>
          Promise.all(
            Array.from({ length: 4 }, async (_, w) => {
              for (let round = 0; round < 6; round++) {
                const batch = testEntries(round * 100 + w * 10, round * 100 + w * 10 + 10, salt);
                if (round % 2 === 0) await log.appendEntries(batch);
                else {
                  await (log === a ? store : second).transaction((tx) => log.enqueue(tx, batch));
                  await log.integrate();
                }
              }
            }),
          );
        await Promise.all([work(a, 1), work(b, 2)]);
        await a.integrate();
        const entries = await assertWellFormed(store, a, 2 * 4 * 6 * 10);
        assert.equal(new Set(entries.map((e) => Buffer.from(e).toString('hex'))).size, entries.length, 'no entry twice');
        assert.equal((await store.db.selectFrom('log_outbox').select('id').execute()).length, 0);
      } finally {
        await second.close();
        await close();
      }
    });

    it('refuses to sign when the stored tree was altered, and signs nothing twice', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const log = logOn(store, randomBytes(32));
        await log.appendEntries(testEntries(0, 40));
        await store.db
          .updateTable('tlog_hashes')
          .set({ hash: randomBytes(32) })
          .where('level', '=', 3)
          .where('idx', '=', 4)
          .execute();
        await assert.rejects(log.appendEntries([testEntry(40)]), (e: unknown) => e instanceof MvidError && e.code === 'tlog_inconsistent');
        const before = await log.checkpoint();
        assert.equal(before?.size, 40n);
        // The refused entry was never committed; the log still serves what it signed.
        assert.equal((await store.db.selectFrom('tlog_leaves').select('idx').execute()).length, 40);
      } finally {
        await close();
      }
    });

    it('refuses to sign when its latest checkpoint note was replaced', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const seed = randomBytes(32);
        const log = logOn(store, seed);
        await log.appendEntries(testEntries(0, 10));
        const other = await createTestStore(engine);
        const fork = logOn(other.store, seed);
        await fork.appendEntries(testEntries(0, 10, 9));
        const forged = (await fork.checkpoint())?.note as string;
        await other.close();
        await store.db.updateTable('tlog_checkpoints').set({ note: forged }).where('size', '=', 10).execute();
        await assert.rejects(log.appendEntries([testEntry(10)]), /does not match its recorded root/);
      } finally {
        await close();
      }
    });

    it('sets aside outbox rows that are not valid entries instead of blocking the queue', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const rejected: number[] = [];
        const log = logOn(store, randomBytes(32), { events: { rejected: (id) => rejected.push(id) } });
        await assert.rejects(
          store.transaction((tx) => log.enqueue(tx, [new TextEncoder().encode('not an entry\n')])),
          (e: unknown) => e instanceof MvidError && e.code === 'entry_invalid',
        );
        await assert.rejects(
          log.appendEntries([new Uint8Array(70_000).fill(0x61)]),
          (e: unknown) => e instanceof MvidError && e.code === 'entry_too_large',
        );
        const [bad] = (
          await store.db
            .insertInto('log_outbox')
            .values({ entry: new TextEncoder().encode('free text\n'), queued_at: clock.now().toISOString() })
            .returning('id')
            .execute()
        ).map((r) => Number(r.id));
        await store.transaction((tx) => log.enqueue(tx, [testEntry(1)]));
        const report = await log.integrate();
        assert.deepEqual([report.integrated, report.rejected], [1, 1]);
        assert.deepEqual(rejected, [bad]);
        const row = await store.db.selectFrom('tlog_rejected').selectAll().executeTakeFirstOrThrow();
        assert.match(row.reason, /mvid-log-entry/);
        assert.equal(await log.size(), 1n);
      } finally {
        await close();
      }
    });

    it('integrates what the registry queued in its outbox', async () => {
      const fixture = await createRegistryFixture(engine);
      try {
        const log = logOn(fixture.store, fixture.keys.logSigning.seed);
        const report = await log.integrate();
        assert.ok(report.integrated >= 1, 'the trustee set publication was queued');
        const events = (await log.entries(0n, await log.size())).map((l) => parseEntry(l.entry));
        const published = events.find((e) => e.type === 'trustee_set');
        assert.equal(published?.type === 'trustee_set' ? published.trusteeSet : undefined, fixture.trusteeSet?.id);
      } finally {
        await fixture.close();
      }
    });

    it('collects witness cosignatures and serves the cosigned checkpoint', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const records = new Map<string, { size: bigint; root: Uint8Array; note: string }>();
        const state: WitnessStateStore = { load: async (o) => records.get(o) ?? null, save: async (o, r) => void records.set(o, r) };
        const seed = randomBytes(32);
        const logVerifier = logOn(store, seed).verifier;
        const witnesses = ['w1', 'w2'].map((name) => {
          const key = cosigner(`witness.test/${name}`, randomBytes(32), clock);
          return { key, service: createWitness({ cosigner: key, logs: [{ origin: ORIGIN, verifier: logVerifier }], store: state }) };
        });
        let calls = 0;
        const witnessFetch = (async (url: string, init?: RequestInit) => {
          calls++;
          const w = witnesses[url.includes('w1') ? 0 : 1];
          const answer = await w?.service.addCheckpoint(new Uint8Array(init?.body as Uint8Array));
          return new Response(answer?.body, { status: answer?.status ?? 500, headers: { 'content-type': answer?.contentType ?? '' } });
        }) as typeof fetch;
        const endpoints = witnesses.map((w, i) => ({ url: `http://w${i + 1}.test`, verifier: w.key.verifier }));
        // w2 shares w1's state store, so it answers 409 with w1's size: the pusher learns it and retries.
        const log = logOn(store, seed, { witnesses: { endpoints, threshold: 2, fetch: witnessFetch } });
        await log.appendEntries(testEntries(0, 5));
        await log.witnessesIdle();
        await log.appendEntries(testEntries(5, 12));
        await log.witnessesIdle();
        const latest = await log.checkpoint();
        assert.equal(latest?.size, 12n);
        assert.equal(latest?.cosignatures, 2);
        const policy = { witnesses: endpoints.map((e) => e.verifier), threshold: 2 };
        const opened = openCheckpoint(latest?.cosignedNote as string, { origin: ORIGIN, log: log.verifier, policy });
        assert.equal(opened.cosignatures.length, 2);
        assert.ok(calls >= 4);
      } finally {
        await close();
      }
    });

    it('a checkpoint whose signer died before pushing it is pushed to the witnesses by another node', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const seed = randomBytes(32);
        const { key, fetch: witnessFetch } = witnessInMemory(store, seed);
        // The first node signs and dies before its push: here, a node without the witness configured.
        await logOn(store, seed).appendEntries(testEntries(0, 3));
        const endpoints = [{ url: 'http://w1.test', verifier: key.verifier }];
        const survivor = logOn(store, seed, { witnesses: { endpoints, threshold: 1, fetch: witnessFetch } });
        const stop = survivor.start(10, (error) => assert.fail(String(error)));
        try {
          const deadline = Date.now() + 5_000;
          while ((await survivor.checkpoint())?.cosignatures !== 1) {
            assert.ok(Date.now() < deadline, 'the uncosigned checkpoint was not pushed');
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          assert.equal((await survivor.checkpoint())?.size, 3n);
        } finally {
          await stop(); // waits for the running tick: nothing reads the store after close
        }
      } finally {
        await close();
      }
    });

    it('pushes the latest checkpoint again once a witness that was down answers', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const seed = randomBytes(32);
        let down = true;
        const { key, fetch: witnessFetch } = witnessInMemory(store, seed, () => down);
        const endpoints = [{ url: 'http://w1.test', verifier: key.verifier }];
        const log = logOn(store, seed, { witnesses: { endpoints, threshold: 1, fetch: witnessFetch } });
        await log.appendEntries(testEntries(0, 3));
        await log.witnessLatest();
        assert.equal((await latestSigned(store))?.cosignatures, 0, 'the witness was down');
        down = false;
        await log.witnessLatest();
        const latest = await log.checkpoint();
        assert.equal(latest?.size, 3n);
        assert.equal(latest?.cosignatures, 1);
      } finally {
        await close();
      }
    });
  });
}

/** A witness of the log `seed` signs on `store`, its state in memory, reached through `fetch` (refused while `isDown()`). */
function witnessInMemory(store: Store, seed: Uint8Array, isDown: () => boolean = () => false) {
  const records = new Map<string, { size: bigint; root: Uint8Array; note: string }>();
  const state: WitnessStateStore = { load: async (o) => records.get(o) ?? null, save: async (o, r) => void records.set(o, r) };
  const key = cosigner('witness.test/w1', randomBytes(32), clock);
  const service = createWitness({ cosigner: key, logs: [{ origin: ORIGIN, verifier: logOn(store, seed).verifier }], store: state });
  const reach = (async (_url: string, init?: RequestInit) => {
    if (isDown()) throw new Error('connection refused');
    const answer = await service.addCheckpoint(new Uint8Array(init?.body as Uint8Array));
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.contentType ?? '' } });
  }) as typeof globalThis.fetch;
  return { key, fetch: reach };
}

async function latestSigned(store: Awaited<ReturnType<typeof createTestStore>>['store']) {
  return store.db.selectFrom('tlog_checkpoints').select(['size', 'cosignatures']).orderBy('size', 'desc').executeTakeFirst();
}
