/**
 * Lawful disclosure: authorities, trustee credentials, requests with their logged
 * events, trustee decisions, sealed shares and notification-delay extensions.
 */
import { type CreateTableBuilder, sql } from 'kysely';
import type { MigrationContext } from '../migration.ts';

type Builder = CreateTableBuilder<string, never>;

function serialId(table: Builder, caps: MigrationContext['caps']): Builder {
  return caps.engine === 'postgres'
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export async function up({ db, caps }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('disclosure_authorities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('encryption_key', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();
  await db.schema
    .createTable('disclosure_trustee_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('trustee_set_id', 'text', (c) => c.notNull())
    .addColumn('trustee_index', 'integer', (c) => c.notNull())
    .addColumn('trustee_id', 'text', (c) => c.notNull())
    .addColumn('verification_key', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('encryption_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  // One live credential per trustee: issuing a new one revokes the old in the same transaction.
  await sql`create unique index disclosure_trustee_credentials_live on disclosure_trustee_credentials (trustee_set_id, trustee_index) where revoked_at is null`.execute(
    db,
  );
  await db.schema
    .createTable('disclosure_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('authority_id', 'text', (c) => c.notNull().references('disclosure_authorities.id'))
    .addColumn('trustee_set_id', 'text', (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('trustee_count', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('world_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_json', 'text', (c) => c.notNull())
    .addColumn('court_order', 'text', (c) => c.notNull())
    .addColumn('court_order_json', 'text', (c) => c.notNull())
    .addColumn('offence', 'text', (c) => c.notNull())
    .addColumn('offence_json', 'text', (c) => c.notNull())
    .addColumn('field_groups_json', 'text', (c) => c.notNull())
    .addColumn('emergency', 'integer', (c) => c.notNull())
    .addColumn('notification_delay_days', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('order_document', caps.binaryType)
    .addColumn('order_document_json', 'text')
    .addColumn('released_at', 'text')
    .addColumn('received_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('notify_at', 'text')
    .execute();
  await db.schema.createIndex('disclosure_requests_authority').on('disclosure_requests').columns(['authority_id', 'created_at']).execute();
  await db.schema.createIndex('disclosure_requests_person').on('disclosure_requests').columns(['person_id', 'notify_at']).execute();
  await db.schema.createIndex('disclosure_requests_open').on('disclosure_requests').columns(['status', 'expires_at']).execute();
  await serialId(db.schema.createTable('disclosure_events'), caps)
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('leaf_hash', 'text', (c) => c.notNull().unique())
    .addColumn('entry', caps.binaryType, (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('log_index', caps.bigintType)
    .execute();
  await db.schema.createIndex('disclosure_events_request').on('disclosure_events').column('request_id').execute();
  await db.schema
    .createTable('disclosure_decisions')
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('disclosure_requests.id'))
    .addColumn('trustee_index', 'integer', (c) => c.notNull())
    .addColumn('trustee_key', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('statement_json', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('disclosure_decisions_pk', ['subject_id', 'trustee_index'])
    .execute();
  await db.schema
    .createTable('disclosure_shares')
    .addColumn('request_id', 'text', (c) => c.notNull().references('disclosure_requests.id'))
    .addColumn('trustee_index', 'integer', (c) => c.notNull())
    .addColumn('sealed_json', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('disclosure_shares_pk', ['request_id', 'trustee_index'])
    .execute();
  await db.schema
    .createTable('disclosure_extensions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('disclosure_requests.id'))
    .addColumn('until', 'text', (c) => c.notNull())
    .addColumn('court_order', 'text', (c) => c.notNull())
    .addColumn('court_order_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('disclosure_extensions_request').on('disclosure_extensions').column('request_id').execute();
}
