/**
 * Ceilings: commit rates of mvid's SQLite store (node:sqlite, WAL) on a temp dir. Durable as
 * the store is: synchronous=NORMAL and the store's own fsync of the WAL after each commit,
 * before it is acknowledged (src/store/dialects/sqlite.ts, WalSync) — what FULL guaranteed,
 * with the fsync off the event loop.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/index.ts';
import { emptyCommits, rowCommits } from '../harness/commits.ts';
import { defineSuite } from '../harness/types.ts';

const NOTE =
  'openStore on a temp dir: WAL, synchronous=NORMAL + the store’s WAL fsync per commit (durable as FULL), BEGIN IMMEDIATE; one writer (SQLite has one)';

export default defineSuite<Store>({
  name: 'ceiling-sqlite',
  title: 'SQLite commit rates (mvid store)',
  kind: 'ceiling',
  async setup(ctx) {
    const store = openStore({ engine: 'sqlite', path: join(ctx.tempDir('sqlite'), 'bench.sqlite') });
    ctx.defer(() => store.close());
    await store.migrate();
    const { rows } = await sql<{ version: string; mode: string; sync: number }>`
      select sqlite_version() as version, (select journal_mode from pragma_journal_mode) as mode,
             (select synchronous from pragma_synchronous) as sync`.execute(store.db);
    const row = rows[0];
    // 1 = NORMAL: the store makes each commit durable itself (WalSync) before acknowledging it.
    if (row?.mode !== 'wal' || row.sync !== 1) throw new Error(`SQLite is not WAL + synchronous=NORMAL (${row?.mode}, ${row?.sync})`);
    ctx.fact(
      'sqlite',
      `SQLite ${row.version} (node:sqlite), journal_mode=wal, synchronous=NORMAL with the store's WAL fsync per commit, database under ${tmpdir()}`,
    );
    return store;
  },
  benchmarks: [
    {
      id: 'ceiling.sqlite.commit-empty',
      metrics: [
        {
          id: 'ceiling.sqlite.commit-empty',
          title: 'SQLite empty transaction',
          unit: 'commits/s',
          better: 'higher',
          note: `${NOTE}; writes nothing, so no WAL fsync`,
        },
      ],
      async run(store, rep) {
        return { 'ceiling.sqlite.commit-empty': await emptyCommits(store, rep.seconds) };
      },
    },
    {
      id: 'ceiling.sqlite.commit-row',
      metrics: [
        {
          id: 'ceiling.sqlite.commit-row',
          title: 'SQLite durable one-row commit',
          unit: 'commits/s',
          better: 'higher',
          note: `${NOTE}; one upsert per transaction, fsync per commit`,
        },
      ],
      async run(store, rep) {
        return { 'ceiling.sqlite.commit-row': await rowCommits(store, rep.seconds) };
      },
    },
  ],
});
