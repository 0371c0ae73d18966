/**
 * The commit-rate ceilings shared by the SQLite and PostgreSQL suites, through mvid's own
 * `openStore` (so the figures include Kysely and mvid's driver, as every mvid write does).
 */
import type { Store } from '../../src/store/index.ts';
import { asyncOpsPerSecond } from './measure.ts';

/** BEGIN; COMMIT with nothing in between: the round trips, but (on both engines) no log flush. */
export function emptyCommits(store: Store, seconds: number, concurrency = 1): Promise<number> {
  return asyncOpsPerSecond(() => store.transaction(async () => {}), seconds, concurrency);
}

/**
 * One single-row upsert per transaction: the smallest commit that must reach the disk (WAL
 * append and fsync), hence the durable-commit ceiling. Each concurrent writer has its own row.
 */
export function rowCommits(store: Store, seconds: number, concurrency = 1): Promise<number> {
  return asyncOpsPerSecond(
    (worker, n) =>
      store.transaction(async (tx) => {
        const row = { key: `bench-commit-${worker}`, value: String(n), updated_at: new Date().toISOString() };
        await tx
          .insertInto('service_meta')
          .values(row)
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
          .execute();
      }),
    seconds,
    concurrency,
  );
}
