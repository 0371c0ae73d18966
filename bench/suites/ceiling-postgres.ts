/**
 * Ceilings: commit rates of mvid's PostgreSQL store on a durable cluster (fsync and
 * synchronous_commit on) on loopback. Unavailable, not failed, when there is no PostgreSQL.
 */
import { openStore, type Store } from '../../src/store/index.ts';
import { emptyCommits, rowCommits } from '../harness/commits.ts';
import { type Benchmark, defineSuite } from '../harness/types.ts';

const CONCURRENT = 16;

function commits(id: string, title: string, note: string, measure: (store: Store, seconds: number) => Promise<number>): Benchmark<Store> {
  return {
    id,
    metrics: [{ id, title, unit: 'commits/s', better: 'higher', note }],
    async run(store, rep) {
      return { [id]: await measure(store, rep.seconds) };
    },
  };
}

export default defineSuite<Store>({
  name: 'ceiling-postgres',
  title: 'PostgreSQL commit rates (mvid store)',
  kind: 'ceiling',
  async setup(ctx) {
    const database = await ctx.postgres();
    if (!database.durable)
      ctx.log(`WARNING: ${database.version} is not durable (fsync or synchronous_commit off); figures are not ceilings`);
    const store = openStore({ engine: 'postgres', url: database.url, poolSize: CONCURRENT + 1 });
    ctx.defer(() => store.close());
    await store.migrate();
    return store;
  },
  benchmarks: [
    commits(
      'ceiling.postgres.commit-empty',
      'PostgreSQL empty transaction',
      'openStore (pg pool), one client; BEGIN; COMMIT assigns no transaction id, so no WAL flush',
      (store, seconds) => emptyCommits(store, seconds),
    ),
    commits(
      'ceiling.postgres.commit-row',
      'PostgreSQL durable one-row commit',
      'openStore (pg pool), one client, one upsert per transaction, WAL flush per commit',
      (store, seconds) => rowCommits(store, seconds),
    ),
    commits(
      'ceiling.postgres.commit-row-c16',
      'PostgreSQL durable one-row commits, 16 clients',
      `openStore (pg pool), ${CONCURRENT} concurrent transactions on their own rows; group commit shares WAL flushes`,
      (store, seconds) => rowCommits(store, seconds, CONCURRENT),
    ),
  ],
});
