/**
 * MVID_DATABASE_READ_URL: the log's public reads come from a read replica, and from the
 * primary whatever the replica does not hold yet (read-your-writes); the other public reads
 * that may lag (transparency figures, moderation statistics, status lists) come from the
 * replica, and from the primary when it fails. The "replica" here is
 * a second PostgreSQL database that holds a copy of the log's tables at an earlier size,
 * like a lagging standby; one of its entries is marked so that a test can see who answered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { loadConfig } from '../src/config/index.ts';
import { ManualClock, systemRandom } from '../src/core/index.ts';
import { createLogger, type Runtime, startRuntime } from '../src/server/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from './support/engines.ts';
import { testEntries, testEntry } from './support/tlog.ts';

const TABLES = ['tlog_leaves', 'tlog_hashes', 'tlog_checkpoints', 'tlog_state'] as const;
const REPORT_ZERO = {
  requests: 0,
  emergency_requests: 0,
  approvals: 0,
  denials: 0,
  releases: 0,
  released_envelopes: 0,
  denied_requests: 0,
  expired_requests: 0,
};
const REPLICA_LIST = 'replicaOnlyList0';
const LST = deflateSync(Buffer.alloc(131072 / 8)).toString('base64url');
const STAMPS = { created_at: '2026-06-01T12:00:00Z', updated_at: '2026-06-01T12:00:00Z' };
interface TransparencySnapshot {
  disclosure: { totals: { requests: number } };
  log: { sizeByDay: Array<{ size: number }> };
}

describe('the log read from a lagging read replica', () => {
  let primaryDb: TestDatabase;
  let replicaDb: TestDatabase;
  let replica: Store;
  let rt: Runtime;
  const get = (url: string) => rt.app.inject({ method: 'GET', url });

  before(async () => {
    primaryDb = await createTestDatabase('postgres');
    replicaDb = await createTestDatabase('postgres');
    const url = (db: TestDatabase) => (db.location.engine === 'postgres' ? db.location.url : '');
    const config = loadConfig({
      env: { MVID_DATABASE_URL: url(primaryDb), MVID_DATABASE_READ_URL: url(replicaDb) },
      overrides: { dataDir: primaryDb.dataDir, publicUrl: 'http://mvid.test', logLevel: 'silent' },
    });
    rt = await startRuntime(config, {
      clock: new ManualClock('2026-06-01T12:00:00Z'),
      random: systemRandom,
      logger: createLogger('silent'),
      background: false,
    });
    await rt.tlog.appendEntries(testEntries(0, 300));
    // Replication up to size 300, then the primary moves on to 600.
    replica = openStore(replicaDb.location);
    await replica.migrate();
    for (const table of TABLES) {
      const rows = await rt.store.db.selectFrom(table).selectAll().execute();
      for (let i = 0; i < rows.length; i += 500)
        await replica.db
          .insertInto(table)
          .values(rows.slice(i, i + 500))
          .execute();
    }
    await replica.db
      .updateTable('tlog_leaves')
      .set({ entry: testEntry(999) })
      .where('idx', '=', 0)
      .execute();
    await rt.tlog.appendEntries(testEntries(300, 600));
  });
  after(async () => {
    await rt?.close();
    await replica?.close();
    await primaryDb?.drop();
    await replicaDb?.drop();
  });

  it('serves what the replica holds from the replica', async () => {
    const page = (await get('/log/v1/entries?start=0&end=1')).json() as { entries: Array<{ entry: string }> };
    assert.equal(page.entries[0]?.entry, Buffer.from(testEntry(999)).toString('base64url'), 'the marked replica entry');
  });

  it('serves what only the primary holds yet from the primary: entries, tiles, proofs', async () => {
    const page = (await get('/log/v1/entries?start=550&end=551')).json() as { entries: Array<{ entry: string }> };
    assert.equal(page.entries[0]?.entry, Buffer.from(testEntry(550)).toString('base64url'));
    assert.equal((await get('/log/tile/0/002.p/88')).statusCode, 200);
    assert.equal((await get('/log/tile/entries/002.p/88')).statusCode, 200);
    const proof = await get('/log/v1/proof/inclusion?index=550&size=600');
    assert.equal(proof.statusCode, 200, proof.body);
    assert.equal((await get('/log/v1/proof/consistency?first=300&second=600')).statusCode, 200);
  });

  it('takes checkpoints from the primary, so the log never appears to go back', async () => {
    const latest = (await get('/log/v1/checkpoints/latest')).json() as { size: number };
    assert.equal(latest.size, 600);
  });

  it('serves the log size history, the transparency figures and status lists from the replica', async () => {
    // Marks only the replica holds: a disclosure total and a status list.
    await replica.db
      .insertInto('disclosure_report_figures')
      .values({ dimension: 'total', key: '', unverified: 0, ...REPORT_ZERO, requests: 42 })
      .execute();
    await replica.db
      .insertInto('credentials_status_lists')
      .values({ id: REPLICA_LIST, size: 131072, bits: 1, lst: LST, allocated: 0, revision: 1, state: 'open', ...STAMPS })
      .execute();
    const report = (await get('/transparency.json')).json() as TransparencySnapshot;
    assert.equal(report.disclosure.totals.requests, 42, 'the replica figure');
    assert.deepEqual(
      report.log.sizeByDay.map((d) => d.size),
      [300],
      'the size history as replicated, while the checkpoint is the primary one',
    );
    const status = await get(`/credentials/status/${REPLICA_LIST}`);
    assert.equal(status.statusCode, 200, status.body);
    assert.match(status.headers['content-type'] as string, /statuslist\+jwt/);
  });

  it('answers from the primary when the replica is down', async () => {
    await replicaDb.drop();
    const report = (await get('/transparency.json')).json() as TransparencySnapshot;
    assert.equal(report.disclosure.totals.requests, 0, 'the primary figure');
    assert.deepEqual(
      report.log.sizeByDay.map((d) => d.size),
      [600],
    );
    assert.equal((await get(`/credentials/status/${REPLICA_LIST}`)).statusCode, 404, 'the primary has no such list');
    const page = await get('/log/v1/entries?start=0&end=1');
    assert.equal(page.statusCode, 200, page.body);
    assert.equal((page.json() as { entries: Array<{ entry: string }> }).entries[0]?.entry, Buffer.from(testEntry(0)).toString('base64url'));
  });

  it('needs PostgreSQL as the primary', () => {
    assert.throws(() => loadConfig({ env: { MVID_DATABASE_READ_URL: 'postgres://replica/mvid' } }), { code: 'config_invalid' });
  });
});
