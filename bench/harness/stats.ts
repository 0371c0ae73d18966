/** Summary statistics over the repetitions of one metric. Pure; tested in bench/harness.test.ts. */

/**
 * The p-quantile (0 ≤ p ≤ 1) by linear interpolation between closest ranks (Hyndman–Fan
 * type 7, what numpy and R use by default). With 5 repetitions p95 and p99 lie between the
 * two largest figures: they show the spread of a repetition's figure, not request latency.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new TypeError('quantile of no values');
  if (!(p >= 0 && p <= 1)) throw new TypeError(`quantile must be within [0, 1], got ${p}`);
  for (const value of values) if (!Number.isFinite(value)) throw new TypeError(`not a finite figure: ${value}`);
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const upper = Math.ceil(h);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (h - lower);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export interface Summary {
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  /** Relative spread (max − min) / median, to flag noisy figures. */
  spread: number;
}

export function summarize(values: readonly number[]): Summary {
  const mid = median(values);
  const min = quantile(values, 0);
  const max = quantile(values, 1);
  return {
    median: mid,
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    min,
    max,
    spread: mid === 0 ? 0 : (max - min) / Math.abs(mid),
  };
}

/** A figure rounded for people: three significant digits, thousands separated. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}
