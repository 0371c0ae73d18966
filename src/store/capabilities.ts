/**
 * What differs between the engines, as flags and type names: the only way domain code
 * and migrations learn which engine they run on (never `if (engine === 'sqlite')`).
 */
export type Engine = 'sqlite' | 'postgres';

export interface EngineCapabilities {
  readonly engine: Engine;
  /** Column type for raw bytes. */
  readonly binaryType: 'blob' | 'bytea';
  /** Column type for 64-bit integers. */
  readonly bigintType: 'integer' | 'bigint';
  /** Whether `SELECT … FOR UPDATE` exists (SQLite serialises writers with BEGIN IMMEDIATE instead). */
  readonly rowLocks: boolean;
  /** Whether several processes may write concurrently (true on PostgreSQL). */
  readonly concurrentWriters: boolean;
}

export const SQLITE_CAPABILITIES: EngineCapabilities = {
  engine: 'sqlite',
  binaryType: 'blob',
  bigintType: 'integer',
  rowLocks: false,
  concurrentWriters: false,
};

export const POSTGRES_CAPABILITIES: EngineCapabilities = {
  engine: 'postgres',
  binaryType: 'bytea',
  bigintType: 'bigint',
  rowLocks: true,
  concurrentWriters: true,
};
