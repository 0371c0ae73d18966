/**
 * The composition root: from a Config to a running set of services and an HTTP app.
 * `mvid serve` and the integration tests both start here, so tests run what ships.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { storeLocationOf } from '../config/index.ts';
import { type Clock, type Random, systemClock, systemRandom } from '../core/index.ts';
import { AbuseLimiter } from '../abuse/index.ts';
import { createApp } from '../http/index.ts';
import { rotateServiceTokenKey, rotationNotice, type ServiceKeys } from '../keys/index.ts';
import {
  createRegistry,
  DEV_ISSUER_KEY_FILE,
  type DevIssuerKey,
  devIssuerKeyOf,
  embeddedTagOracle,
  outboxLog,
  type Registry,
  remoteTagOracle,
  type TagOracle,
} from '../registry/index.ts';
import { TagService } from '../tagservice/index.ts';
import { openServiceKeys, serviceKeyOptions } from './keys.ts';
import { openStore, type Store } from '../store/index.ts';
import type { Credentials } from '../credentials/index.ts';
import { type EnvelopeSealer, SealingPool, type TagWorkers } from '../crypto/index.ts';
import { type Stop, startSweepers, sweepAll, sweepSummary } from './background.ts';
import { buildCredentials, type CredentialsWiringOptions } from './credentials.ts';
import { type DisclosureOptions, type DisclosureService, pendingRequestsOf } from '../disclosure/index.ts';
import { fixLogIdentity, type TransparencyLog } from '../tlog/index.ts';
import { buildDisclosure } from './disclosure.ts';
import { createLogger } from './logger.ts';
import type { WorldsWiringOptions } from './worlds.ts';
import { buildTransparencyLog, publicTransparencyLog, startTransparencyLog } from './tlog.ts';
import type { WorldsService } from '../worlds/index.ts';
import type { ModerationService } from '../moderation/index.ts';
import { buildWorldsAndModeration } from './moderation.ts';

export interface Runtime {
  config: Config;
  store: Store;
  keys: ServiceKeys;
  clock: Clock;
  random: Random;
  logger: Logger;
  registry: Registry;
  worlds: WorldsService;
  credentials: Credentials;
  /** The transparency log store (src/tlog); integrates `log_outbox` in the background. */
  tlog: TransparencyLog;
  disclosure: DisclosureService;
  /** Moderation inside each world (reports, cases, sanctions, appeals). */
  moderation: ModerationService;
  app: FastifyInstance;
  /** Whether this start created the deployment's keys. */
  initialised: boolean;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Use an already opened store (tests share one per engine). */
  store?: Store;
  /** Run background jobs (the retention sweeper); default true. */
  background?: boolean;
  /** Worlds wiring overrides (tests). */
  worlds?: WorldsWiringOptions;
  /** Credentials wiring overrides (tests). */
  credentials?: CredentialsWiringOptions;
  /** Create the deployment's keys when there are none (default true; commands that only use keys pass false). */
  createKeys?: boolean;
  /** Lawful-disclosure limits (notification delay, validity windows). */
  disclosure?: Partial<DisclosureOptions>;
}

/**
 * The uniqueness-tag oracle as configured: the tag service at MVID_TAG_SERVICE_URL, or
 * (development and tests only) one embedded in this process with its own key directory
 * under `<dataDir>/tag-service`, never the main key directory.
 */
/** Evaluations a minute the embedded tag service allows: in effect no limit (see tagOracleOf). */
const EMBEDDED_TAG_RATE_PER_MINUTE = 1_000_000_000;

export function tagOracleOf(config: Config, random: Random, workers?: TagWorkers): TagOracle {
  if (config.tagServiceUrl !== undefined) {
    return remoteTagOracle({
      url: config.tagServiceUrl,
      token: config.tagServiceToken as string,
      publicKey: config.tagServicePublicKey as string,
      fetch,
      random,
      workers,
    });
  }
  // Embedded (development) mode keeps the tag key beside the server's own data, so a rate
  // limit here would slow enrolment and protect nothing: the limit that matters is the
  // separate `mvid tag-service`'s (--rate-per-minute).
  const keyDir = join(config.dataDir, 'tag-service');
  const evaluator = workers ? { evaluator: workers.evaluateBlinded.bind(workers) } : {};
  return embeddedTagOracle(
    () => new TagService({ keyDir, random, ratePerMinute: EMBEDDED_TAG_RATE_PER_MINUTE, ...evaluator }),
    random,
    workers,
  );
}

/**
 * The registry as configured. Its log port writes to `log_outbox` in the caller's
 * transaction; the transparency log integrates from there.
 */
export function buildRegistry(
  config: Config,
  store: Store,
  keys: ServiceKeys,
  clock: Clock,
  random: Random,
  sealer?: EnvelopeSealer,
): Registry {
  return createRegistry({
    store,
    clock,
    random,
    tagOracle: tagOracleOf(config, random, sealer instanceof SealingPool ? sealer : undefined),
    secrets: {
      dataKey: keys.dataKey,
      nonceSecret: keys.cookieSecret,
      logSubjectSecret: keys.pairwiseSecret,
    },
    options: {
      mode: config.mode,
      audience: config.publicUrl,
      retentionDays: config.retentionDays,
      escrowLifetimeDays: config.escrowLifetimeDays,
      escrowEpochMonths: config.escrowEpochMonths,
    },
    log: outboxLog(clock),
    ...(sealer ? { sealer } : {}),
    pendingDisclosures: pendingRequestsOf(store, clock),
  });
}

