/**
 * The background jobs of `mvid serve`: retention and expiry sweeps of every domain. Every
 * node schedules them; each run is claimed in the database first (`claimJob`: an advisory
 * lock and a due time), so a job runs once per interval across the cluster, and a node that
 * dies mid-run only delays the job to the next interval on another node. The domains'
 * sweeps are idempotent batches under their own locks, so an overlap would be harmless too.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AbuseLimiter } from '../abuse/index.ts';
import type { Clock } from '../core/index.ts';
import type { Credentials, CredentialsSweepReport } from '../credentials/index.ts';
import type { DisclosureService, DisclosureSweepReport } from '../disclosure/index.ts';
import type { ModerationService } from '../moderation/index.ts';
import type { Registry, SweepReport } from '../registry/index.ts';
import { claimJob, finishJob, type Store } from '../store/index.ts';
import type { WorldsService } from '../worlds/index.ts';

export type Stop = () => unknown;

export interface Sweepable {
  registry: Registry;
  worlds: WorldsService;
  credentials: Credentials;
  disclosure: DisclosureService;
  moderation: ModerationService;
  /** Abuse-limit counters (src/abuse), swept once their window has passed; absent: nothing to sweep. */
  abuse?: AbuseLimiter;
}

/** What one sweep of every domain did. */
export interface FullSweepReport {
  registry: SweepReport;
  worlds: number;
  credentials: CredentialsSweepReport;
  disclosure: DisclosureSweepReport;
  moderation: number;
  abuse: number;
}

interface Job<R> {
  name: string;
  run(): Promise<R>;
  /** Logs what a run did, if anything. */
  done(report: R, logger: Logger): void;
}

function jobsOf({ registry, worlds, credentials, disclosure, moderation, abuse }: Sweepable) {
  return {
    registry: {
      name: 'registry-sweep',
      run: () => registry.sweeper.sweep(),
      done: (report: SweepReport, logger: Logger) => {
        if (report.envelopes + report.tags + report.persons > 0)
          logger.info({ sweep: report }, 'retention sweep deleted expired escrow data');
      },
    } satisfies Job<SweepReport>,
    worlds: { name: 'worlds-sweep', run: () => worlds.sweep(), done: () => {} } satisfies Job<number>,
    // Suspensions end on time whatever the sweeper does (standing is computed against the clock); this records it.
    moderation: { name: 'moderation-sweep', run: () => moderation.sweep(), done: () => {} } satisfies Job<number>,
    credentials: { name: 'credentials-sweep', run: () => credentials.sweep(), done: () => {} } satisfies Job<CredentialsSweepReport>,
    abuse: { name: 'abuse-sweep', run: async () => (abuse ? abuse.sweep() : 0), done: () => {} } satisfies Job<number>,
    // Expiry of disclosure requests is logged; each request is swept under its own lock.
    disclosure: {
      name: 'disclosure-sweep',
      run: () => disclosure.sweeper.sweep(),
      done: (report: DisclosureSweepReport, logger: Logger) => {
        if (report.expired + report.closed + report.extensionsExpired > 0)
          logger.info({ sweep: report }, 'disclosure requests expired or closed');
      },
    } satisfies Job<DisclosureSweepReport>,
  };
}

/** What a sweep did, in the words `mvid sweep` prints and the operator console shows. */
export function sweepSummary(report: FullSweepReport): string[] {
  const { registry: r, worlds, credentials: c, disclosure: d, moderation } = report;
  return [
    `swept ${r.envelopes} envelope(s), ${r.tags} uniqueness tag(s), ${r.persons} closed account(s); expired ${r.nonces} nonce(s), ${r.sessions} session(s)`,
    `disclosure: expired ${d.expired} disclosure request(s), closed ${d.closed}, ${d.extensionsExpired} extension(s) expired`,
    `worlds: ${worlds} expired sign-in record(s); moderation: ${moderation} expired sanction(s) recorded; credentials: ${c.nonces} nonce(s), ${c.offers} offer(s), ${c.accessTokens} access token(s), ${c.presentationRequests} presentation request(s), ${c.statusLists} status list(s)`,
  ];
}

/** Runs every domain's sweep once, now (`mvid sweep`, `POST /admin/v1/sweeps`). */
export async function sweepAll(services: Sweepable): Promise<FullSweepReport> {
  const jobs = jobsOf(services);
  return {
    registry: await jobs.registry.run(),
    worlds: await jobs.worlds.run(),
    credentials: await jobs.credentials.run(),
    disclosure: await jobs.disclosure.run(),
    moderation: await jobs.moderation.run(),
    abuse: await jobs.abuse.run(),
  };
}

export interface JobContext {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** This node's name in `job_runs.holder`. */
  holder?: string;
}

/**
 * Schedules `job` every `intervalSeconds` (plus up to 10% jitter so nodes drift apart); a
 * tick runs the job only if it claims the run. Runs on one node never overlap.
 */
function schedule<R>(job: Job<R>, intervalSeconds: number, ctx: JobContext & { holder: string }): Stop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    const claim = await claimJob(ctx.store, job.name, { everyMs: intervalSeconds * 900, holder: ctx.holder, now: ctx.clock.now() });
    if (!claim) return;
    job.done(await job.run(), ctx.logger);
    if (!(await finishJob(ctx.store, claim, ctx.clock.now()))) ctx.logger.warn({ job: job.name }, 'job run outlived its claim');
  };
  const next = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = tick()
          .catch((error: unknown) => ctx.logger.error({ err: error, job: job.name }, 'background job failed'))
          .finally(() => {
            running = undefined;
            next();
          });
      },
      intervalSeconds * (1000 + Math.random() * 100),
    );
    timer.unref();
  };
  next();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

/** Starts every domain's sweeper, each claimed once per interval across the cluster; returns their stop functions. */
export function startSweepers(services: Sweepable, intervalSeconds: number, ctx: JobContext): Stop[] {
  const holder = ctx.holder ?? randomUUID();
  return Object.values(jobsOf(services)).map((job) => schedule(job as Job<unknown>, intervalSeconds, { ...ctx, holder }));
}
