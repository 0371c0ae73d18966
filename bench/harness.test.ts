/** The harness's pure parts: statistics, target verdicts, catalogue checks and selection. No timing here. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildCatalogue, loadSuites, orderSuites, selectBenchmarks } from './harness/catalogue.ts';
import { ratioSkew } from './harness/report.ts';
import { autoQuietWait, estimateSeconds, RUN_BUDGET_SECONDS } from './harness/runner.ts';
import { formatFigure, median, quantile, summarize } from './harness/stats.ts';
import { type AnySuite, type Benchmark, defineSuite, type MetricSpec } from './harness/types.ts';
import { conditionText, judge, TARGETS, type TargetRow } from './targets.ts';

describe('statistics', () => {
  it('takes the median of odd and even counts, whatever the order', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });

  it('interpolates percentiles between closest ranks (type 7)', () => {
    const reps = [10, 20, 30, 40, 50];
    assert.equal(quantile(reps, 0), 10);
    assert.equal(quantile(reps, 1), 50);
    assert.equal(quantile(reps, 0.25), 20);
    assert.ok(Math.abs(quantile(reps, 0.95) - 48) < 1e-9);
    assert.ok(Math.abs(quantile(reps, 0.99) - 49.6) < 1e-9);
  });

  it('summarizes repetitions', () => {
    const s = summarize([100, 90, 110, 105, 95]);
    assert.equal(s.median, 100);
    assert.equal(s.min, 90);
    assert.equal(s.max, 110);
    assert.ok(Math.abs(s.spread - 0.2) < 1e-9);
  });

  it('refuses no values, NaN and out-of-range quantiles', () => {
    assert.throws(() => median([]), TypeError);
    assert.throws(() => median([1, Number.NaN]), TypeError);
    assert.throws(() => quantile([1], 1.5), TypeError);
    assert.throws(() => quantile([1], -0.1), TypeError);
  });

  it('keeps every quantile within [min, max] and monotone in p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p, q) => {
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          const a = quantile(values, lo);
          const b = quantile(values, hi);
          assert.ok(a >= Math.min(...values) && b <= Math.max(...values));
          assert.ok(a <= b + 1e-6 * Math.max(1, Math.abs(b)));
        },
      ),
    );
  });

  it('formats figures for people', () => {
    assert.equal(formatFigure(123456.7), '123,457');
    assert.equal(formatFigure(42.25), '42.3');
    assert.equal(formatFigure(0.01234), '0.012');
  });
});

describe('target verdicts', () => {
  const tokens = [
    { op: '>=', value: 2000 },
    { op: '>=', value: 0.6, ofCeiling: true },
  ] as const;

  it('needs every condition, absolute and relative to the ceiling', () => {
    assert.equal(judge(tokens, 2500, 0.7), 'met');
    assert.equal(judge(tokens, 2500, 0.5), 'missed');
    assert.equal(judge(tokens, 1500, 0.9), 'missed');
    assert.equal(judge([{ op: '<', value: 50 }], 50, undefined), 'missed');
    assert.equal(judge([{ op: '<=', value: 120 }], 120, undefined), 'met');
  });

  it('is undecided without the ceiling, unless an absolute condition already fails', () => {
    assert.equal(judge(tokens, 2500, undefined), undefined);
    assert.equal(judge(tokens, 1500, undefined), 'missed');
  });

  it('reads as the issue does', () => {
    assert.equal(conditionText({ op: '>=', value: 20000 }, 'appends/s', undefined), '≥ 20,000 appends/s');
    assert.equal(conditionText({ op: '>=', value: 0.5, ofCeiling: true }, 'x', 'ES256 verify'), '≥ 0.5 × ES256 verify');
  });
});

function metric(id: string, extra: Partial<MetricSpec> = {}): MetricSpec {
  return { id, title: id, unit: 'ops/s', better: 'higher', ...extra };
}

function bench(id: string, metrics: MetricSpec[], extra: Partial<Benchmark<unknown>> = {}): Benchmark<unknown> {
  return { id, metrics, run: async () => ({}), ...extra };
}

function suite(name: string, kind: 'ceiling' | 'mvid', benchmarks: Benchmark<unknown>[]): AnySuite {
  return defineSuite({ name, title: name, kind, benchmarks });
}

const SUITES: AnySuite[] = [
  suite('mvid-tokens', 'mvid', [bench('tokens.cc', [metric('tokens.cc')])]),
  suite('ceiling-http', 'ceiling', [bench('ceiling.http.hello', [metric('ceiling.http.hello.rps'), metric('ceiling.http.hello.p99')])]),
  suite('ceiling-sig', 'ceiling', [
    bench('ceiling.es256.sign', [metric('ceiling.es256.sign')]),
    bench('ceiling.es256.verify', [metric('ceiling.es256.verify', { ceiling: 'ceiling.es256.sign' })]),
  ]),
  suite('mvid-vc', 'mvid', [bench('vc.verify', [metric('vc.verify')])]),
];
const ROWS: TargetRow[] = [
  {
    metric: 'tokens.cc',
    title: 'tokens',
    unit: 'ops/s',
    conditions: [{ op: '>=', value: 1 }],
    ceiling: 'ceiling.http.hello.rps',
    addedBy: 'x',
  },
  {
    metric: 'vc.verify',
    title: 'vc',
    unit: 'ops/s',
    conditions: [{ op: '>=', value: 0.5, ofCeiling: true }],
    ceiling: 'ceiling.es256.verify',
    addedBy: 'y',
  },
  { metric: 'later.thing', title: 'later', unit: 'ms', conditions: [{ op: '<', value: 1 }], addedBy: 'z' },
];

describe('catalogue', () => {
  it('runs ceilings first, then by name', () => {
    assert.deepEqual(
      orderSuites(SUITES).map((s) => s.name),
      ['ceiling-http', 'ceiling-sig', 'mvid-tokens', 'mvid-vc'],
    );
  });

  it('takes the ceiling of a metric from its target row', () => {
    const catalogue = buildCatalogue(SUITES, ROWS);
    const tokens = catalogue.find((b) => b.id === 'tokens.cc');
    assert.equal(tokens?.metrics[0]?.ceiling, 'ceiling.http.hello.rps');
    assert.equal(tokens?.metrics[0]?.target?.addedBy, 'x');
  });

  it('refuses duplicate ids, unknown ceilings, unit mismatches, conflicting ceilings and fewer than 5 reps', () => {
    const broken: [string, AnySuite[], RegExp][] = [
      ['duplicate metric', [...SUITES, suite('dup', 'mvid', [bench('dup', [metric('tokens.cc')])])], /reported twice/],
      ['unknown ceiling', [suite('a', 'mvid', [bench('a', [metric('a', { ceiling: 'nope' })])])], /no benchmark reports/],
      [
        'unit',
        [...SUITES.slice(1), suite('t', 'mvid', [bench('tokens.cc', [metric('tokens.cc', { unit: 'ms' })])])],
        /its target in ops\/s/,
      ],
      [
        'ceiling',
        [...SUITES.slice(1), suite('t', 'mvid', [bench('tokens.cc', [metric('tokens.cc', { ceiling: 'ceiling.es256.sign' })])])],
        /names ceiling/,
      ],
      ['reps', [...SUITES.slice(1), suite('t', 'mvid', [bench('tokens.cc', [metric('tokens.cc')], { reps: 3 })])], /fewer than 5/],
    ];
    for (const [what, suites, message] of broken) assert.throws(() => buildCatalogue(suites, ROWS), message, what);
  });

  it('loads the real suites, and they agree with bench/targets.ts', async () => {
    const suites = await loadSuites(join(import.meta.dirname, 'suites'));
    const catalogue = buildCatalogue(suites, TARGETS);
    const ids = catalogue.flatMap((b) => b.metrics.map((m) => m.id));
    for (const required of ['ceiling.sha256.bulk', 'ceiling.es256.verify', 'ceiling.http.hello.rps', 'mvid.readyz.p99', 'mvid.rss.idle']) {
      assert.ok(ids.includes(required), required);
    }
  });
});

describe('selection', () => {
  const catalogue = buildCatalogue(SUITES, ROWS);

  it('selects everything when no name is given', () => {
    const all = selectBenchmarks(catalogue, []);
    assert.equal(all.benchmarks.length, 5);
    assert.deepEqual(all.pulledIn, []);
  });

  it('matches suite names, benchmark ids and metric ids, exactly or by prefix', () => {
    assert.deepEqual(selectBenchmarks(catalogue, ['ceiling-sig']).benchmarks, ['ceiling.es256.sign', 'ceiling.es256.verify']);
    assert.deepEqual(selectBenchmarks(catalogue, ['ceiling.es256.s']).benchmarks, ['ceiling.es256.sign']);
    assert.deepEqual(selectBenchmarks(catalogue, ['ceiling.http.hello.p99']).benchmarks, ['ceiling.http.hello']);
    assert.deepEqual(selectBenchmarks(catalogue, ['ceiling']).benchmarks, [
      'ceiling.http.hello',
      'ceiling.es256.sign',
      'ceiling.es256.verify',
    ]);
  });

  it('pulls in the ceilings of what it selects, transitively, in run order', () => {
    const vc = selectBenchmarks(catalogue, ['vc']);
    assert.deepEqual(vc.benchmarks, ['ceiling.es256.sign', 'ceiling.es256.verify', 'vc.verify']);
    assert.deepEqual(vc.pulledIn, ['ceiling.es256.sign', 'ceiling.es256.verify']);
    const tokens = selectBenchmarks(catalogue, ['mvid-tokens']);
    assert.deepEqual(tokens.benchmarks, ['ceiling.http.hello', 'tokens.cc']);
  });

  it('reports names that match nothing', () => {
    const s = selectBenchmarks(catalogue, ['tokens', 'nope']);
    assert.deepEqual(s.unknown, ['nope']);
    assert.deepEqual(s.benchmarks, ['ceiling.http.hello', 'tokens.cc']);
  });
});

describe('run budget', () => {
  it('estimates measuring time from repetitions, warm-ups and seconds', () => {
    assert.equal(
      estimateSeconds([
        { reps: 5, warmups: 1, seconds: 4 },
        { reps: 5, warmups: 1, seconds: 1 },
      ]),
      30,
    );
  });

  it('waits for a quiet machine only with what the 15-minute budget leaves, never more than 5 min', () => {
    assert.equal(autoQuietWait(60), 300);
    assert.equal(autoQuietWait(RUN_BUDGET_SECONDS), 0);
    const tight = autoQuietWait(450);
    assert.ok(tight > 0 && tight < 300);
    assert.ok(450 * 1.5 + 120 + tight <= RUN_BUDGET_SECONDS);
  });
});

describe('ratio skew', () => {
  const ceiling = (foreignCpuCores: number | null) => ({ id: 'c', title: 'C', unit: 'ops/s', median: 100, foreignCpuCores });

  it('flags a ratio whose two sides saw different amounts of other work', () => {
    assert.match(ratioSkew({ ratio: 0.3, foreignCpuCores: 0.05, ceiling: ceiling(1.3) }) ?? '', /ratio skewed/);
  });

  it('leaves a ratio alone when both sides saw the same conditions, or nothing is known', () => {
    assert.equal(ratioSkew({ ratio: 0.3, foreignCpuCores: 1.2, ceiling: ceiling(1.3) }), null);
    assert.equal(ratioSkew({ ratio: 0.3, foreignCpuCores: null, ceiling: ceiling(1.3) }), null);
    assert.equal(ratioSkew({ ratio: null, foreignCpuCores: 0, ceiling: ceiling(1.3) }), null);
  });
});
