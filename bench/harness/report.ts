/**
 * Turns the outcomes of a run into rows (summary, ceiling and ratio from the same run, target
 * verdict), and writes them as JSON for machines and a Markdown table for people.
 */
import { conditionText, judge, type TargetRow } from '../targets.ts';
import type { CatalogueBenchmark } from './catalogue.ts';
import type { MachineFacts } from './machine.ts';
import { BUSY_CORES, type MetricOutcome } from './runner.ts';
import { formatFigure, type Summary, summarize } from './stats.ts';

export type RowStatus = 'met' | 'missed' | 'info' | 'undecided' | 'unavailable' | 'error' | 'not-measured';

export interface ResultRow {
  id: string;
  title: string;
  suite: string | null;
  benchmark: string | null;
  unit: string;
  better: 'higher' | 'lower' | null;
  reps: number;
  warmups: number;
  secondsPerRep: number;
  samples: number[];
  summary: Summary | null;
  ceiling: { id: string; title: string; unit: string; median: number | null; foreignCpuCores: number | null } | null;
  /** median / ceiling median, both from this run. */
  ratio: number | null;
  target: { text: string; conditions: TargetRow['conditions'] } | null;
  status: RowStatus;
  /** Why a row is unavailable, failed, undecided or not measured. */
  reason: string | null;
  note: string | null;
  /** Average CPU cores used by other processes on the machine during the measured repetitions. */
  foreignCpuCores: number | null;
}

export interface RunReport {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** The names given on the command line; empty for a full run. */
  selection: string[];
  quick: boolean;
  machine: MachineFacts;
  facts: Record<string, string>;
  results: ResultRow[];
}

export function buildRows(
  outcomes: readonly MetricOutcome[],
  catalogue: readonly CatalogueBenchmark[],
  targets: readonly TargetRow[],
): ResultRow[] {
  const byId = new Map(outcomes.map((o) => [o.metric.id, o]));
  const medianOf = (id: string) => {
    const outcome = byId.get(id);
    return outcome?.status === 'measured' && outcome.samples.length > 0 ? summarize(outcome.samples).median : undefined;
  };
  const rows: ResultRow[] = outcomes.map((outcome) => {
    const { metric } = outcome;
    const summary = outcome.status === 'measured' ? summarize(outcome.samples) : null;
    const ceilingOutcome = metric.ceiling === undefined ? undefined : byId.get(metric.ceiling);
    const ceilingMedian = metric.ceiling === undefined ? undefined : medianOf(metric.ceiling);
    const ratio = summary && ceilingMedian !== undefined && ceilingMedian !== 0 ? summary.median / ceilingMedian : undefined;
    const ceilingTitle = ceilingOutcome?.metric.title;
    let status: RowStatus = outcome.status === 'measured' ? 'info' : outcome.status;
    let reason = outcome.reason ?? null;
    if (summary && metric.target) {
      const verdict = judge(metric.target.conditions, summary.median, ratio);
      status = verdict ?? 'undecided';
      if (verdict === undefined) reason = `ceiling ${metric.ceiling} was not measured in this run`;
    }
    return {
      id: metric.id,
      title: metric.title,
      suite: outcome.suite,
      benchmark: outcome.benchmark,
      unit: metric.unit,
      better: metric.better,
      reps: outcome.reps,
      warmups: outcome.warmups,
      secondsPerRep: outcome.seconds,
      samples: outcome.samples,
      summary,
      ceiling:
        metric.ceiling === undefined
          ? null
          : {
              id: metric.ceiling,
              title: ceilingTitle ?? metric.ceiling,
              unit: ceilingOutcome?.metric.unit ?? '',
              median: ceilingMedian ?? null,
              foreignCpuCores: ceilingOutcome?.foreignCpuCores ?? null,
            },
      ratio: ratio ?? null,
      target: metric.target
        ? {
            text: metric.target.conditions.map((c) => conditionText(c, metric.unit, ceilingTitle)).join(' and '),
            conditions: metric.target.conditions,
          }
        : null,
      status,
      reason,
      note: metric.note ?? metric.target?.note ?? null,
      foreignCpuCores: outcome.foreignCpuCores ?? null,
    };
  });
  const reported = new Set(catalogue.flatMap((b) => b.metrics.map((m) => m.id)));
  const metricOf = (id: string | undefined) =>
    id === undefined ? undefined : catalogue.flatMap((b) => b.metrics).find((m) => m.id === id);
  for (const row of targets) {
    if (reported.has(row.metric)) continue;
    const ceiling = metricOf(row.ceiling);
    rows.push({
      id: row.metric,
      title: row.title,
      suite: null,
      benchmark: null,
      unit: row.unit,
      better: null,
      reps: 0,
      warmups: 0,
      secondsPerRep: 0,
      samples: [],
      summary: null,
      ceiling:
        row.ceiling === undefined
          ? null
          : {
              id: row.ceiling,
              title: ceiling?.title ?? row.ceiling,
              unit: ceiling?.unit ?? '',
              median: medianOf(row.ceiling) ?? null,
              foreignCpuCores: byId.get(row.ceiling)?.foreignCpuCores ?? null,
            },
      ratio: null,
      target: { text: row.conditions.map((c) => conditionText(c, row.unit, ceiling?.title)).join(' and '), conditions: row.conditions },
      status: 'not-measured',
      reason: `added by ${row.addedBy}`,
      note: row.note ?? null,
      foreignCpuCores: null,
    });
  }
  return rows;
}

