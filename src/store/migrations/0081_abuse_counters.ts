/**
 * Abuse limits (src/abuse): one fixed-window counter per (bucket, key), updated in a single
 * upsert so that on PostgreSQL every node shares them. Keys are stored hashed: the counter
 * of an IP address or a client id is never readable from a dump. Rows are swept once
 * their window has passed.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('abuse_counters')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('abuse_counters_window_end').on('abuse_counters').column('window_end').execute();
}
