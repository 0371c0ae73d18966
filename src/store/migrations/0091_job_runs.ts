/**
 * Background jobs run once across the cluster: one row per job with the next time it is
 * due, the node that claimed the current run and a fencing number that grows with every
 * claim (a node that lost its claim cannot record a finish over the new holder's).
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('job_runs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('fence', 'integer', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}
