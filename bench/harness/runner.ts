/**
 * Runs the selected benchmarks: per suite, setup, then per benchmark warm-up and measured
 * repetitions, then the suite's cleanups. Progress goes to stderr; a failing suite or
 * benchmark is recorded (unavailable or error) and the run goes on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogueBenchmark, CatalogueMetric } from './catalogue.ts';
import { ForeignCpu } from './cpu.ts';
import { startPostgres, type PostgresServer } from './postgres.ts';
import { formatFigure, median } from './stats.ts';
import { type AnySuite, type Benchmark, type Figures, type SuiteContext, Unavailable } from './types.ts';

export interface RunOptions {
  repoRoot: string;
  /** Scales every repetition's time budget (1 normally, 0.2 with --quick). */
  timeScale: number;
  /**
   * Seconds this run may spend, in total, waiting before a benchmark for other processes to
   * leave the CPU (0: never wait; `auto`: what the 15-minute budget leaves, at most 300).
   * On a shared machine this trades minutes for honest figures.
   */
  quietWaitSeconds: number | 'auto';
  log: (line: string) => void;
}

export interface MetricOutcome {
  suite: string;
  benchmark: string;
  metric: CatalogueMetric;
  reps: number;
  warmups: number;
  seconds: number;
  /** One figure per measured repetition. */
  samples: number[];
  status: 'measured' | 'unavailable' | 'error';
  reason?: string;
  /** Average CPU cores other work on the machine used during the measured repetitions (Linux). */
  foreignCpuCores?: number;
}

export interface RunOutcome {
  outcomes: MetricOutcome[];
  facts: Record<string, string>;
}

export const DEFAULT_REPS = 5;
export const DEFAULT_WARMUPS = 1;
export const DEFAULT_SECONDS = 1;
/** Other work above this many cores during a benchmark marks its figures as taken on a busy machine. */
export const BUSY_CORES = 0.2;
const QUIET_SAMPLE_MS = 500;
const QUIET_SAMPLES = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Plan {
  suite: AnySuite;
  benchmark: Benchmark<unknown>;
  entry: CatalogueBenchmark;
  reps: number;
  warmups: number;
  seconds: number;
}

/** A full run must finish within this many seconds on 2 cores (the bound). */
export const RUN_BUDGET_SECONDS = 15 * 60;

/**
 * The default waiting budget: what remains of the run budget once measuring (and, assumed,
 * half as much again for setups and process starts, plus a minute) is accounted for; at most 5 min.
 */
export function autoQuietWait(estimateSeconds: number): number {
  return Math.max(0, Math.min(300, RUN_BUDGET_SECONDS - 120 - 1.5 * estimateSeconds));
}

/** Estimated measuring time of a plan in seconds (setup and process starts not included). */
export function estimateSeconds(plans: readonly Pick<Plan, 'reps' | 'warmups' | 'seconds'>[]): number {
  return plans.reduce((sum, plan) => sum + (plan.reps + plan.warmups) * plan.seconds, 0);
}

function shortLabel(benchmarkId: string, metricId: string): string {
  return metricId.startsWith(`${benchmarkId}.`) ? metricId.slice(benchmarkId.length + 1) : metricId;
}

function describeFigures(entry: CatalogueBenchmark, figures: Figures): string {
  return entry.metrics
    .map((m) => {
      const label = shortLabel(entry.id, m.id);
      const text = `${formatFigure(figures[m.id] ?? Number.NaN)} ${m.unit}`;
      return label === m.id && entry.metrics.length === 1 ? text : `${label} ${text}`;
    })
    .join(' · ');
}

