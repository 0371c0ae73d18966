/**
 * Kysely over `node:sqlite` (the embedded default). One of the two files that touch a
 * database driver. SQLite has a single writer, so there is one connection guarded by a
 * mutex; transactions start with `BEGIN IMMEDIATE` so that a second process (a CLI
 * next to the server) waits on the busy timeout instead of failing a lock upgrade.
 */
import { chmodSync, mkdirSync, realpathSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { LruCache } from '../../core/index.ts';
import {
  type CompiledQuery,
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
  readonly #cache = new LruCache<string, { stmt: StatementSync; reader: boolean }>(500);
  constructor(db: DatabaseSync) {
    this.#db = db;
  }
  get(sql: string): { stmt: StatementSync; reader: boolean } {
    const cached = this.#cache.get(sql);
    if (cached) return cached;
    const stmt = this.#db.prepare(sql);
    const entry = { stmt, reader: stmt.columns().length > 0 };
    this.#cache.set(sql, entry);
    return entry;
  }
}

/**
 * One acquisition of the single connection. Kysely acquires, runs, then releases; a lease
 * whose work has joined a commit group hands the connection back early (so others can join
 * the same group) and resolves only once the group is durable — Kysely's release is then a no-op.
 */
class Lease implements DatabaseConnection {
  released = false;
  inTransaction = false;
  readonly #driver: NodeSqliteDriver;
  constructor(driver: NodeSqliteDriver) {
    this.#driver = driver;
  }
  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return this.#driver.execute<R>(this, compiled);
  }
  // biome-ignore lint/correctness/useYield: streaming is not used; Kysely requires the method
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on SQLite');
  }
}

/** The outer transaction that writes join until it commits: one fsync for all of them. */
interface CommitGroup {
  durable: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
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

/**
 * Makes the WAL durable off the event loop. With synchronous=FULL every COMMIT fsyncs the WAL
 * inside node:sqlite's synchronous call, so the event loop stood still for each fsync (a
 * third of an enrolment's main-thread time). The connection runs with synchronous=NORMAL
 * instead — a COMMIT only appends its frames to the WAL; SQLite still syncs around
 * checkpoints — and this fsyncs the WAL file on libuv's thread pool after each COMMIT; the
 * commit is acknowledged once that fsync has returned, which is what FULL guaranteed. Syncs
 * run one at a time: the commits made while one runs share the next (group commit again).
 * A failed fsync is final: the kernel may have dropped the pages it could not write, so a
 * later fsync's success would prove nothing; every later commit fails until the store is reopened.
 */
class WalSync {
  #walPath: string;
  #handle: Promise<FileHandle> | undefined;
  #committed = 0;
  #synced = 0;
  #running: Promise<void> | undefined;
  #failed: unknown;

  constructor(databasePath: string) {
    this.#walPath = `${databasePath}-wal`;
  }

  /** Once the database file exists: SQLite puts the WAL beside the file a symbolic link leads to. */
  resolve(databasePath: string): void {
    this.#walPath = `${realpathSync(databasePath)}-wal`;
  }

  /** Whether a commit is not yet durable. */
  get pending(): boolean {
    return this.#synced < this.#committed;
  }

  /** Call right after a COMMIT returned: resolves once that commit is on disk. */
  committed(): Promise<void> {
    this.#committed += 1;
    return this.durable();
  }

  /** Resolves once every commit made so far is on disk. */
  async durable(): Promise<void> {
    const target = this.#committed;
    while (this.#synced < target) {
      if (this.#failed !== undefined) throw this.#failed;
      this.#running ??= this.#sync().finally(() => {
        this.#running = undefined;
      });
      await this.#running;
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }

  async #sync(): Promise<void> {
    const target = this.#committed;
    try {
      // Opened once the WAL exists (after the first COMMIT); its directory entry is made durable once.
      this.#handle ??= open(this.#walPath, 'r').then(async (handle) => {
        const directory = await open(dirname(this.#walPath), 'r');
        try {
          await directory.sync();
        } finally {
          await directory.close();
        }
        return handle;
      });
      await (await this.#handle).sync();
      this.#synced = Math.max(this.#synced, target);
    } catch (error) {
      this.#failed = error;
      throw error;
    }
  }
}

/**
 * Group commit. SQLite has one writer and a durable COMMIT pays an fsync; under concurrent
 * load most of a request's time went there. So every
 * write unit — a transaction, or a write outside one — runs as a SAVEPOINT inside one outer
 * `BEGIN IMMEDIATE` transaction, the group, which commits on the next turn of the event loop
 * (setImmediate), after every unit that queued for the connection meanwhile. A unit resolves
 * only once its group's COMMIT has returned and the WAL has been fsynced (`WalSync`), so
 * nothing is acknowledged before it is durable; the next group can run while that fsync is
 * under way. A unit that fails rolls back to its savepoint and leaves the others alone. Reads
 * while a group is open see its writes and likewise resolve only once it is durable, and so
 * do reads while a committed group's fsync is under way, so no answer is built on data that a
 * crash could still take back. Other reads run at once.
 */
class NodeSqliteDriver implements Driver {
  readonly #options: SqliteOptions;
  readonly #mutex = new Mutex();
  #db: DatabaseSync | undefined;
  #statements: StatementCache | undefined;
  #group: CommitGroup | undefined;
  /** Undefined for ':memory:' (nothing to make durable). */
  readonly #wal: WalSync | undefined;

  constructor(options: SqliteOptions) {
    this.#options = options;
    this.#wal = options.path === ':memory:' ? undefined : new WalSync(options.path);
  }

