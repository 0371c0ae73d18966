import { Kysely, sql, type Transaction } from 'kysely';
import { MvidError } from '../core/index.ts';
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES, type EngineCapabilities, type Engine } from './capabilities.ts';
import { postgresDialect } from './dialects/postgres.ts';
import { sqliteDialect } from './dialects/sqlite.ts';
import { withErrorMapping } from './errors.ts';
import { type MigrationReport, type MvidMigration, pendingMigrations, runMigrations } from './migration.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema/index.ts';

/** `readUrl`: a PostgreSQL read replica (a streaming standby) for the public reads that may lag (see `publicRead`). */
export type StoreLocation = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string; poolSize?: number; readUrl?: string };

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export type Tx = Transaction<Database>;

/**
 * The database, whichever engine. Domain code reads through `db` and writes more than
 * one row only through `transaction`, which commits durably before it resolves.
 */
export interface Store {
  readonly engine: Engine;
  readonly caps: EngineCapabilities;
  readonly db: Kysely<Database>;
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Serialises writers that touch the same logical resource across processes:
   * a transaction-scoped advisory lock on PostgreSQL; on SQLite, BEGIN IMMEDIATE
   * already holds the single write lock, so this is a no-op there.
   */
  lock(tx: Tx, name: string): Promise<void>;
  ping(timeoutMs?: number): Promise<void>;
  migrate(migrations?: readonly MvidMigration[]): Promise<MigrationReport>;
  pending(): Promise<string[]>;
  readonly migrated: boolean;
  poolStats(): PoolStats;
  /** The read replica (`MVID_DATABASE_READ_URL`), opened beside the primary and closed with it; never migrated or written. */
  readonly replica: Store | undefined;
  /**
   * A public read that may lag by the replica's delay (aggregates, status lists, log
   * history): run on the replica when there is one, and on the primary when there is none
   * or it fails (down, unreachable, not yet migrated), so a replica never makes a page fail.
   * Never for reads a flow must see its own writes in, nor for anything that must not go back.
   */
  publicRead<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The replica's answer, else the primary's: whatever the replica's trouble, the primary decides. */
async function replicaFirst<T>(
  replica: Store | undefined,
  primary: Kysely<Database>,
  query: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (replica === undefined) return query(primary);
  try {
    return await query(replica.db);
  } catch {
    return query(primary);
  }
}

/** A 63-bit lock key from a name (FNV-1a, 64-bit, high bit cleared). */
function lockKey(name: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash & 0x7fffffffffffffffn;
}

export function openStore(location: StoreLocation): Store {
  let db: Kysely<Database>;
  let caps: EngineCapabilities;
  let poolStats: () => PoolStats;
  if (location.engine === 'sqlite') {
    caps = SQLITE_CAPABILITIES;
    db = new Kysely<Database>({ dialect: withErrorMapping(sqliteDialect({ path: location.path })) });
    poolStats = () => ({ total: 1, idle: 1, waiting: 0 });
  } else {
    caps = POSTGRES_CAPABILITIES;
    const handle = postgresDialect(
      location.poolSize === undefined ? { url: location.url } : { url: location.url, poolSize: location.poolSize },
    );
    db = new Kysely<Database>({ dialect: withErrorMapping(handle.dialect) });
    poolStats = () => ({ total: handle.pool.totalCount, idle: handle.pool.idleCount, waiting: handle.pool.waitingCount });
  }
  const replica =
    location.engine === 'postgres' && location.readUrl !== undefined
      ? openStore({
          engine: 'postgres',
          url: location.readUrl,
          ...(location.poolSize === undefined ? {} : { poolSize: location.poolSize }),
        })
      : undefined;
  let migrated = false;
  let closed = false;
  return {
    engine: caps.engine,
    caps,
    db,
    replica,
    publicRead: (query) => replicaFirst(replica, db, query),
    get migrated() {
      return migrated;
    },
    transaction: (work) => db.transaction().execute(work),
    async lock(tx, name) {
      if (caps.engine === 'postgres') await sql`select pg_advisory_xact_lock(${lockKey(name).toString()}::bigint)`.execute(tx);
    },
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MvidError('storage_unavailable', 'the database did not answer in time')), timeoutMs);
      });
      try {
        await Promise.race([sql`select 1`.execute(db), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async migrate(migrations = MIGRATIONS) {
      const report = await runMigrations(db, caps, migrations);
      migrated = true;
      return report;
    },
    pending: () => pendingMigrations(db, caps, MIGRATIONS),
    poolStats,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([db.destroy(), replica?.close()]);
    },
  };
}
