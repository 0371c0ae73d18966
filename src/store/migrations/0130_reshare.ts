/**
 * Resharing an escrow key to a new trustee set (issue 17): a key ceremony is now a DKG or
 * a reshare of one set's key (`kind`, `from_set_id`, the old trustees who re-deal in
 * `dealers_json`); the relay tables are shared. A trustee set remembers the set its key
 * was reshared from and the set that now holds its key.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('registry_dkg_ceremonies')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('dkg'))
    .execute();
  await db.schema.alterTable('registry_dkg_ceremonies').addColumn('from_set_id', 'text').execute();
  await db.schema.alterTable('registry_dkg_ceremonies').addColumn('dealers_json', 'text').execute();
  await db.schema.alterTable('registry_trustee_sets').addColumn('reshared_from', 'text').execute();
  await db.schema.alterTable('registry_trustee_sets').addColumn('reshared_to', 'text').execute();
}
