/**
 * The retention sweeper with several nodes: sweeps running at once on the same database
 * delete each envelope once and log each deletion once; the timer runs and stops cleanly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEntry } from '../tlog/index.ts';
import { ENGINES } from '../../test/support/engines.ts';
import { buildTestRegistry, createRegistryFixture, devPid, personClaims, present } from '../../test/support/registry.ts';
import type { PersonPrincipal } from './sessions.ts';

for (const engine of ENGINES) {
  describe(`retention sweeper on ${engine}`, () => {
    it('three nodes sweeping at once delete and log every envelope exactly once', async () => {
      const f = await createRegistryFixture(engine, { retentionDays: 7 });
      try {
        const persons = 5;
        for (let i = 0; i < persons; i++) {
          const { credential, holder } = await devPid(f, personClaims());
          const enrolled = await f.registry.enrolments.enrol(await present(f, credential, holder));
          await f.registry.self.close((await f.registry.sessions.authenticate(enrolled.session.token)) as PersonPrincipal);
        }
        f.clock.advanceDays(8);
        // Other nodes: their own registry objects over the same database (PostgreSQL: separate pooled connections).
        const nodes = [
          f.registry,
          buildTestRegistry(f.store, f.clock, f.keys, 'development', 7, undefined, f.db.dataDir),
          buildTestRegistry(f.store, f.clock, f.keys, 'development', 7, undefined, f.db.dataDir),
        ];
        const reports = await Promise.all(nodes.map((node) => node.sweeper.sweep()));
        const total = reports.reduce(
          (sum, r) => ({ envelopes: sum.envelopes + r.envelopes, tags: sum.tags + r.tags, persons: sum.persons + r.persons }),
          { envelopes: 0, tags: 0, persons: 0 },
        );
        assert.deepEqual(total, { envelopes: persons * 4, tags: persons, persons });
        const rows = await f.store.db.selectFrom('log_outbox').select('entry').execute();
        const events = rows.map((r) => parseEntry(new Uint8Array(r.entry)));
        const destroyed = events.filter((e) => e.type === 'envelope_destroyed') as Array<{ envelope: string }>;
        assert.equal(destroyed.length, persons * 4);
        assert.equal(new Set(destroyed.map((d) => d.envelope)).size, persons * 4, 'no envelope is logged twice');
        assert.equal(events.filter((e) => e.type === 'person_event' && (e as { action: string }).action === 'swept').length, persons);
      } finally {
        await f.close();
      }
    });

    it('runs on a timer until stopped, reporting each sweep', async () => {
      const f = await createRegistryFixture(engine, { trustees: false });
      try {
        const reports: unknown[] = [];
        const stop = f.registry.sweeper.start(0.01, { done: (r) => reports.push(r), failed: (e) => reports.push(e) });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await stop();
        const count = reports.length;
        assert.ok(count >= 1, 'at least one sweep ran');
        assert.ok(reports.every((r) => !(r instanceof Error)));
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(reports.length, count, 'no sweep after stop');
      } finally {
        await f.close();
      }
    });
  });
}
