/**
 * The background jobs of `mvid serve`: retention and expiry sweeps of every domain. Each is
 * safe with several nodes on one PostgreSQL (the domains sweep under database locks), so
 * every node runs them.
 */
import type { Logger } from 'pino';
import type { Credentials } from '../credentials/index.ts';
import type { DisclosureService } from '../disclosure/index.ts';
import type { ModerationService } from '../moderation/index.ts';
import type { Registry } from '../registry/index.ts';
import type { WorldsService } from '../worlds/index.ts';

export type Stop = () => unknown;

/** Runs `task` every `intervalSeconds` without keeping the process alive; failures go to `failed`. */
export function every(intervalSeconds: number, task: () => Promise<unknown>, failed: (error: unknown) => void): Stop {
  const timer = setInterval(() => {
    task().catch(failed);
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

export interface Sweepable {
  registry: Registry;
  worlds: WorldsService;
  credentials: Credentials;
  disclosure: DisclosureService;
  moderation: ModerationService;
}

/** Starts every domain's sweeper; returns their stop functions. */
export function startSweepers(services: Sweepable, intervalSeconds: number, logger: Logger): Stop[] {
  const { registry, worlds, credentials, disclosure, moderation } = services;
  return [
    registry.sweeper.start(intervalSeconds, {
      done: (report) => {
        if (report.envelopes + report.tags + report.persons > 0)
          logger.info({ sweep: report }, 'retention sweep deleted expired escrow data');
      },
      failed: (error) => logger.error({ err: error }, 'retention sweep failed'),
    }),
    every(
      intervalSeconds,
      () => worlds.sweep(),
      (error) => logger.error({ err: error }, 'worlds sweep failed'),
    ),
    // Suspensions end on time whatever the sweeper does (standing is computed against the clock); this records it.
    every(
      intervalSeconds,
      () => moderation.sweep(),
      (error) => logger.error({ err: error }, 'moderation sweep failed'),
    ),
    every(
      intervalSeconds,
      () => credentials.sweep(),
      (error) => logger.error({ err: error }, 'credentials sweep failed'),
    ),
    // Expiry of disclosure requests is logged; each request is swept under its own lock.
    disclosure.sweeper.start(intervalSeconds, {
      done: (report) => {
        if (report.expired + report.closed + report.extensionsExpired > 0)
          logger.info({ sweep: report }, 'disclosure requests expired or closed');
      },
      failed: (error) => logger.error({ err: error }, 'disclosure sweep failed'),
    }),
  ];
}
