import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError } from '../src/core/index.ts';
import { MIGRATIONS, openStore, type Store } from '../src/store/index.ts';
import { createTestDatabase, createTestStore, ENGINES } from './support/engines.ts';

for (const engine of ENGINES) {
  describe(`store on ${engine}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    before(async () => {
      ({ store, close } = await createTestStore(engine));
    });
    after(async () => close());

    it('migrates an empty database to the latest schema and is idempotent', async () => {
      assert.equal(store.migrated, true);
      assert.deepEqual(await store.pending(), []);
      const again = await store.migrate();
      assert.deepEqual(again.applied, []);
      assert.equal(again.total, MIGRATIONS.length);
    });

    it('writes and reads through a transaction', async () => {
      await store.transaction(async (tx) => {
        await tx.insertInto('service_meta').values({ key: 'a', value: '1', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
        await tx.insertInto('service_meta').values({ key: 'b', value: '2', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
      });
      const rows = await store.db
        .selectFrom('service_meta')
        .select(['key', 'value'])
        .where('key', 'in', ['a', 'b'])
        .orderBy('key')
        .execute();
      assert.deepEqual(
        rows.map((r) => ({ ...r })),
        [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      );
    });

    it('rolls a failed transaction back entirely', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insertInto('service_meta').values({ key: 'c', value: '3', updated_at: 'x' }).execute();
          throw new Error('boom');
        }),
        /boom/,
      );
      const row = await store.db.selectFrom('service_meta').select('key').where('key', '=', 'c').executeTakeFirst();
      assert.equal(row, undefined);
    });

    it('maps a unique violation to ConflictError', async () => {
      const insert = () => store.db.insertInto('service_meta').values({ key: 'dup', value: 'x', updated_at: 'x' }).execute();
      await insert();
      const error = await insert().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConflictError, `expected ConflictError, got ${String(error)}`);
      assert.equal(error.code, 'conflict');
    });

    it('serialises writers holding the same lock', async () => {
      await store.db.insertInto('service_meta').values({ key: 'counter', value: '0', updated_at: 'x' }).execute();
      const bump = () =>
        store.transaction(async (tx) => {
          await store.lock(tx, 'counter');
          const row = await tx.selectFrom('service_meta').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
          await tx
            .updateTable('service_meta')
            .set({ value: String(Number(row.value) + 1) })
            .where('key', '=', 'counter')
            .execute();
        });
      await Promise.all(Array.from({ length: 20 }, bump));
      const row = await store.db.selectFrom('service_meta').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
      assert.equal(row.value, '20');
    });
  });

  it(`refuses a migration history this build does not know (${engine})`, async () => {
    const db = await createTestDatabase(engine);
    const store = openStore(db.location);
    try {
      await store.migrate([...MIGRATIONS, { name: '9999_future', up: async () => {} }]);
      const older = openStore(db.location);
      try {
        await assert.rejects(older.migrate(), (e: { code?: string }) => e.code === 'migration_failed');
      } finally {
        await older.close();
      }
    } finally {
      await store.close();
      await db.drop();
    }
  });
}
