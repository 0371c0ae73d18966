/**
 * Dealerless key ceremonies (issue 17): a ceremony, one bearer token per trustee and
 * the messages the trustees exchange through the server. Shares travel sealed to
 * their recipient, so nothing here can open an envelope. Trustee sets remember how their key
 * was made (`ceremony_json`).
 */
import { sql } from 'kysely';
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  // How a set's key was made, as its `trustee_set` log entry says (so the entry can be rebuilt to find its index).
  await db.schema.alterTable('registry_trustee_sets').addColumn('ceremony_json', 'text').execute();
  await db.schema
    .createTable('registry_dkg_ceremonies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('trustees_json', 'text', (c) => c.notNull())
    .addColumn('replace_active', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trustee_set_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema
    .createTable('registry_dkg_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('ceremony_id', 'text', (c) => c.notNull().references('registry_dkg_ceremonies.id'))
    .addColumn('trustee_index', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('registry_dkg_messages')
    .addColumn('ceremony_id', 'text', (c) => c.notNull().references('registry_dkg_ceremonies.id'))
    .addColumn('trustee_index', 'integer', (c) => c.notNull())
    .addColumn('round', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_dkg_messages_pk', ['ceremony_id', 'round', 'trustee_index'])
    .execute();
  await sql`create index registry_dkg_tokens_ceremony on registry_dkg_tokens (ceremony_id)`.execute(db);
}
