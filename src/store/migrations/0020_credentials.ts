/**
 * Credentials: status lists and the issued-credential ledger (what revocation needs,
 * nothing more), attribute issuers, OpenID4VCI offers/tokens/nonces, presentation requests.
 */
import type { MigrationContext } from '../migration.ts';

async function statusLists({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('credentials_status_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('bits', 'integer', (c) => c.notNull())
    .addColumn('lst', 'text', (c) => c.notNull())
    .addColumn('allocated', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credentials_status_lists_state').on('credentials_status_lists').columns(['state', 'created_at']).execute();
  await db.schema
    .createTable('credentials_issued')
    .addColumn('list_id', 'text', (c) => c.notNull().references('credentials_status_lists.id'))
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('credential_hash', 'text', (c) => c.notNull())
    .addColumn('source_hash', 'text')
    .addColumn('attribute_issuer_id', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    // The primary key is what makes an index be handed out once, whatever the concurrency.
    .addPrimaryKeyConstraint('credentials_issued_pk', ['list_id', 'idx'])
    .execute();
  await db.schema.createIndex('credentials_issued_person').on('credentials_issued').columns(['person_id', 'revoked_at']).execute();
  await db.schema.createIndex('credentials_issued_source').on('credentials_issued').column('source_hash').execute();
  await db.schema.createIndex('credentials_issued_hash').on('credentials_issued').column('credential_hash').execute();
}

async function issuersAndFlows({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('credentials_attribute_issuers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('iss', 'text', (c) => c.notNull().unique())
    .addColumn('jwks_json', 'text', (c) => c.notNull())
    .addColumn('vcts_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();
  await db.schema
    .createTable('credentials_offers')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('kinds_json', 'text', (c) => c.notNull())
    .addColumn('tx_code_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('credentials_offers_expiry').on('credentials_offers').column('expires_at').execute();
  await db.schema
    .createTable('credentials_access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('kinds_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credentials_access_tokens_expiry').on('credentials_access_tokens').column('expires_at').execute();
  await db.schema
    .createTable('credentials_used_nonces')
    .addColumn('nonce_hash', 'text', (c) => c.primaryKey())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credentials_used_nonces_expiry').on('credentials_used_nonces').column('expires_at').execute();
  await db.schema
    .createTable('credentials_presentation_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('world', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('claims_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('credentials_presentation_requests_expiry')
    .on('credentials_presentation_requests')
    .column('expires_at')
    .execute();
}

export async function up(context: MigrationContext): Promise<void> {
  await statusLists(context);
  await issuersAndFlows(context);
}
