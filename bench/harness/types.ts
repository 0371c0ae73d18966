/**
 * The shape of a benchmark suite. A suite is one file `bench/suites/<name>.ts` whose default
 * export is `defineSuite({...})`; the runner finds it by listing the folder, so adding a
 * benchmark is adding a file. See docs/performance.md ("Adding a benchmark").
 */

/** Whether a bigger or a smaller figure is better (ops/s versus ms or MB). */
export type Better = 'higher' | 'lower';

/** One figure a benchmark reports per repetition; one row of the results. */
export interface MetricSpec {
  /** Globally unique, dotted (`ceiling.es256.verify`). A row of bench/targets.ts with this id judges it. */
  id: string;
  title: string;
  /** `ops/s`, `MB/s`, `req/s`, `ms`, `MB`, … — shown as is. */
  unit: string;
  better: Better;
  /** Id of the metric it is compared to; the ratio uses both medians from the same run. */
  ceiling?: string;
  /** What the reader must know to read the figure (load, concurrency, engine settings). */
  note?: string;
}

/** What a repetition is told: which one it is and how long it should measure for. */
export interface RepInfo {
  /** 1-based; warm-up repetitions have `warmup: true` and are discarded. */
  index: number;
  warmup: boolean;
  /** The time budget of one repetition in seconds (the descriptor's `seconds`, scaled by --quick). */
  seconds: number;
}

/** The figures of one repetition, keyed by metric id; every declared metric must be present. */
export type Figures = Readonly<Record<string, number>>;

export interface Benchmark<S> {
  /** Globally unique, dotted (`ceiling.sha256.bulk`); selectable by name or prefix. */
  id: string;
  metrics: readonly MetricSpec[];
  /** Measured repetitions (default 5, never fewer than 5 in a full run). */
  reps?: number;
  /** Discarded repetitions before measuring (default 1). */
  warmups?: number;
  /** Nominal time budget of one repetition in seconds (default 1); keeps a full run bounded. */
  seconds?: number;
  /** One repetition. Throw to fail the benchmark (for example when a load run saw errors). */
  run(state: S, rep: RepInfo): Promise<Figures>;
}

export interface Suite<S> {
  /** Must equal the file name without `.ts`. */
  name: string;
  title: string;
  /** Ceilings and baselines run first; `mvid` suites measure mvid itself. */
  kind: 'ceiling' | 'mvid';
  /** Starts what the benchmarks share (servers, databases); register cleanups with `ctx.defer`. */
  setup?(ctx: SuiteContext): Promise<S>;
  benchmarks: readonly Benchmark<S>[];
}

/** A suite with its state type erased, as the runner holds it. */
export type AnySuite = Suite<unknown>;

export interface PostgresDatabase {
  /** URL of a fresh, empty database of this suite's own, dropped at the end of the suite. */
  url: string;
  /** `PostgreSQL 15.x`, and whether commits are durable (fsync on, synchronous_commit on). */
  version: string;
  durable: boolean;
}

export interface SuiteContext {
  readonly repoRoot: string;
  /** Absolute path of the Node binary running the bench (Node 24), for child processes. */
  readonly node: string;
  /** A fresh directory, removed at the end of the suite. */
  tempDir(prefix: string): string;
  /**
   * A database on the shared durable PostgreSQL cluster (started on first use, stopped at the
   * end of the run) or on MVID_BENCH_DATABASE_URL. Throws `Unavailable` when there is none.
   */
  postgres(): Promise<PostgresDatabase>;
  /** Runs after the suite's benchmarks, last registered first, even when one failed. */
  defer(cleanup: () => unknown): void;
  /** Records a fact about the environment in the results (`sqlite`: `3.46.1`). */
  fact(key: string, value: string): void;
  /** A progress line on stderr. */
  log(message: string): void;
}

/**
 * Thrown by a suite whose prerequisite is missing (no PostgreSQL, no /proc): its rows are
 * recorded as "unavailable" with the reason, and the run goes on.
 */
export class Unavailable extends Error {
  override name = 'Unavailable';
}

/** Identity function that gives a suite file its types. */
export function defineSuite<S>(suite: Suite<S>): Suite<S> {
  return suite;
}