/**
 * The envelope-sealing worker pool, unless configured off or randomness is injected (a
 * worker seals with its own system randomness, which a test's seeded source cannot reach).
 */
function buildSealer(config: Config, random: Random): SealingPool | undefined {
  return config.sealWorkers > 0 && random === systemRandom ? new SealingPool({ workers: config.sealWorkers }) : undefined;
}

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = options.store ?? openStore(storeLocationOf(config));
  let keys: ServiceKeys;
  let devIssuerKey: DevIssuerKey | undefined;
  let initialised = false;
  try {
    const report = await store.migrate();
    if (report.applied.length > 0) logger.info({ applied: report.applied, engine: store.engine }, 'database migrated');
    const established = await openServiceKeys(config, store, { clock, random, create: options.createKeys !== false });
    keys = established.keys;
    // The development issuer key alone is created on demand, not a fresh deployment.
    initialised = established.created.some((name) => name !== DEV_ISSUER_KEY_FILE);
    if (initialised) logger.info({ source: established.source, created: established.created.length }, 'created the deployment keys');
    if (established.imported.length > 0)
      logger.info({ imported: established.imported.length }, 'recorded the key directory as the deployment keys');
    const devText = established.materials.get(DEV_ISSUER_KEY_FILE);
    if (devText !== undefined) devIssuerKey = devIssuerKeyOf(devText);
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
  const sealer = buildSealer(config, random);
  // On SQLite this process is the only writer: counters are mirrored in memory (src/abuse).
  const abuse = new AbuseLimiter(store, clock, config.abuseLimits, { mirror: store.engine === 'sqlite' });
  let registry: Registry;
  let worlds: WorldsService;
  let credentials: Credentials;
  let tlog: TransparencyLog;
  let disclosure: DisclosureService;
  let moderation: ModerationService;
  let app: FastifyInstance;
  try {
    registry = buildRegistry(config, store, keys, clock, random, sealer);
    const devIssuer = devIssuerKey ? await registry.setupDevIssuer(devIssuerKey) : undefined;
    if (devIssuer) logger.info({ iss: devIssuer.iss }, 'development PID issuer registered (development mode only)');
    if (config.mode === 'production' && config.tagServiceUrl === undefined) {
      logger.warn(
        { tagServiceDir: join(config.dataDir, 'tag-service') },
        'uniqueness tags come from the EMBEDDED tag service (development only): its key sits beside the database; run `mvid tag-service` elsewhere and set MVID_TAG_SERVICE_URL',
      );
    }
    const auth = { admin: (t: string) => registry.adminTokens.authenticate(t), person: (t: string) => registry.sessions.authenticate(t) };
    // Occupation reaches worlds from the re-issued credentials, built just below.
    ({ worlds, moderation } = buildWorldsAndModeration(config, store, keys, clock, random, registry, options.worlds, (id, kind) =>
      credentials.attestedClaims(id, kind),
    ));
    const built = buildCredentials(config, store, keys, clock, random, registry, worlds, options.credentials);
    credentials = built.credentials;
    tlog = buildTransparencyLog(config, store, keys, clock, logger);
    if ((await fixLogIdentity(store, { origin: tlog.origin, publicKey: keys.logSigning.publicKey }, clock)) === 'recorded') {
      logger.info({ origin: tlog.origin }, 'recorded the transparency log origin and key');
    }
    disclosure = buildDisclosure(
      { store, clock, random, registry, worlds, log: tlog },
      {
        maxNotificationDelayDays: config.disclosureMaxDelayDays,
        requestValidityDays: config.disclosureRequestValidityDays,
        emergencyValidityHours: config.disclosureEmergencyValidityHours,
        ...options.disclosure,
      },
    );
    app = await createApp({
      abuse,
      config,
      store,
      keys,
      clock,
      random,
      logger,
      registry,
      auth,
      worlds,
      credentials: built.http,
      disclosure,
      moderation: { moderation, worldOf: built.http.worldOf },
      log: publicTransparencyLog(store, tlog, keys, clock),
      operations: {
        async rotateTokenKey(seconds) {
          const key = await rotateServiceTokenKey(serviceKeyOptions(config, store, clock, random), seconds);
          return { key, notice: rotationNotice(key, seconds) };
        },
        async sweep() {
          const report = await sweepAll({ registry, worlds, credentials, disclosure, moderation, abuse });
          return { report: { ...report }, summary: sweepSummary(report) };
        },
      },
    });
  } catch (error) {
    await sealer?.close();
    if (!options.store) await store.close();
    throw error;
  }
  // Safe with several nodes: integration runs under a database lock (see src/tlog/integrate.ts).
  const stopLog = await startTransparencyLog(tlog, config, logger, options.background !== false);
  // Once across the cluster: each run is claimed in the database (see src/server/background.ts).
  const stops: Stop[] = [stopLog];
  if (options.background !== false && config.sweepIntervalSeconds > 0) {
    stops.push(
      ...startSweepers({ registry, worlds, credentials, disclosure, moderation, abuse }, config.sweepIntervalSeconds, {
        store,
        clock,
        logger,
      }),
    );
  }
  return {
    config,
    store,
    keys,
    clock,
    random,
    logger,
    registry,
    worlds,
    credentials,
    tlog,
    disclosure,
    moderation,
    app,
    initialised,
    async close() {
      for (const stop of stops) await stop();
      await app.close();
      await sealer?.close();
      if (!options.store) await store.close();
    },
  };
}
