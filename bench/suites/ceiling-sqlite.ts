/** Ceilings: commit rates of mvid's SQLite store (node:sqlite, WAL, synchronous=FULL) on a temp dir. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/index.ts';
import { emptyCommits, rowCommits } from '../harness/commits.ts';
import { defineSuite } from '../harness/types.ts';

const NOTE = 'openStore on a temp dir: WAL, synchronous=FULL, BEGIN IMMEDIATE; one writer (SQLite has one)';

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
    if (row?.mode !== 'wal' || row.sync !== 2) throw new Error(`SQLite is not WAL + synchronous=FULL (${row?.mode}, ${row?.sync})`);
    ctx.fact('sqlite', `SQLite ${row.version} (node:sqlite), journal_mode=wal, synchronous=FULL, database under ${tmpdir()}`);
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
