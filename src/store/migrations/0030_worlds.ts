/**
 * Worlds: registered OpenID Connect clients, oidc-provider's models, passkeys, browser
 * sessions, WebAuthn challenges, per-world handles and the record of releases.
 * Person ids are not foreign keys here: closure and sweeping are signalled by the
 * registry's hooks, and a swept person's rows are removed by src/worlds itself.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('worlds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('metadata_json', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('jwks_json', 'text')
    .addColumn('secret_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();
  await db.schema
    .createTable('oidc_models')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('account_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('consumed_at', 'text')
    .addColumn('expires_at', 'text')
    .addPrimaryKeyConstraint('oidc_models_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_models_grant').on('oidc_models').column('grant_id').execute();
  await db.schema.createIndex('oidc_models_account').on('oidc_models').columns(['account_id', 'model']).execute();
  await db.schema.createIndex('oidc_models_uid').on('oidc_models').columns(['model', 'uid']).execute();
  await db.schema.createIndex('oidc_models_user_code').on('oidc_models').columns(['model', 'user_code']).execute();
  await db.schema.createIndex('oidc_models_expiry').on('oidc_models').column('expires_at').execute();
  await db.schema
    .createTable('worlds_passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports_json', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('worlds_passkeys_person').on('worlds_passkeys').column('person_id').execute();
  await db.schema
    .createTable('worlds_web_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('worlds_web_sessions_person').on('worlds_web_sessions').column('person_id').execute();
  await db.schema.createIndex('worlds_web_sessions_expiry').on('worlds_web_sessions').column('expires_at').execute();
  await db.schema
    .createTable('worlds_challenges')
    .addColumn('challenge', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('worlds_challenges_expiry').on('worlds_challenges').column('expires_at').execute();
  await db.schema
    .createTable('worlds_handles')
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('skeleton', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worlds_handles_pk', ['world_id', 'person_id'])
    .addUniqueConstraint('worlds_handles_skeleton', ['world_id', 'skeleton'])
    .execute();
  await db.schema
    .createTable('worlds_releases')
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('claims_json', 'text', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worlds_releases_pk', ['world_id', 'person_id'])
    .execute();
  await db.schema.createIndex('worlds_releases_person').on('worlds_releases').column('person_id').execute();
}
