/**
 * The deployment's service keys, shared by every node: one row per key (named by its path
 * in a key directory), with a fingerprint every node checks its own keys against and, when
 * the deployment has a key-encryption key, the key sealed under it (AES-256-GCM).
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('service_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
