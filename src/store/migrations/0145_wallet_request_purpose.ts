/**
 * Wallet requests for recovery and from another device (issue 19): `purpose` says whether
 * the wallet's PID enrols a new person or recovers one (`enrol` | `recover`), and
 * `cross_device` whether the wallet answers from another device (QR code) — then the
 * browser that opened the request finishes it by polling with its cookie, without a
 * response code, since the wallet cannot send that browser anywhere.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('registry_wallet_requests')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('enrol'))
    .execute();
  await db.schema
    .alterTable('registry_wallet_requests')
    .addColumn('cross_device', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
