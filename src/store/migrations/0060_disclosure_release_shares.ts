/**
 * Quorum-gated release (issue 12): which sealed shares the release entries' transcripts
 * commit to. The shares present when the M-th arrived are marked, so the authority client
 * can recompute each logged transcript; spare shares uploaded later are not part of it.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('disclosure_shares')
    .addColumn('in_release', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
