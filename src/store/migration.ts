import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { MvidError } from '../core/index.ts';
import type { EngineCapabilities } from './capabilities.ts';

export interface MigrationContext {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is now
  db: Kysely<any>;
  caps: EngineCapabilities;
}

export interface MvidMigration {
  name: string;
  up(context: MigrationContext): Promise<void>;
}

export interface MigrationReport {
  applied: string[];
  total: number;
}

class ListProvider implements MigrationProvider {
  readonly #migrations: readonly MvidMigration[];
  readonly #caps: EngineCapabilities;
  constructor(migrations: readonly MvidMigration[], caps: EngineCapabilities) {
    this.#migrations = migrations;
    this.#caps = caps;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const m of this.#migrations) out[m.name] = { up: (db) => m.up({ db, caps: this.#caps }) };
    return out;
  }
}

/**
 * Runs pending migrations under the engine's migration lock (a PostgreSQL advisory lock;
 * SQLite's own write lock), each in its own transaction.
 */
export async function runMigrations(
  // biome-ignore lint/suspicious/noExplicitAny: see MigrationContext
  db: Kysely<any>,
  caps: EngineCapabilities,
  migrations: readonly MvidMigration[],
): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: new ListProvider(migrations, caps),
    migrationTableName: 'mvid_migrations',
    migrationLockTableName: 'mvid_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : String(error);
    throw new MvidError('migration_failed', failed ? `migration ${failed} failed: ${detail}` : detail, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), total: migrations.length };
}

export async function pendingMigrations(
  // biome-ignore lint/suspicious/noExplicitAny: see MigrationContext
  db: Kysely<any>,
  caps: EngineCapabilities,
  migrations: readonly MvidMigration[],
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new ListProvider(migrations, caps),
    migrationTableName: 'mvid_migrations',
    migrationLockTableName: 'mvid_migrations_lock',
  });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
