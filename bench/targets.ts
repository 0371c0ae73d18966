/**
 * The performance targets of mvid (issue "Performance: one benchmark suite that measures mvid
 * against its ceilings and its peers"). A suite that reports a metric with one of these ids is
 * judged against the row; a row nobody reports yet is listed as "not yet measured" with the
 * work that adds it. Targets live here, not in the suites, so a benchmark cannot loosen its own.
 */

/** A condition on the median of a metric, or (`ofCeiling`) on its ratio to the ceiling's median. */
export interface Condition {
  op: '>=' | '<=' | '<' | '>';
  value: number;
  ofCeiling?: boolean;
}

export interface TargetRow {
  /** The metric id a suite must report. */
  metric: string;
  title: string;
  unit: string;
  /** All must hold for "met". */
  conditions: readonly Condition[];
  /** The metric whose median (same run) the ratio is taken against. */
  ceiling?: string;
  /** Which piece of work adds the benchmark (shown while the row is not measured). */
  addedBy: string;
  note?: string;
}

/** Issue 18: each operation of the `growth` suite costs at most 2 × at the largest size what it costs at 10^4 persons. */
const GROWTH_ROWS: readonly TargetRow[] = (
  [
    ['filing.seen', 'Disclosure filing (seen pseudonym)'],
    ['filing.unseen', 'Disclosure filing (unseen pseudonym)'],
    ['enrol', 'Enrolments'],
    ['sign-in', 'Registry sign-ins'],
  ] as const
).map(([op, title]) => ({
  metric: `growth.${op}.ratio`,
  title: `${title}: cost at the largest size ÷ at 10^4 persons`,
  unit: '×',
  conditions: [{ op: '<=', value: 2 }],
  addedBy: 'issue 18 (cost must not grow with the number of persons; bench suite growth)',
}));

/**
 * Issue 15 / 18: the three hot paths through three `mvid serve` nodes on one PostgreSQL behind
 * the loopback round-robin proxy (test/support/cluster.ts; bench suite `cluster`). On the 2-core
 * bench machine the nodes, the proxy and the load generator share two cores, so this measures
 * the cluster's overhead, not a speed-up: the condition is that the proxy's hop, more
 * processes on the same cores and the log's one integrator (an advisory lock) cost at most
 * half of one node's figure on the same PostgreSQL. Each ceiling is one node over HTTP, like the cluster: enrolments are compared to
 * `registry.enrol.http.postgres` (`oidc-postgres`, one `mvid serve`, the same HTTP driver),
 * not to `registry.enrol.postgres`, which enrols in-process and so leaves out HTTP, the abuse
 * limiter and the session an enrolment over HTTP opens.
 */
const CLUSTER_ROWS: readonly TargetRow[] = (
  [
    ['tokens', 'Client-credentials tokens', 'tokens/s', 'tokens.client-credentials.postgres'],
    ['logins', 'OIDC code-flow logins', 'logins/s', 'oidc.code-flow.postgres'],
    ['enrol', 'Enrolments over HTTP', 'enrolments/s', 'registry.enrol.http.postgres'],
  ] as const
).map(([op, title, unit, ceiling]) => ({
  metric: `cluster.${op}.3-nodes`,
  title: `${title}, 3 nodes behind the proxy (overhead on 2 cores, not speed-up)`,
  unit,
  conditions: [{ op: '>=', value: 0.5, ofCeiling: true }],
  ceiling,
  addedBy: "issue 15 (bench suite cluster: 1, 2 and 3 nodes behind test/support/cluster.ts's proxy)",
}));

