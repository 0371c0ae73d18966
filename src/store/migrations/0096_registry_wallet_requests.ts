/**
 * Enrolment from a wallet (OpenID4VP, same device): one row per request mvid sent to a
 * wallet — the nonce it asked the PID to answer, which browser started it (a hash of a
 * cookie secret) and, once the wallet answered, who was enrolled and the hash of the
 * response code that browser must bring back. Short-lived; deleted once redeemed or expired.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('registry_wallet_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('error', 'text')
    .addColumn('code_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_wallet_requests_expiry').on('registry_wallet_requests').column('expires_at').execute();
}
