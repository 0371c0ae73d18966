/** Job claims: one run per interval across nodes, concurrent claimants included; fencing of stale finishes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestStore, ENGINES } from '../../test/support/engines.ts';
import { claimJob, finishJob } from './jobs.ts';
import { openStore } from './store.ts';
import type { Store } from './store.ts';

const MINUTE = 60_000;

for (const engine of ENGINES) {
  describe(`job claims on ${engine}`, () => {
    let t: Awaited<ReturnType<typeof createTestStore>>;
    let nodes: Store[];
    before(async () => {
      t = await createTestStore(engine);
      // Three nodes with pools of their own on PostgreSQL; SQLite is one node, claiming concurrently.
      nodes = engine === 'postgres' ? [t.store, openStore(t.db.location), openStore(t.db.location)] : [t.store, t.store, t.store];
    });
    after(async () => {
      if (engine === 'postgres') for (const store of nodes.slice(1)) await store.close();
      await t?.close();
    });

    it('three nodes claiming at once: exactly one runs the job', async () => {
      const now = new Date('2026-06-01T12:00:00Z');
      const claims = await Promise.all(nodes.map((store, i) => claimJob(store, 'sweep', { everyMs: MINUTE, holder: `node${i}`, now })));
      assert.equal(claims.filter(Boolean).length, 1);
      assert.equal(claims.find(Boolean)?.fence, 1);
    });

    it('the job is due again one interval later, on any node; a node that died mid-run delays it by one interval only', async () => {
      const early = new Date('2026-06-01T12:00:30Z');
      assert.equal(await claimJob(nodes[1] as Store, 'sweep', { everyMs: MINUTE, holder: 'node1', now: early }), undefined);
      const later = new Date('2026-06-01T12:01:00Z');
      const claim = await claimJob(nodes[2] as Store, 'sweep', { everyMs: MINUTE, holder: 'node2', now: later });
      assert.deepEqual(claim, { name: 'sweep', fence: 2 });
      assert.equal(await finishJob(nodes[2] as Store, claim, later), true);
    });

    it('a run that outlived its claim cannot record its finish over the new holder', async () => {
      const stale = { name: 'sweep', fence: 2 };
      const next = await claimJob(nodes[0] as Store, 'sweep', { everyMs: MINUTE, holder: 'node0', now: new Date('2026-06-01T12:02:00Z') });
      assert.equal(next?.fence, 3);
      assert.equal(await finishJob(nodes[2] as Store, stale, new Date('2026-06-01T12:02:30Z')), false);
      const row = await t.store.db.selectFrom('job_runs').selectAll().where('name', '=', 'sweep').executeTakeFirstOrThrow();
      assert.equal(row.holder, 'node0');
      assert.equal(row.finished_at, null);
    });
  });
}