  async init(): Promise<void> {
    if (this.#options.path !== ':memory:') mkdirSync(dirname(this.#options.path), { recursive: true });
    const db = new DatabaseSync(this.#options.path, { enableForeignKeyConstraints: true });
    // Owner-only: the file holds envelopes and tags; WAL files inherit this mode.
    if (this.#options.path !== ':memory:') chmodSync(this.#options.path, 0o600);
    // WAL lets readers run beside the writer. Every acknowledged commit is durable: with FULL
    // by SQLite's own fsync; on a file, by WalSync's (NORMAL: SQLite syncs only around checkpoints).
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${this.#wal ? 'NORMAL' : 'FULL'}`);
    this.#wal?.resolve(this.#options.path);
    db.exec('PRAGMA foreign_keys = ON');
    // Deleted rows are overwritten, not only unlinked: a swept envelope must not survive in
    // free pages of the file (and so in every later copy of it). Test: store-secure-delete.
    db.exec('PRAGMA secure_delete = ON');
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(this.#options.busyTimeoutMs ?? 5000)}`);
    this.#db = db;
    this.#statements = new StatementCache(db);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (!this.#db) {
      this.#mutex.unlock();
      throw new Error('SQLite driver is not initialised');
    }
    return new Lease(this);
  }

  async execute<R>(lease: Lease, compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { stmt, reader } = this.#statement(compiled.sql);
    const params = compiled.parameters.map(toSqliteValue);
    const run = (): QueryResult<R> => {
      if (reader) return { rows: stmt.all(...params) as R[] };
      const { changes, lastInsertRowid } = stmt.run(...params);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    };
    if (lease.inTransaction) return run();
    if (reader && this.#group === undefined) {
      const result = run();
      if (!this.#wal?.pending) return result;
      // It may have read a commit whose fsync is under way: answer once that is durable.
      this.#releaseEarly(lease);
      await this.#wal.durable();
      return result;
    }
    const group = this.#joinGroup();
    let result: QueryResult<R>;
    if (reader) result = run();
    else {
      this.#exec('SAVEPOINT mvid_write');
      try {
        result = run();
      } catch (error) {
        this.#undo('mvid_write', error);
        throw error;
      }
      this.#exec('RELEASE mvid_write');
    }
    this.#releaseEarly(lease);
    await group.durable;
    return result;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.#joinGroup();
    this.#exec('SAVEPOINT mvid_tx');
    lease.inTransaction = true;
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    const group = this.#group;
    if (!group) throw new Error('SQLite commit group lost before the transaction committed');
    this.#exec('RELEASE mvid_tx');
    lease.inTransaction = false;
    this.#releaseEarly(lease);
    await group.durable;
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // After a failed group COMMIT the unit is already released and rolled back with its group.
    if (!lease.inTransaction) return;
    lease.inTransaction = false;
    this.#undo('mvid_tx', new Error('transaction rolled back'));
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    this.#mutex.unlock();
  }
  async destroy(): Promise<void> {
    await this.#mutex.lock();
    try {
      const group = this.#group;
      if (group) this.#commitGroup(group);
      // Members of that group are answered once it is durable; wait for it before closing.
      await this.#wal?.durable().catch(() => {});
      await this.#wal?.close();
      this.#db?.close();
      this.#db = undefined;
    } finally {
      this.#mutex.unlock();
    }
  }

  #statement(sql: string): { stmt: StatementSync; reader: boolean } {
    if (!this.#statements) throw new Error('SQLite driver is closed');
    return this.#statements.get(sql);
  }
  #exec(sql: string): void {
    this.#statement(sql).stmt.run();
  }
  #releaseEarly(lease: Lease): void {
    lease.released = true;
    this.#mutex.unlock();
  }

  /** The open group, or a new one (BEGIN IMMEDIATE) whose COMMIT is queued behind the work already waiting. */
  #joinGroup(): CommitGroup {
    if (this.#group) return this.#group;
    this.#exec('BEGIN IMMEDIATE');
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const durable = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Members await it; this keeps a failure that no member is awaiting yet from going unhandled.
    durable.catch(() => {});
    const group: CommitGroup = { durable, resolve, reject };
    this.#group = group;
    setImmediate(() => void this.#flush(group));
    return group;
  }

  async #flush(group: CommitGroup): Promise<void> {
    await this.#mutex.lock();
    try {
      if (this.#group === group) this.#commitGroup(group);
    } finally {
      this.#mutex.unlock();
    }
  }

  #commitGroup(group: CommitGroup): void {
    this.#group = undefined;
    try {
      this.#exec('COMMIT');
      if (this.#wal) this.#wal.committed().then(group.resolve, group.reject);
      else group.resolve();
    } catch (error) {
      this.#abandonTransaction();
      group.reject(error);
    }
  }

  /** Rolls one unit back to its savepoint; if SQLite already dropped the whole transaction, the group fails. */
  #undo(savepoint: string, cause: unknown): void {
    const group = this.#group;
    if (this.#db?.isTransaction) {
      try {
        this.#exec(`ROLLBACK TO ${savepoint}`);
        this.#exec(`RELEASE ${savepoint}`);
        return;
      } catch (error) {
        cause = error;
      }
    }
    this.#group = undefined;
    this.#abandonTransaction();
    group?.reject(cause);
  }

  #abandonTransaction(): void {
    if (!this.#db?.isTransaction) return;
    try {
      this.#exec('ROLLBACK');
    } catch {
      // The transaction is gone either way; the members are told through the group.
    }
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
