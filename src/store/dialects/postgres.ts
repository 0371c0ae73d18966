/**
 * Kysely over PostgreSQL through `pg`: the scale-out engine, where many stateless mvid
 * nodes share one database. One of the two files that touch a database driver.
 */
import { createRequire } from 'node:module';
import { type Dialect, PostgresDialect } from 'kysely';
import type pg from 'pg';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  /** Statement timeout in ms, so a stuck query cannot hold a connection forever. */
  statementTimeoutMs?: number;
}

/**
 * The driver, loaded when a PostgreSQL store is first opened: a server on SQLite never loads
 * `pg` and its dependencies (~1 MB of heap; docs/performance.md, `mvid.rss.idle`). `pg` is
 * CommonJS, so `require` loads it synchronously and `postgresDialect` stays synchronous.
 */
let loaded: typeof pg | undefined;
function driver(): typeof pg {
  loaded ??= createRequire(import.meta.url)('pg') as typeof pg;
  return loaded;
}

// int8 (20) as a JS number: every count and index mvid stores stays below 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : driver().types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresHandle {
  dialect: Dialect;
  pool: pg.Pool;
}

export function postgresDialect(options: PostgresOptions): PostgresHandle {
  const pool = new (driver().Pool)({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    types,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return { dialect: new PostgresDialect({ pool }), pool };
}

/** Reads a driver error: is it a constraint violation (23505 unique, 23503 foreign key, 23P01 exclusion)? */
export function postgresConstraintViolation(error: unknown): { constraint: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code !== '23505' && code !== '23503' && code !== '23P01') return undefined;
  return { constraint: typeof constraint === 'string' ? constraint : 'unknown' };
}

/** A text value PostgreSQL cannot store (22021: a NUL byte or invalid UTF-8; 22P05: untranslatable). */
export function postgresRefusedText(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '22021' || code === '22P05';
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

export function postgresIsUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated/i.test(message);
}
