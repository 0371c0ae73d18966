/**
 * Kysely over `node:sqlite` (the embedded default). One of the two files that touch a
 * database driver. SQLite has a single writer, so there is one connection guarded by a
 * mutex; transactions start with `BEGIN IMMEDIATE` so that a second process (a CLI
 * next to the server) waits on the busy timeout instead of failing a lock upgrade.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Kysely,
} from 'kysely';

export interface SqliteOptions {
  /** Path of the database file, or ':memory:'. */
  path: string;
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
}

type SqliteValue = null | number | bigint | string | Uint8Array;

function toSqliteValue(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`cannot bind a ${typeof value} to SQLite`);
}

/** Prepared statements are cached: node:sqlite prepares synchronously and it shows in profiles. */
class StatementCache {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  readonly #max = 500;
  constructor(db: DatabaseSync) {
    this.#db = db;
  }
  get(sql: string): { stmt: StatementSync; reader: boolean } {
    let entry = this.#cache.get(sql);
    if (entry) {
      this.#cache.delete(sql);
      this.#cache.set(sql, entry);
      return entry;
    }
    const stmt = this.#db.prepare(sql);
    entry = { stmt, reader: stmt.columns().length > 0 };
    this.#cache.set(sql, entry);
    if (this.#cache.size > this.#max) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return entry;
  }
}

class NodeSqliteConnection implements DatabaseConnection {
  readonly #statements: StatementCache;
  constructor(db: DatabaseSync) {
    this.#statements = new StatementCache(db);
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { stmt, reader } = this.#statements.get(compiled.sql);
    const params = compiled.parameters.map(toSqliteValue);
    if (reader) return { rows: stmt.all(...params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(...params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }
  // biome-ignore lint/correctness/useYield: streaming is not used; Kysely requires the method
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on SQLite');
  }
}

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;
  async lock(): Promise<void> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#release = release;
  }
  unlock(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}

class NodeSqliteDriver implements Driver {
  readonly #options: SqliteOptions;
  readonly #mutex = new Mutex();
  #db: DatabaseSync | undefined;
  #connection: NodeSqliteConnection | undefined;

  constructor(options: SqliteOptions) {
    this.#options = options;
  }

  async init(): Promise<void> {
    if (this.#options.path !== ':memory:') mkdirSync(dirname(this.#options.path), { recursive: true });
    const db = new DatabaseSync(this.#options.path, { enableForeignKeyConstraints: true });
    // Owner-only: the file holds envelopes and tags; WAL files inherit this mode.
    if (this.#options.path !== ':memory:') chmodSync(this.#options.path, 0o600);
    // WAL lets readers run beside the writer; FULL makes every acknowledged commit durable.
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(this.#options.busyTimeoutMs ?? 5000)}`);
    this.#db = db;
    this.#connection = new NodeSqliteConnection(db);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (!this.#connection) throw new Error('SQLite driver is not initialised');
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }
  async destroy(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
  }
}

export function sqliteDialect(options: SqliteOptions): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new NodeSqliteDriver(options),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

/** SQLite extended result codes for constraint violations. */
const SQLITE_CONSTRAINT_CODES = new Set([1555, 2067, 787, 275, 1299, 19]);

/** Reads a driver error: is it a constraint violation, and on which constraint? */
export function sqliteConstraintViolation(error: unknown): { constraint: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errcode, message } = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number' || !SQLITE_CONSTRAINT_CODES.has(errcode)) return undefined;
  const text = typeof message === 'string' ? message : '';
  const match = /constraint failed: (.+)$/.exec(text);
  return { constraint: match?.[1] ?? 'unknown' };
}
