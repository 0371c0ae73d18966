/** An in-process mvid for tests: a fresh database on the given engine, a manual clock, quiet logs. */
import { loadConfig, type Config } from '../../src/config/index.ts';
import { ManualClock, type Random, systemRandom } from '../../src/core/index.ts';
import { createLogger, type Runtime, startRuntime } from '../../src/server/index.ts';
import type { Engine } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from './engines.ts';

export interface TestRuntime extends Runtime {
  clock: ManualClock;
  database: TestDatabase;
  /** Stops the runtime and drops its database. */
  stop(): Promise<void>;
}

export async function startTestRuntime(
  engine: Engine,
  overrides: Partial<Config> = {},
  options: { clock?: ManualClock; random?: Random; ready?: boolean } = {},
): Promise<TestRuntime> {
  const database = await createTestDatabase(engine);
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: database.dataDir,
      publicUrl: 'http://mvid.test',
      logLevel: 'silent',
      ...(database.location.engine === 'postgres' ? { databaseUrl: database.location.url } : {}),
      ...overrides,
    },
  });
  const clock = options.clock ?? new ManualClock('2026-06-01T12:00:00Z');
  const runtime = await startRuntime(config, { clock, random: options.random ?? systemRandom, logger: createLogger('silent') });
  if (options.ready !== false) await runtime.app.ready();
  return Object.assign(runtime, {
    clock,
    database,
    async stop() {
      await runtime.close();
      await database.drop();
    },
  });
}
