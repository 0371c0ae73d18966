/**
 * Which pseudonym a world knows its users by (`pseudonyms`): `oidc`, its OpenID Connect
 * pairwise `sub` (the default, what every world registered before knew), or `blind`, its
 * IdP-blind sign-in pseudonym (docs/blind-signin.md). Moderation names persons to the world
 * by this kind.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('worlds')
    .addColumn('pseudonyms', 'text', (c) => c.notNull().defaultTo('oidc'))
    .execute();
}