function checkFigures(entry: CatalogueBenchmark, figures: Figures): void {
  for (const metric of entry.metrics) {
    const value = figures[metric.id];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`repetition did not report a finite ${metric.id}`);
  }
  const extra = Object.keys(figures).filter((key) => !entry.metrics.some((m) => m.id === key));
  if (extra.length > 0) throw new Error(`repetition reported undeclared metrics: ${extra.join(', ')}`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runBenchmarks(
  suites: readonly AnySuite[],
  catalogue: readonly CatalogueBenchmark[],
  selected: readonly string[],
  options: RunOptions,
): Promise<RunOutcome> {
  const { log } = options;
  const wanted = new Set(selected);
  const plans: Plan[] = [];
  for (const suite of suites) {
    for (const benchmark of suite.benchmarks) {
      const entry = catalogue.find((b) => b.id === benchmark.id);
      if (!entry || !wanted.has(benchmark.id)) continue;
      plans.push({
        suite,
        benchmark,
        entry,
        reps: benchmark.reps ?? DEFAULT_REPS,
        warmups: benchmark.warmups ?? DEFAULT_WARMUPS,
        seconds: (benchmark.seconds ?? DEFAULT_SECONDS) * options.timeScale,
      });
    }
  }
  const estimate = estimateSeconds(plans);
  const quietWaitSeconds = options.quietWaitSeconds === 'auto' ? autoQuietWait(estimate) : options.quietWaitSeconds;
  const suiteCount = new Set(plans.map((p) => p.suite.name)).size;
  log(
    `bench: ${plans.length} benchmarks in ${suiteCount} suites, about ${Math.ceil(estimate / 60)} min of measuring` +
      (quietWaitSeconds > 0 ? `, up to ${Math.ceil(quietWaitSeconds / 60)} min of waiting for other work to leave the CPU` : ''),
  );

  const outcomes: MetricOutcome[] = [];
  const facts: Record<string, string> = {};
  let postgres: Promise<PostgresServer> | undefined;
  const runCleanups: (() => Promise<void>)[] = [];
  const foreign = new ForeignCpu();
  const record = (
    plan: Plan,
    samples: Map<string, number[]>,
    status: MetricOutcome['status'],
    reason?: string,
    foreignCpuCores?: number,
  ) => {
    for (const metric of plan.entry.metrics) {
      outcomes.push({
        suite: plan.suite.name,
        benchmark: plan.benchmark.id,
        metric,
        reps: plan.reps,
        warmups: plan.warmups,
        seconds: plan.seconds,
        samples: status === 'measured' ? (samples.get(metric.id) ?? []) : [],
        status,
        ...(reason === undefined ? {} : { reason }),
        ...(foreignCpuCores === undefined ? {} : { foreignCpuCores }),
      });
    }
  };

  // Interrupting a run must not leave servers or a PostgreSQL cluster behind.
  let suiteCleanups: (() => unknown)[] = [];
  const onSignal = () => {
    log('bench: interrupted; cleaning up');
    void (async () => {
      for (const cleanup of [...suiteCleanups].reverse())
        await Promise.resolve()
          .then(cleanup)
          .catch(() => {});
      for (const cleanup of runCleanups) await cleanup().catch(() => {});
      process.exit(130);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let quietBudget = quietWaitSeconds * 1000;
  const waitForQuiet = async (tag: string) => {
    if (quietWaitSeconds === 0) return;
    let noted = false;
    let quietSamples = 0;
    for (;;) {
      const started = performance.now();
      const before = foreign.snapshot();
      await sleep(QUIET_SAMPLE_MS);
      const others = ForeignCpu.cores(before, foreign.snapshot());
      quietBudget -= performance.now() - started;
      if (others === undefined) return;
      // A quiet second, not a quiet instant: other work (a test run) comes in bursts.
      if (others < BUSY_CORES) {
        if (++quietSamples >= QUIET_SAMPLES) return;
        continue;
      }
      quietSamples = 0;
      if (quietBudget <= 0) {
        log(`${tag}  other processes use ${others.toFixed(2)} CPU cores; the wait budget is spent, measuring anyway`);
        return;
      }
      if (!noted) log(`${tag}  waiting for other processes to leave the CPU (${others.toFixed(2)} cores busy)…`);
      noted = true;
    }
  };

  let index = 0;
  try {
    for (const suite of suites) {
      const suitePlans = plans.filter((plan) => plan.suite === suite);
      if (suitePlans.length === 0) continue;
      suiteCleanups = [];
      const cleanups = suiteCleanups;
      const context: SuiteContext = {
        repoRoot: options.repoRoot,
        node: process.execPath,
        tempDir(prefix) {
          const dir = mkdtempSync(join(tmpdir(), `mvid-bench-${prefix}-`));
          cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
          return dir;
        },
        async postgres() {
          postgres ??= startPostgres(options.repoRoot, log).then((server) => {
            runCleanups.push(() => server.stop());
            if (server.pid !== undefined) foreign.addRoot(server.pid);
            facts['postgres'] =
              `${server.version}, ${server.durable ? 'durable (fsync on, synchronous_commit on)' : 'NOT durable'}, ${server.source === 'env' ? 'MVID_BENCH_DATABASE_URL' : 'cluster started by the bench'}`;
            return server;
          });
          const server = await postgres;
          const database = await server.createDatabase(suite.name);
          cleanups.push(() => database.drop());
          return { url: database.url, version: database.version, durable: database.durable };
        },
        defer: (cleanup) => cleanups.push(cleanup),
        fact: (key, value) => {
          facts[key] = value;
        },
        log: (message) => log(`  ${suite.name}: ${message}`),
      };
      log(`— ${suite.title} (${suite.name})`);
      let state: unknown;
      let setupFailure: { status: 'unavailable' | 'error'; reason: string } | undefined;
      try {
        state = await suite.setup?.(context);
      } catch (error) {
        setupFailure = { status: error instanceof Unavailable ? 'unavailable' : 'error', reason: errorText(error) };
        log(`  ${suite.name}: ${setupFailure.status}: ${setupFailure.reason}`);
      }
      for (const plan of suitePlans) {
        index++;
        const tag = `[${String(index).padStart(String(plans.length).length)}/${plans.length}] ${plan.benchmark.id}`;
        if (setupFailure) {
          record(plan, new Map(), setupFailure.status, setupFailure.reason);
          continue;
        }
        await waitForQuiet(tag);
        const samples = new Map<string, number[]>(plan.entry.metrics.map((m) => [m.id, []]));
        const started = performance.now();
        try {
          for (let w = 1; w <= plan.warmups; w++) {
            const figures = await plan.benchmark.run(state, { index: w, warmup: true, seconds: plan.seconds });
            checkFigures(plan.entry, figures);
            log(`${tag}  warm-up ${w}/${plan.warmups}: ${describeFigures(plan.entry, figures)}`);
          }
          const before = foreign.snapshot();
          for (let rep = 1; rep <= plan.reps; rep++) {
            const figures = await plan.benchmark.run(state, { index: rep, warmup: false, seconds: plan.seconds });
            checkFigures(plan.entry, figures);
            for (const metric of plan.entry.metrics) samples.get(metric.id)?.push(figures[metric.id]!);
            log(`${tag}  rep ${rep}/${plan.reps}: ${describeFigures(plan.entry, figures)}`);
          }
          const others = ForeignCpu.cores(before, foreign.snapshot());
          const medians = Object.fromEntries(plan.entry.metrics.map((m) => [m.id, median(samples.get(m.id) ?? [])]));
          const busy =
            others !== undefined && others >= BUSY_CORES ? ` — other processes used ${others.toFixed(2)} CPU cores meanwhile` : '';
          log(`${tag}  median: ${describeFigures(plan.entry, medians)} (${((performance.now() - started) / 1000).toFixed(1)} s)${busy}`);
          record(plan, samples, 'measured', undefined, others);
        } catch (error) {
          const status = error instanceof Unavailable ? 'unavailable' : 'error';
          log(`${tag}  ${status}: ${errorText(error)}`);
          record(plan, samples, status, errorText(error));
        }
      }
      for (const cleanup of [...cleanups].reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log(`  ${suite.name}: cleanup failed: ${errorText(error)}`);
        }
      }
      suiteCleanups = [];
    }
    const waited = quietWaitSeconds - quietBudget / 1000;
    facts['waited for other processes to leave the CPU'] = `${Math.round(waited)} s (budget ${Math.round(quietWaitSeconds)} s)`;
  } finally {
    for (const cleanup of runCleanups) await cleanup().catch((error: unknown) => log(`bench: cleanup failed: ${errorText(error)}`));
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return { outcomes, facts };
}
