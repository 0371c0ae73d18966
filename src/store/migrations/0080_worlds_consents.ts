/**
 * Consent a person gave a world, per person + world, kept until the person withdraws it
 * (or the account closes): a sign-in from another browser, or after signing out of the
 * world, is not asked again. oidc-provider's grants stay per browser session; this is
 * the record new grants are built from.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('worlds_consents')
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('world_id', 'text', (c) => c.notNull())
    .addColumn('consent_json', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worlds_consents_pk', ['person_id', 'world_id'])
    .execute();
}
