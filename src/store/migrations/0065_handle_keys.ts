/**
 * Handle look-alike keys (issue 12, attack 6): a handle has several comparison keys
 * (its confusable skeleton as written, lower-cased and upper-cased, so all-Cyrillic
 * `ТОМ` meets `Tom`), and no key may belong to two persons in one world. Existing
 * handles are carried over with the one key they had.
 */
import { sql } from 'kysely';
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('worlds_handle_keys')
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worlds_handle_keys_pk', ['world_id', 'key'])
    .execute();
  await db.schema.createIndex('worlds_handle_keys_person').on('worlds_handle_keys').columns(['world_id', 'person_id']).execute();
  await sql`insert into worlds_handle_keys (world_id, key, person_id) select world_id, skeleton, person_id from worlds_handles`.execute(db);
}
