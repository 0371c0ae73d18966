/**
 * The pseudonym index (issue 18): world id + pseudonym → person id, so resolving a
 * pseudonym for a disclosure request is one indexed read, never a scan of persons. It is
 * a cache of a deterministic function (the pseudonym VRF, src/crypto vrf.ts): a row is
 * written when a pseudonym is first handed to a world (a sign-in's `sub`), and a row is
 * only trusted after the VRF is evaluated again on its person id. There is no backfill —
 * it would need the VRF key, which migrations never see — so pseudonyms handed out before
 * this migration are indexed at the person's next sign-in to that world (nothing was
 * deployed before it).
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('worlds_pseudonyms')
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('pseudonym', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worlds_pseudonyms_pk', ['world_id', 'pseudonym'])
    .execute();
}
