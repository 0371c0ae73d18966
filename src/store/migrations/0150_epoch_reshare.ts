/**
 * Resharing a trustee set moves its live retention-epoch keys too (issue 17): an epoch key
 * remembers the key it was reshared from (the same escrow public key, held by the new set's
 * trustees) and the key it was reshared to (which opens its envelopes now).
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema.alterTable('registry_escrow_epochs').addColumn('reshared_from', 'text').execute();
  await db.schema.alterTable('registry_escrow_epochs').addColumn('reshared_to', 'text').execute();
}
