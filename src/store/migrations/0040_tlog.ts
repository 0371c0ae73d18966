/**
 * The transparency log: leaves, subtree hashes, signed checkpoints, the integrator's
 * state and rejected outbox rows. Sizes and indices are 64-bit integers.
 */
import { sql } from 'kysely';
import type { MigrationContext } from '../migration.ts';

export async function up({ db, caps }: MigrationContext): Promise<void> {
  const big = caps.bigintType;
  const bytes = caps.binaryType;
  await db.schema
    .createTable('tlog_leaves')
    .addColumn('idx', big, (c) => c.primaryKey())
    .addColumn('entry', bytes, (c) => c.notNull())
    .addColumn('leaf_hash', bytes, (c) => c.notNull())
    .addColumn('leaf_key', big, (c) => c.notNull())
    .addColumn('outbox_id', big)
    .execute();
  await db.schema.createIndex('tlog_leaves_key').on('tlog_leaves').column('leaf_key').execute();
  let hashes = db.schema
    .createTable('tlog_hashes')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', big, (c) => c.notNull())
    .addColumn('hash', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('tlog_hashes_pk', ['level', 'idx']);
  // On SQLite the primary key is then the table itself, not a second B-tree beside the rowid one.
  if (caps.engine === 'sqlite') hashes = hashes.modifyEnd(sql`without rowid`);
  await hashes.execute();
  await db.schema
    .createTable('tlog_checkpoints')
    .addColumn('size', big, (c) => c.primaryKey())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('cosigned_note', 'text')
    .addColumn('cosignatures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('tlog_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('tlog_rejected')
    .addColumn('outbox_id', big, (c) => c.primaryKey())
    .addColumn('entry', bytes, (c) => c.notNull())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('rejected_at', 'text', (c) => c.notNull())
    .execute();
}
