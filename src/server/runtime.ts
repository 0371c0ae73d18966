/**
 * The composition root: from a Config to a running set of services and an HTTP app.
 * `mvid serve` and the integration tests both start here, so tests run what ships.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { storeLocationOf } from '../config/index.ts';
import { type Clock, type Random, systemClock, systemRandom } from '../core/index.ts';
import { createApp } from '../http/index.ts';
import { initKeyDir, keyDirExists, keyDirOf, loadKeys, type ServiceKeys } from '../keys/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { createLogger } from './logger.ts';

export interface Runtime {
  config: Config;
  store: Store;
  keys: ServiceKeys;
  clock: Clock;
  random: Random;
  logger: Logger;
  app: FastifyInstance;
  /** Whether the key directory was created by this start. */
  initialised: boolean;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Use an already opened store (tests share one per engine). */
  store?: Store;
}

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = options.logger ?? createLogger(config.logLevel);
  const keyDir = keyDirOf(config.dataDir);
  let initialised = false;
  if (!keyDirExists(keyDir)) {
    const result = initKeyDir(keyDir, clock, random);
    initialised = true;
    logger.info({ keyDir, created: result.created.length }, 'initialised a fresh key directory');
  }
  const keys = loadKeys(keyDir);
  const store = options.store ?? openStore(storeLocationOf(config));
  try {
    const report = await store.migrate();
    if (report.applied.length > 0) logger.info({ applied: report.applied, engine: store.engine }, 'database migrated');
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
  const app = await createApp({ config, store, keys, clock, random, logger });
  return {
    config,
    store,
    keys,
    clock,
    random,
    logger,
    app,
    initialised,
    async close() {
      await app.close();
      if (!options.store) await store.close();
    },
  };
}