export const TARGETS: readonly TargetRow[] = [
  ...GROWTH_ROWS,
  ...CLUSTER_ROWS,
  {
    metric: 'tokens.client-credentials',
    title: 'Client-credentials tokens',
    unit: 'tokens/s',
    conditions: [
      { op: '>=', value: 2000 },
      { op: '>=', value: 1.0, ofCeiling: true },
    ],
    // Issue 18: against stock oidc-provider (in memory) in the same run, replacing "≥ 0.6 × hello world".
    ceiling: 'peers.oidc-provider.client-credentials',
    addedBy: 'the OAuth token-endpoint issue (client-credentials grant); peer: issue 18',
  },
  {
    metric: 'oidc.code-flow',
    title: 'OIDC authorization-code logins',
    unit: 'logins/s',
    conditions: [
      { op: '>=', value: 300 },
      { op: '>=', value: 0.8, ofCeiling: true },
    ],
    // Issue 18: against stock oidc-provider (in memory, development interactions) in the same run.
    ceiling: 'peers.oidc-provider.code-flow',
    addedBy: 'the OpenID Connect login issue (code flow with PKCE); peer: issue 18',
  },
  {
    metric: 'credentials.sd-jwt-vc.verify',
    title: 'SD-JWT VC presentation verifications',
    unit: 'verifications/s',
    conditions: [{ op: '>=', value: 0.5, ofCeiling: true }],
    ceiling: 'ceiling.es256.verify',
    addedBy: 'the SD-JWT VC credentials issue (src/credentials)',
  },
  {
    metric: 'peers.sd-jwt-vc.verify',
    title: '@sd-jwt/sd-jwt-vc verifications ≤ 1 / 1.5 × mvid SDK (mvid ≥ 1.5 × the library)',
    unit: 'verifications/s',
    conditions: [{ op: '<=', value: 1 / 1.5, ofCeiling: true }],
    ceiling: 'credentials.sd-jwt-vc.verify',
    addedBy: 'issue 18 (peers suite)',
  },
  {
    metric: 'tlog.append.sqlite',
    title: 'Log appends, durable, batched (SQLite)',
    unit: 'appends/s',
    conditions: [{ op: '>=', value: 20_000 }],
    ceiling: 'ceiling.sqlite.commit-row',
    addedBy: 'the transparency-log issue (src/tlog)',
    note: 'ratio > 1 means more than one append per durable commit (batching)',
  },
  {
    metric: 'tlog.append.postgres',
    title: 'Log appends, durable, batched (PostgreSQL)',
    unit: 'appends/s',
    conditions: [{ op: '>=', value: 5_000 }],
    ceiling: 'ceiling.postgres.commit-row',
    addedBy: 'the transparency-log issue (src/tlog)',
    note: 'ratio > 1 means more than one append per durable commit (batching)',
  },
  {
    metric: 'tlog.proofs.1e6',
    title: 'Inclusion + consistency proof on 10^6 leaves',
    unit: 'ms',
    conditions: [{ op: '<', value: 1 }],
    addedBy: 'the transparency-log issue (src/tlog)',
  },
  {
    metric: 'registry.enrol',
    title: 'Enrolments',
    unit: 'enrolments/s',
    conditions: [{ op: '>=', value: 500 }],
    addedBy: 'the registry enrolment issue (src/registry)',
  },
  {
    metric: 'registry.enrol.postgres',
    title: 'Enrolments (PostgreSQL)',
    unit: 'enrolments/s',
    conditions: [{ op: '>=', value: 300 }],
    addedBy: 'issue 18 (bench/suites/registry.ts)',
  },
  {
    metric: 'disclosure.release.3of5',
    title: '3-of-5 threshold release (compute)',
    unit: 'ms',
    conditions: [{ op: '<', value: 20 }],
    addedBy: 'the escrow and threshold-release issue (src/disclosure)',
  },
  {
    metric: 'mvid.rss.idle',
    title: 'RSS of `mvid serve`, idle',
    unit: 'MB',
    conditions: [{ op: '<=', value: 100 }],
    ceiling: 'ceiling.http.hello.rss-idle',
    addedBy: 'this harness (bench/suites/mvid-http.ts)',
  },
  {
    metric: 'mvid.rss.load',
    title: 'RSS of `mvid serve`, under the token load',
    unit: 'MB',
    conditions: [{ op: '<=', value: 220 }],
    ceiling: 'ceiling.http.hello.rss-load',
    addedBy: 'the OAuth token-endpoint issue (bench/suites/oidc.ts, benchmark mvid.token-load)',
  },
  {
    metric: 'mvid.readyz.p99',
    title: 'p99 latency of /readyz under the token load',
    unit: 'ms',
    conditions: [{ op: '<', value: 50 }],
    ceiling: 'ceiling.http.hello.p99',
    addedBy: 'the OAuth token-endpoint issue (bench/suites/oidc.ts, benchmark mvid.token-load)',
  },
];

const OP_TEXT: Record<Condition['op'], string> = { '>=': '≥', '<=': '≤', '<': '<', '>': '>' };

export function conditionText(condition: Condition, unit: string, ceilingTitle: string | undefined): string {
  const value = condition.value.toLocaleString('en-US');
  if (condition.ofCeiling) return `${OP_TEXT[condition.op]} ${value} × ${ceilingTitle ?? 'ceiling'}`;
  return `${OP_TEXT[condition.op]} ${value} ${unit}`;
}

function holds(op: Condition['op'], left: number, right: number): boolean {
  switch (op) {
    case '>=':
      return left >= right;
    case '<=':
      return left <= right;
    case '<':
      return left < right;
    case '>':
      return left > right;
  }
}

/**
 * Judges a median (and its ratio to the ceiling) against the conditions: `missed` when one
 * fails, `met` when all hold, `undefined` when a ratio is needed but the ceiling was not measured.
 */
export function judge(conditions: readonly Condition[], median: number, ratio: number | undefined): 'met' | 'missed' | undefined {
  let undecided = false;
  for (const condition of conditions) {
    const left = condition.ofCeiling ? ratio : median;
    if (left === undefined) undecided = true;
    else if (!holds(condition.op, left, condition.value)) return 'missed';
  }
  return undecided ? undefined : 'met';
}
