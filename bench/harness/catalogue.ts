/**
 * The catalogue of benchmarks: the suites found in bench/suites, checked for consistency with
 * each other and with bench/targets.ts, and the selection of what a run measures.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TargetRow } from '../targets.ts';
import type { AnySuite, Better } from './types.ts';

export interface CatalogueMetric {
  id: string;
  title: string;
  unit: string;
  better: Better;
  /** The ceiling, from the target row if there is one, else from the suite. */
  ceiling: string | undefined;
  note: string | undefined;
  target: TargetRow | undefined;
}

export interface CatalogueBenchmark {
  suite: string;
  id: string;
  metrics: readonly CatalogueMetric[];
}

/** Suites with the ceilings run first, then by name, so a run's order does not depend on the file system. */
export function orderSuites<T extends Pick<AnySuite, 'name' | 'kind'>>(suites: readonly T[]): T[] {
  const rank = (suite: T) => (suite.kind === 'ceiling' ? 0 : 1);
  return [...suites].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * Flattens the suites into benchmarks and checks what a typo would otherwise turn into a
 * silently wrong report: ids unique, ceilings existing, units and ceilings agreeing with the targets.
 */
export function buildCatalogue(suites: readonly AnySuite[], targets: readonly TargetRow[]): CatalogueBenchmark[] {
  const problems: string[] = [];
  const targetOf = new Map(targets.map((row) => [row.metric, row]));
  const seenSuites = new Set<string>();
  const seenBenchmarks = new Set<string>();
  const seenMetrics = new Set<string>();
  const catalogue: CatalogueBenchmark[] = [];
  for (const suite of orderSuites(suites)) {
    if (seenSuites.has(suite.name)) problems.push(`suite ${suite.name} is defined twice`);
    seenSuites.add(suite.name);
    if (suite.benchmarks.length === 0) problems.push(`suite ${suite.name} has no benchmarks`);
    for (const benchmark of suite.benchmarks) {
      if (seenBenchmarks.has(benchmark.id)) problems.push(`benchmark ${benchmark.id} is defined twice`);
      seenBenchmarks.add(benchmark.id);
      if (benchmark.metrics.length === 0) problems.push(`benchmark ${benchmark.id} reports no metric`);
      if (benchmark.reps !== undefined && benchmark.reps < 5) problems.push(`benchmark ${benchmark.id} has fewer than 5 repetitions`);
      const metrics: CatalogueMetric[] = [];
      for (const metric of benchmark.metrics) {
        if (seenMetrics.has(metric.id)) problems.push(`metric ${metric.id} is reported twice`);
        seenMetrics.add(metric.id);
        const target = targetOf.get(metric.id);
        if (target && target.unit !== metric.unit) problems.push(`metric ${metric.id} is in ${metric.unit}, its target in ${target.unit}`);
        if (target && metric.ceiling !== undefined && metric.ceiling !== target.ceiling) {
          problems.push(`metric ${metric.id} names ceiling ${metric.ceiling}, its target ${target.ceiling ?? 'none'}`);
        }
        metrics.push({
          id: metric.id,
          title: metric.title,
          unit: metric.unit,
          better: metric.better,
          ceiling: target?.ceiling ?? metric.ceiling,
          note: metric.note,
          target,
        });
      }
      catalogue.push({ suite: suite.name, id: benchmark.id, metrics });
    }
  }
  for (const benchmark of catalogue) {
    for (const metric of benchmark.metrics) {
      if (metric.ceiling !== undefined && !seenMetrics.has(metric.ceiling)) {
        problems.push(`metric ${metric.id} is compared to ${metric.ceiling}, which no benchmark reports`);
      }
    }
  }
  for (const row of targets) {
    if (row.ceiling !== undefined && !seenMetrics.has(row.ceiling))
      problems.push(`target ${row.metric} names unknown ceiling ${row.ceiling}`);
    if (row.conditions.some((c) => c.ofCeiling) && row.ceiling === undefined)
      problems.push(`target ${row.metric} has a ratio but no ceiling`);
  }
  if (problems.length > 0) throw new Error(`the benchmark catalogue is inconsistent:\n  ${problems.join('\n  ')}`);
  return catalogue;
}

export interface Selection {
  /** Benchmark ids to run, in catalogue order. */
  benchmarks: string[];
  /** Of those, the ones added only because a selected metric is compared to them. */
  pulledIn: string[];
  /** Patterns that matched nothing. */
  unknown: string[];
}

function matches(pattern: string, name: string): boolean {
  return name.startsWith(pattern);
}

/**
 * What a run measures. No pattern: everything. Otherwise every benchmark whose suite name,
 * id or metric id equals or starts with a pattern, plus (transitively) the benchmarks that
 * report their ceilings, so a ratio is always taken against a figure from the same run.
 */
export function selectBenchmarks(catalogue: readonly CatalogueBenchmark[], patterns: readonly string[]): Selection {
  if (patterns.length === 0) return { benchmarks: catalogue.map((b) => b.id), pulledIn: [], unknown: [] };
  const chosen = new Set<string>();
  const unknown: string[] = [];
  for (const pattern of patterns) {
    let hit = false;
    for (const benchmark of catalogue) {
      const names = [benchmark.suite, benchmark.id, ...benchmark.metrics.map((m) => m.id)];
      if (names.some((name) => matches(pattern, name))) {
        chosen.add(benchmark.id);
        hit = true;
      }
    }
    if (!hit) unknown.push(pattern);
  }
  const producer = new Map<string, string>();
  for (const benchmark of catalogue) for (const metric of benchmark.metrics) producer.set(metric.id, benchmark.id);
  const pulledIn = new Set<string>();
  const queue = [...chosen];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    const benchmark = catalogue.find((b) => b.id === id);
    for (const metric of benchmark?.metrics ?? []) {
      const source = metric.ceiling === undefined ? undefined : producer.get(metric.ceiling);
      if (source !== undefined && !chosen.has(source)) {
        chosen.add(source);
        pulledIn.add(source);
        queue.push(source);
      }
    }
  }
  const ordered = catalogue.map((b) => b.id).filter((id) => chosen.has(id));
  return { benchmarks: ordered, pulledIn: ordered.filter((id) => pulledIn.has(id)), unknown };
}

function isSuite(value: unknown): value is AnySuite {
  if (typeof value !== 'object' || value === null) return false;
  const suite = value as Partial<AnySuite>;
  return typeof suite.name === 'string' && typeof suite.title === 'string' && Array.isArray(suite.benchmarks);
}

/** Imports every `bench/suites/*.ts` (tests excluded); each must default-export a suite named after its file. */
export async function loadSuites(directory: string): Promise<AnySuite[]> {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .sort();
  const suites: AnySuite[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(directory, file)).href)) as { default?: unknown };
    const suite = module.default;
    if (!isSuite(suite)) throw new Error(`bench/suites/${file} must default-export defineSuite({ name, title, kind, benchmarks })`);
    if (suite.name !== basename(file, '.ts')) throw new Error(`bench/suites/${file} names its suite ${suite.name}; use the file name`);
    suites.push(suite);
  }
  return suites;
}
