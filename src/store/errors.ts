/**
 * The single place where driver errors of both engines become domain errors:
 * constraint violations (SQLite 1555/2067/787, PostgreSQL 23505/23503) → ConflictError,
 * text PostgreSQL cannot store (NUL) → bad_request, lost connections → storage_unavailable. Everything else passes through unchanged.
 */
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Kysely, QueryResult, TransactionSettings } from 'kysely';
import { ConflictError, MvidError } from '../core/index.ts';
import { postgresConstraintViolation, postgresIsUnavailable, postgresRefusedText } from './dialects/postgres.ts';
import { sqliteConstraintViolation } from './dialects/sqlite.ts';

export function mapDriverError(error: unknown): unknown {
  if (error instanceof MvidError) return error;
  const violation = sqliteConstraintViolation(error) ?? postgresConstraintViolation(error);
  if (violation) return new ConflictError(`constraint violated: ${violation.constraint}`, violation.constraint, error);
  // The HTTP edge refuses NUL bytes; this is the backstop for any path that missed it: bad input, not a 500.
  if (postgresRefusedText(error))
    return new MvidError('bad_request', 'a text value contains a NUL byte or invalid UTF-8', { cause: error });
  if (postgresIsUnavailable(error)) return new MvidError('storage_unavailable', 'the database is not reachable', { cause: error });
  return error;
}

class MappedConnection implements DatabaseConnection {
  readonly #inner: DatabaseConnection;
  constructor(inner: DatabaseConnection) {
    this.#inner = inner;
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.#inner.executeQuery<R>(compiled);
    } catch (error) {
      throw mapDriverError(error);
    }
  }
  streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.#inner.streamQuery<R>(compiled, chunkSize);
  }
}

class MappedDriver implements Driver {
  readonly #inner: Driver;
  readonly #wrapped = new WeakMap<DatabaseConnection, MappedConnection>();
  readonly #unwrapped = new WeakMap<MappedConnection, DatabaseConnection>();
  constructor(inner: Driver) {
    this.#inner = inner;
  }
  async init(): Promise<void> {
    try {
      await this.#inner.init();
    } catch (error) {
      throw mapDriverError(error);
    }
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    let inner: DatabaseConnection;
    try {
      inner = await this.#inner.acquireConnection();
    } catch (error) {
      throw mapDriverError(error);
    }
    let outer = this.#wrapped.get(inner);
    if (!outer) {
      outer = new MappedConnection(inner);
      this.#wrapped.set(inner, outer);
      this.#unwrapped.set(outer, inner);
    }
    return outer;
  }
  #inner_(connection: DatabaseConnection): DatabaseConnection {
    return this.#unwrapped.get(connection as MappedConnection) ?? connection;
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    try {
      await this.#inner.beginTransaction(this.#inner_(connection), settings);
    } catch (error) {
      throw mapDriverError(error);
    }
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.#inner.commitTransaction(this.#inner_(connection));
    } catch (error) {
      throw mapDriverError(error);
    }
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#inner.rollbackTransaction(this.#inner_(connection));
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#inner.releaseConnection(this.#inner_(connection));
  }
  async destroy(): Promise<void> {
    await this.#inner.destroy();
  }
}

/** Wraps a dialect so that every query and transaction maps driver errors through `mapDriverError`. */
export function withErrorMapping(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new MappedDriver(dialect.createDriver()),
    createIntrospector: (db: Kysely<unknown>) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
