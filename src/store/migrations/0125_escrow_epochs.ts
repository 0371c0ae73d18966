/**
 * Retention-epoch escrow keys (issue 17, crypto-shredding): one threshold key of a trustee
 * set per epoch of envelope expiry, made by a dealerless key ceremony; the trustees'
 * signed destruction statements once the epoch is over; each envelope's epoch key and
 * expiry; and the epoch a key ceremony is for (a batch of ceremonies shares its tokens).
 */
import { sql } from 'kysely';
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('registry_escrow_epochs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('trustee_set_id', 'text', (c) => c.notNull().references('registry_trustee_sets.id'))
    .addColumn('epoch', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('document_json', 'text', (c) => c.notNull())
    .addColumn('ceremony_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('destroyed_at', 'text')
    .addUniqueConstraint('registry_escrow_epochs_window', ['trustee_set_id', 'starts_at'])
    .execute();
  await db.schema
    .createTable('registry_epoch_destructions')
    .addColumn('escrow_key_id', 'text', (c) => c.notNull().references('registry_escrow_epochs.id'))
    .addColumn('trustee_index', 'integer', (c) => c.notNull())
    .addColumn('statement_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_epoch_destructions_pk', ['escrow_key_id', 'trustee_index'])
    .execute();
  await db.schema.alterTable('registry_envelopes').addColumn('escrow_key_id', 'text').execute();
  await db.schema.alterTable('registry_envelopes').addColumn('expires_at', 'text').execute();
  await sql`create index registry_envelopes_expires on registry_envelopes (expires_at)`.execute(db);
  for (const column of ['epoch', 'epoch_starts_at', 'epoch_ends_at', 'epoch_trustee_set_id', 'batch_id'])
    await db.schema.alterTable('registry_dkg_ceremonies').addColumn(column, 'text').execute();
}
