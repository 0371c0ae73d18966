/**
 * Every storage test runs on both engines: `for (const engine of ENGINES)`.
 * PostgreSQL comes from MVID_TEST_DATABASE_URL or the cluster the global setup
 * started; each test store gets a database of its own, dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Engine, Store } from '../../src/store/index.ts';
import { openStore } from '../../src/store/index.ts';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The PostgreSQL admin URL for tests; throws (the test fails) when there is none. */
export function postgresAdminUrl(): string {
  const fromEnv = process.env.MVID_TEST_DATABASE_URL;
  if (fromEnv) return fromEnv;
  throw new Error(
    'PostgreSQL is not available for the tests: install the postgresql package (npm test starts a cluster) or set MVID_TEST_DATABASE_URL',
  );
}

export interface TestDatabase {
  engine: Engine;
  /** sqlite: the file path; postgres: the database URL. */
  location: { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };
  dataDir: string;
  drop(): Promise<void>;
}

/** Creates an empty database (and a scratch data dir) for one test. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `mvid-${engine}-`));
  if (engine === 'sqlite') {
    return {
      engine,
      location: { engine, path: join(dataDir, 'mvid.sqlite') },
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const admin = postgresAdminUrl();
  const name = `mvid_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    engine,
    location: { engine, url: url.toString() },
    dataDir,
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** An open, migrated store on a fresh database; `close` closes and drops it. */
export async function createTestStore(engine: Engine): Promise<{ store: Store; db: TestDatabase; close(): Promise<void> }> {
  const db = await createTestDatabase(engine);
  const store = openStore(db.location);
  await store.migrate();
  return {
    store,
    db,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}
