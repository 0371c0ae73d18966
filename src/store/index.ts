/** Storage: Kysely over node:sqlite (embedded default) or PostgreSQL, one migration set. */
export { openStore } from './store.ts';
export type { Store, StoreLocation, PoolStats, Tx } from './store.ts';
export type { Engine, EngineCapabilities } from './capabilities.ts';
export type { Database } from './schema/index.ts';
export type { MigrationContext, MvidMigration, MigrationReport } from './migration.ts';
export { MIGRATIONS } from './migrations/index.ts';
export { mapDriverError } from './errors.ts';
export { claimJob, finishJob } from './jobs.ts';
export type { JobClaim } from './jobs.ts';
