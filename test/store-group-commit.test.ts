/**
 * SQLite group commit (src/store/dialects/sqlite.ts): concurrent write units share one
 * durable COMMIT, yet each is acknowledged only once durable and fails alone. A second,
 * independent connection is the witness: in WAL mode it sees committed data only. The WAL's
 * fsync runs on the thread pool (`WalSync`): the tests hold it (FileHandle#sync) to check that
 * nothing is acknowledged before it returns, and make it fail to check that failure is final.
 */
import assert from 'node:assert/strict';
import { type FileHandle, open } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it, mock } from 'node:test';
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

  /** Replaces FileHandle#sync (the WAL's fsync) for the duration of `body`. */
  async function withSync(replacement: (original: () => Promise<void>) => Promise<void>, body: () => Promise<void>) {
    const probe = await open((database.location as { path: string }).path, 'r');
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const original = prototype.sync;
    const replaced = mock.method(prototype, 'sync', function (this: FileHandle) {
      return replacement(() => original.call(this));
    });
    try {
      await body();
    } finally {
      replaced.mock.restore();
    }
  }

  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  };

  it('acknowledges a write, and answers a read that saw it, only once the WAL is fsynced; the event loop runs meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let syncs = 0;
    await withSync(
      async (original) => {
        syncs += 1;
        await gate;
        return original();
      },
      async () => {
        let acknowledged = false;
        const write = store.db
          .insertInto('service_meta')
          .values(row('synced'))
          .execute()
          .then(() => {
            acknowledged = true;
          });
        await turns(5);
        assert.ok(syncs >= 1, 'the fsync was started');
        assert.ok(committed('synced'), 'committed (another connection sees it)');
        assert.equal(acknowledged, false, 'acknowledged before its fsync returned');
        let answered = false;
        const read = store.db
          .selectFrom('service_meta')
          .select('key')
          .where('key', '=', 'synced')
          .executeTakeFirst()
          .then((found) => {
            answered = true;
            return found;
          });
        await turns(3);
        assert.equal(answered, false, 'a read built on an unsynced commit was answered');
        release();
        await write;
        assert.equal((await read)?.key, 'synced');
        assert.ok(acknowledged);
      },
    );
  });

  it('fails the commit whose fsync fails, and every later one until the store is reopened', async () => {
    const other = await createTestDatabase('sqlite');
    const failing = openStore(other.location);
    try {
      await failing.migrate();
      await withSync(
        async () => {
          throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        },
        async () => {
          await assert.rejects(failing.db.insertInto('service_meta').values(row('lost')).execute());
        },
      );
      // The disk is fine again, but the store cannot know what the failed fsync dropped.
      await assert.rejects(failing.db.insertInto('service_meta').values(row('later')).execute());
    } finally {
      await failing.close();
      await other.drop();
    }
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