const STATUS_TEXT: Record<RowStatus, string> = {
  met: '✅ met',
  missed: '❌ missed',
  info: '—',
  undecided: '❔ undecided',
  unavailable: '⚠️ unavailable',
  error: '💥 error',
  'not-measured': 'not yet measured',
};

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * A ratio is only as good as the conditions on its two sides: when the ceiling and the
 * benchmark were measured beside different amounts of other work, say so.
 */
export function ratioSkew(row: Pick<ResultRow, 'ratio' | 'foreignCpuCores' | 'ceiling'>): string | null {
  const mine = row.foreignCpuCores;
  const theirs = row.ceiling?.foreignCpuCores ?? null;
  if (row.ratio === null || mine === null || theirs === null || Math.abs(mine - theirs) < BUSY_CORES) return null;
  return `⚠ ratio skewed: the ceiling was measured beside ${theirs.toFixed(2)} cores of other work, this beside ${mine.toFixed(2)}`;
}

/** A reason short enough for a table cell (the JSON keeps it whole). */
function brief(text: string): string {
  const flat = text.split('\n')[0]!.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function figure(value: number | null | undefined, unit: string): string {
  return value === null || value === undefined ? '—' : `${formatFigure(value)} ${unit}`;
}

function rowLine(row: ResultRow, targets: boolean): string {
  const s = row.summary;
  const ceiling = row.ceiling ? `${row.ceiling.title}: ${figure(row.ceiling.median, row.ceiling.unit)}` : '—';
  const skew = ratioSkew(row);
  const ratio = row.ratio === null ? '—' : `${row.ratio.toFixed(row.ratio < 0.1 ? 3 : 2)}×${skew === null ? '' : ' ⚠'}`;
  const measured = s ? figure(s.median, row.unit) : row.status === 'not-measured' ? 'not yet measured' : STATUS_TEXT[row.status];
  const range = s ? `${formatFigure(s.min)}–${formatFigure(s.max)}` : '—';
  const p95 = s ? formatFigure(s.p95) : '—';
  const busy =
    row.foreignCpuCores !== null && row.foreignCpuCores >= BUSY_CORES
      ? `⚠ other processes used ${row.foreignCpuCores.toFixed(2)} CPU cores meanwhile`
      : null;
  const why = [busy, skew, row.reason === null ? null : brief(row.reason), row.note].filter((x) => x !== null).join('; ');
  const cells = [`${row.title} \`${row.id}\``, measured, p95, range, ceiling, ratio];
  if (targets) cells.push(row.target?.text ?? '—', STATUS_TEXT[row.status]);
  cells.push(why || '');
  return `| ${cells.map(cell).join(' | ')} |`;
}

function busyLines(rows: readonly ResultRow[]): string[] {
  const busy = [...new Set(rows.filter((r) => r.foreignCpuCores !== null && r.foreignCpuCores >= BUSY_CORES).map((r) => r.benchmark))];
  if (busy.length === 0) return [];
  const worst = Math.max(...rows.map((r) => r.foreignCpuCores ?? 0));
  return [
    `**Other processes were using the CPU during ${busy.length} benchmarks (up to ${worst.toFixed(2)} cores): ${busy.join(', ')}.**`,
    '**Rates measured beside other work are low, and latencies high, for reasons outside mvid; see the ⚠ notes.**',
    '',
  ];
}

export function renderMarkdown(report: RunReport, targets: readonly TargetRow[]): string {
  const m = report.machine;
  const targetIds = new Set(targets.map((t) => t.metric));
  const targetRows = targets.map((t) => report.results.find((r) => r.id === t.metric)).filter((r): r is ResultRow => r !== undefined);
  const otherRows = report.results.filter((r) => !targetIds.has(r.id));
  const lines = [
    '# mvid benchmark results',
    '',
    `Run ${report.startedAt} → ${report.finishedAt} (${Math.round(report.durationSeconds)} s)${report.selection.length ? `, selection: ${report.selection.join(' ')}` : ', full run'}${report.quick ? ', **quick mode (shortened repetitions; not comparable)**' : ''}.`,
    '',
    `- Machine: ${m.cpuModel}, ${m.cores} logical CPUs (${m.availableParallelism} available${m.cpuQuota ? `, cgroup quota ${m.cpuQuota}` : ''}), ${formatFigure(m.totalMemoryMB / 1024)} GiB RAM`,
    `- Software: Node ${m.node}, ${m.os}${m.distribution ? ` (${m.distribution})` : ''}`,
    `- Code: ${m.gitCommit ?? 'unknown commit'}${m.gitDirty ? ' with uncommitted changes' : ''}`,
    `- Load average at the start (1, 5, 15 min): ${m.loadAverage.map((x) => x.toFixed(2)).join(', ')}`,
    ...Object.entries(report.facts).map(([key, value]) => `- ${key}: ${value}`),
    '',
    ...busyLines(report.results),
    'Figures are the median over the measured repetitions (after warm-up); p95 and min–max are over those',
    'repetitions. Ratios divide two medians taken in this same run. See docs/performance.md.',
    '',
    '## Targets',
    '',
    '| Benchmark | Median | p95 | min–max | Ceiling (same run) | Ratio | Target | Status | Notes |',
    '|---|---:|---:|---:|---|---:|---|---|---|',
    ...targetRows.map((row) => rowLine(row, true)),
    '',
    '## Ceilings, baselines and other measurements',
    '',
    '| Benchmark | Median | p95 | min–max | Compared to (same run) | Ratio | Notes |',
    '|---|---:|---:|---:|---|---:|---|',
    ...otherRows.map((row) => rowLine(row, false)),
    '',
  ];
  return lines.join('\n');
}
