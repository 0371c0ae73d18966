/**
 * The log's identity is fixed at creation (issue 15): its origin and key are recorded once,
 * and a node configured with another MVID_PUBLIC_URL later refuses to start instead of
 * switching the log's origin in the middle of the tree.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/index.ts';
import { ManualClock, systemRandom } from '../src/core/index.ts';
import { createLogger, type Runtime, startRuntime } from '../src/server/index.ts';
import { ENGINES, createTestStore } from './support/engines.ts';

const clock = new ManualClock('2026-06-01T12:00:00Z');

for (const engine of ENGINES) {
  describe(`the log's origin on ${engine}`, () => {
    let t: Awaited<ReturnType<typeof createTestStore>>;
    let dataDir: string;
    const start = (publicUrl: string): Promise<Runtime> =>
      startRuntime(loadConfig({ env: {}, overrides: { dataDir, publicUrl, logLevel: 'silent' } }), {
        store: t.store,
        clock,
        random: systemRandom,
        logger: createLogger('silent'),
        background: false,
      });
    before(async () => {
      t = await createTestStore(engine);
      dataDir = t.db.dataDir;
      const rt = await start('https://id.example');
      await rt.tlog.integrate();
      await rt.close();
    });
    after(async () => t?.close());

    it('refuses another public URL, naming both origins, and signs nothing under the new one', async () => {
      const before = await t.store.db.selectFrom('tlog_checkpoints').select('note').execute();
      await assert.rejects(start('https://moved.example'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'log_origin_changed');
        assert.match(error.message, /id\.example\/log/);
        assert.match(error.message, /moved\.example\/log/);
        return true;
      });
      assert.deepEqual(await t.store.db.selectFrom('tlog_checkpoints').select('note').execute(), before);
    });

    it('starts again with the URL the log was created with', async () => {
      const rt = await start('https://id.example');
      assert.equal(rt.tlog.origin, 'id.example/log');
      await rt.close();
    });

    it('a log from before the origin was recorded: the origin of its checkpoints is the one', async () => {
      await t.store.db.deleteFrom('service_meta').execute();
      await assert.rejects(start('https://moved.example'), { code: 'log_origin_changed' });
      await (await start('https://id.example')).close();
    });
  });
}
