/**
 * Deleted rows leave the SQLite file. Without `secure_delete`, SQLite only marks the pages
 * of a deleted row free, and a sweep that "destroyed" an envelope left it readable in the
 * file (and in every backup of it). With it, freed content is overwritten with zeros.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createTestStore } from './support/engines.ts';

const occurrences = (file: string, marker: Buffer): number => {
  if (!existsSync(file)) return 0;
  const bytes = readFileSync(file);
  let count = 0;
  for (let at = bytes.indexOf(marker); at !== -1; at = bytes.indexOf(marker, at + 1)) count++;
  return count;
};

test('on SQLite a deleted row is overwritten in the database file, not only unlinked', async () => {
  const { store, db, close } = await createTestStore('sqlite');
  try {
    assert.equal(db.location.engine, 'sqlite');
    const path = db.location.engine === 'sqlite' ? db.location.path : '';
    const marker = `ENVELOPE-${Math.random().toString(36).slice(2)}-`;
    await sql`CREATE TABLE scratch (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(store.db);
    for (let i = 0; i < 50; i++) await sql`INSERT INTO scratch (body) VALUES (${marker.repeat(40)})`.execute(store.db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    assert.ok(occurrences(path, Buffer.from(marker)) > 0, 'the marker reached the database file');

    await sql`DELETE FROM scratch`.execute(store.db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    assert.equal(occurrences(path, Buffer.from(marker)), 0, 'deleted content is still in the database file');
    assert.equal(occurrences(`${path}-wal`, Buffer.from(marker)), 0, 'deleted content is still in the WAL');
  } finally {
    await close();
  }
});
