/**
 * The registry: issuers, trustee sets, persons and what hangs off them, plus the shared
 * admin-token, person-session and log-outbox tables. Timestamps are ISO-8601 text.
 */
import { type CreateTableBuilder, sql } from 'kysely';
import type { MigrationContext } from '../migration.ts';

type Builder = CreateTableBuilder<string, never>;

/** An auto-incrementing 64-bit primary key on either engine. */
function serialId(table: Builder, caps: MigrationContext['caps']): Builder {
  return caps.engine === 'postgres'
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

async function issuersAndTrustees({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('registry_issuers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('iss', 'text', (c) => c.notNull().unique())
    .addColumn('jwks_json', 'text', (c) => c.notNull())
    .addColumn('claims_json', 'text', (c) => c.notNull())
    .addColumn('namespaces_json', 'text', (c) => c.notNull())
    .addColumn('vcts_json', 'text', (c) => c.notNull())
    .addColumn('dev', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();
  await db.schema
    .createTable('registry_trustee_sets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('trustee_count', 'integer', (c) => c.notNull())
    .addColumn('document_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  // At most one active set, enforced by the database rather than by care.
  await db.schema
    .createIndex('registry_trustee_sets_one_active')
    .on('registry_trustee_sets')
    .column('status')
    .unique()
    .where(sql.ref('status'), '=', sql.lit('active'))
    .execute();
}

async function persons({ db, caps }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('registry_persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('purge_after', 'text')
    .addColumn('swept_at', 'text')
    .execute();
  await db.schema.createIndex('registry_persons_purge').on('registry_persons').columns(['status', 'purge_after']).execute();
  await db.schema
    .createTable('registry_tags')
    .addColumn('tag', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().unique().references('registry_persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('purge_after', 'text')
    .execute();
  await db.schema.createIndex('registry_tags_purge').on('registry_tags').column('purge_after').execute();
  await db.schema
    .createTable('registry_attributes')
    .addColumn('person_id', 'text', (c) => c.notNull().references('registry_persons.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('sealed', caps.binaryType, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_attributes_pk', ['person_id', 'field'])
    .execute();
  await db.schema
    .createTable('registry_holder_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('registry_persons.id'))
    .addColumn('jwk_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('registry_holder_keys_person').on('registry_holder_keys').column('person_id').execute();
  await serialId(db.schema.createTable('registry_events'), caps)
    .addColumn('person_id', 'text', (c) => c.notNull().references('registry_persons.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_events_person').on('registry_events').columns(['person_id', 'id']).execute();
}

async function envelopesAndNonces({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('registry_envelopes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('registry_persons.id'))
    .addColumn('field_group', 'text', (c) => c.notNull())
    .addColumn('trustee_set_id', 'text', (c) => c.notNull().references('registry_trustee_sets.id'))
    .addColumn('envelope_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('superseded_at', 'text')
    .addColumn('purge_after', 'text')
    .execute();
  await db.schema.createIndex('registry_envelopes_person').on('registry_envelopes').column('person_id').execute();
  await db.schema.createIndex('registry_envelopes_purge').on('registry_envelopes').column('purge_after').execute();
  await db.schema
    .createTable('registry_used_nonces')
    .addColumn('nonce_hash', 'text', (c) => c.primaryKey())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_used_nonces_expiry').on('registry_used_nonces').column('expires_at').execute();
}

async function authAndOutbox({ db, caps }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('admin_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createTable('person_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'text', (c) => c.notNull().references('registry_persons.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('holder_key_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('person_sessions_person').on('person_sessions').column('person_id').execute();
  await db.schema.createIndex('person_sessions_expiry').on('person_sessions').column('expires_at').execute();
  await serialId(db.schema.createTable('log_outbox'), caps)
    .addColumn('entry', caps.binaryType, (c) => c.notNull())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .execute();
}

export async function up(context: MigrationContext): Promise<void> {
  await issuersAndTrustees(context);
  await persons(context);
  await envelopesAndNonces(context);
  await authAndOutbox(context);
}
