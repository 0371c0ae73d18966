/**
 * SQLite group commit (src/store/dialects/sqlite.ts): concurrent write units share one
 * durable COMMIT, yet each is acknowledged only once durable and fails alone. A second,
 * independent connection is the witness: in WAL mode it sees committed data only.
 */
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { ConflictError } from '../src/core/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from './support/engines.ts';

const row = (key: string) => ({ key, value: key, updated_at: '2026-01-01T00:00:00.000Z' });

describe('SQLite group commit', () => {
  let database: TestDatabase;
  let store: Store;
  let witness: DatabaseSync;
  before(async () => {
    database = await createTestDatabase('sqlite');
    store = openStore(database.location);
    await store.migrate();
    witness = new DatabaseSync((database.location as { path: string }).path, { readOnly: true });
  });
  after(async () => {
    witness.close();
    await store.close();
    await database.drop();
  });

  const committed = (key: string): boolean => witness.prepare('select 1 from service_meta where key = ?').get(key) !== undefined;

  it('acknowledges each of many concurrent writes only once another connection can see it', async () => {
    const writes = Array.from({ length: 60 }, (_, i) => {
      const key = `w${i}`;
      const write =
        i % 3 === 0
          ? store.transaction(async (tx) => {
              await tx.insertInto('service_meta').values(row(key)).execute();
              await tx.updateTable('service_meta').set({ value: 'updated' }).where('key', '=', key).execute();
            })
          : store.db.insertInto('service_meta').values(row(key)).execute();
      return write.then(() => assert.ok(committed(key), `${key} acknowledged before it was committed`));
    });
    await Promise.all(writes);
  });

  it('lets one unit of a group fail without taking the others with it', async () => {
    await store.db.insertInto('service_meta').values(row('taken')).execute();
    const [a, b, c, d] = await Promise.allSettled([
      store.transaction(async (tx) => {
        await tx.insertInto('service_meta').values(row('a')).execute();
      }),
      store.transaction(async (tx) => {
        await tx.insertInto('service_meta').values(row('b')).execute();
        throw new Error('boom');
      }),
      store.db.insertInto('service_meta').values(row('taken')).execute(),
      store.db.insertInto('service_meta').values(row('d')).execute(),
    ]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'rejected');
    assert.equal(c.status, 'rejected');
    assert.ok(c.status === 'rejected' && c.reason instanceof ConflictError, 'the duplicate is a ConflictError');
    assert.equal(d.status, 'fulfilled');
    assert.deepEqual([committed('a'), committed('b'), committed('d')], [true, false, true]);
  });

  it('answers a read made while writes are pending only once those writes are durable', async () => {
    const write = store.db.insertInto('service_meta').values(row('pending')).execute();
    const read = await store.db.selectFrom('service_meta').select('key').where('key', '=', 'pending').executeTakeFirst();
    assert.equal(read?.key, 'pending');
    assert.ok(committed('pending'), 'the read saw a row that was not yet durable');
    await write;
  });

  it('commits an open group when the store closes', async () => {
    const other = await createTestDatabase('sqlite');
    try {
      const first = openStore(other.location);
      await first.migrate();
      const write = first.db.insertInto('service_meta').values(row('at-close')).execute();
      await first.close();
      await write;
      const second = openStore(other.location);
      const found = await second.db.selectFrom('service_meta').select('key').where('key', '=', 'at-close').executeTakeFirst();
      await second.close();
      assert.equal(found?.key, 'at-close');
    } finally {
      await other.drop();
    }
  });
});
