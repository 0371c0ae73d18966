/**
 * The claims an attribute issuer attested (occupation, membership), kept with each
 * re-issued copy, sealed with the data-at-rest key: what a world receives when the
 * person consents to the claim — only while the copy is neither revoked nor expired.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema.alterTable('credentials_issued').addColumn('attested_sealed', 'text').execute();
}
