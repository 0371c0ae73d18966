/**
 * Wiring of the transparency log: its origin from the public URL, its key from the key
 * directory, the witnesses from the configuration, events to the server log.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { type Clock, MvidError } from '../core/index.ts';
import type { ServiceKeys } from '../keys/index.ts';
import type { Store } from '../store/index.ts';
import {
  logOriginOf,
  openTransparencyLog,
  parseWitnessKey,
  type TransparencyLog,
  type WitnessEndpoint,
  withReadReplica,
} from '../tlog/index.ts';

/** The witnesses named in the configuration, with their cosignature verifiers. */
function witnessesOf(config: Config): { endpoints: WitnessEndpoint[]; threshold: number } {
  const endpoints = config.logWitnesses.map(({ url, vkey }) => {
    try {
      return { url, verifier: parseWitnessKey(vkey) };
    } catch (cause) {
      throw new MvidError('config_invalid', `logWitnesses: ${(cause as Error).message} (${url})`, { cause });
    }
  });
  if (config.logWitnessThreshold > endpoints.length) {
    throw new MvidError(
      'config_invalid',
      `logWitnessThreshold ${config.logWitnessThreshold} exceeds the ${endpoints.length} configured witnesses`,
    );
  }
  return { endpoints, threshold: config.logWitnessThreshold };
}

/**
 * The log as configured.
 *
 * @example
 * const log = buildTransparencyLog(config, store, keys, clock, logger);
 */
export function buildTransparencyLog(config: Config, store: Store, keys: ServiceKeys, clock: Clock, logger: Logger): TransparencyLog {
  return openTransparencyLog({
    store,
    keys,
    origin: logOriginOf(config.publicUrl),
    clock,
    witnesses: witnessesOf(config),
    events: {
      rejected: (outboxId, reason) => logger.error({ outboxId, reason }, 'log outbox row is not a valid entry; set aside in tlog_rejected'),
      witnessFailed: (url, error) => logger.warn({ witness: url, err: error }, 'witness did not cosign the checkpoint'),
    },
  });
}

/**
 * Signs the first checkpoint if there is none and integrates what is queued, then keeps
 * integrating in the background. Without background jobs (tests, one-shot commands) the
 * log integrates only when asked or appended to. Returns the stop function.
 */
export async function startTransparencyLog(
  log: TransparencyLog,
  config: Config,
  logger: Logger,
  background: boolean,
): Promise<() => Promise<void>> {
  if (!background) return async () => log.witnessesIdle();
  try {
    const first = await log.integrate();
    if (first.integrated > 0) logger.info({ integrated: first.integrated, size: first.size.toString() }, 'integrated queued log entries');
  } catch (error) {
    // A log that refuses to sign still serves what it signed: the evidence stays readable.
    logger.error({ err: error }, 'log integration failed');
  }
  if (config.logIntegrateIntervalMs === 0) return async () => log.witnessesIdle();
  return log.start(config.logIntegrateIntervalMs, (error) => logger.error({ err: error }, 'log integration failed'));
}

/**
 * The log the public HTTP routes read: `log` itself, or with `MVID_DATABASE_READ_URL` the
 * same log reading tiles, entries, proofs and its size history from the store's read replica
 * first (read-your-writes: the primary answers whatever the replica does not hold yet;
 * checkpoints always come from the primary, so the log never appears to go back).
 */
export function publicTransparencyLog(store: Store, log: TransparencyLog, keys: ServiceKeys, clock: Clock): TransparencyLog {
  if (store.replica === undefined) return log;
  return withReadReplica(log, openTransparencyLog({ store: store.replica, keys, origin: log.origin, clock }));
}
