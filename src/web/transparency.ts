/**
 * The public transparency page (/transparency): the log's current signed checkpoint and
 * its size over time, lawful-disclosure statistics, moderation statistics (once the
 * moderation service publishes them), all as server-rendered SVG charts with their
 * numbers, downloadable as JSON and CSV, and a "verify in your browser" button whose
 * script (src/web/browser/transparency-verify.ts) checks the checkpoint's signature and its
 * consistency with the one this browser verified last time.
 */
import { barChart, lineChart } from './charts.ts';
import { disclosureTables, type TransparencyCounts, TRANSPARENCY_COLUMNS } from './disclosure.ts';
import { html } from './html.ts';
import { page } from './layout.ts';

/** The log as the page shows it. */
export interface TransparencyLogView {
  /** The signed note served at /log/checkpoint (with any cosignatures). */
  checkpoint: string;
  size: number;
  signedAt: string;
  cosignatures: number;
  /** The log's verifier key, as `mvid log verify --key` takes it. */
  vkey: string;
  sizeByDay: Array<{ day: string; size: number }>;
}

/** Lawful-disclosure figures (src/disclosure's transparency report). */
export interface DisclosureStatistics {
  generatedAt: string;
  totals: TransparencyCounts;
  byAuthority: Array<TransparencyCounts & { name: string; jurisdiction: string }>;
  byJurisdiction: Array<TransparencyCounts & { jurisdiction: string }>;
  byOffenceCategory: Array<TransparencyCounts & { category: string }>;
  medianTimeToDecisionSeconds: number | null;
  unverified: number;
}

/**
 * Moderation figures, for the moderation service to fill (src/moderation): counts for a
 * period, and how many decisions of each kind (warning, removal, suspension…). Worlds are
 * named; no person ever is.
 */
export interface ModerationStatistics {
  generatedAt: string;
  period: { from: string; to: string };
  reports: number;
  decisions: number;
  appeals: number;
  appealsReversed: number;
  /** Decisions by kind, e.g. `{ label: 'suspension', count: 3 }`. */
  byDecision: Array<{ label: string; count: number }>;
  /** Decisions per world. */
  byWorld: Array<{ label: string; count: number }>;
}

export interface TransparencyPageInput {
  nonce: string;
  generatedAt: string;
  log: TransparencyLogView | null;
  disclosure: DisclosureStatistics | null;
  moderation: ModerationStatistics | null;
}

function duration(seconds: number | null): string {
  if (seconds === null) return 'no decision yet';
  if (seconds < 3600) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

function logSection(log: TransparencyLogView | null) {
  if (log === null) return html`<h2>The transparency log</h2><p>The log has not signed a checkpoint yet.</p>`;
  return html`<h2>The transparency log</h2>
<p>Every enrolment, credential, disclosure step and key change is an entry in a public, append-only Merkle log. Its current checkpoint, signed ${log.signedAt} (${log.size} entries, ${log.cosignatures} witness cosignatures):</p>
<pre id="checkpoint">${log.checkpoint}</pre>
<p>Log key: <code>${log.vkey}</code></p>
${lineChart(
  'Log size over time (entries, end of each day)',
  ['Day (UTC)', 'Entries'],
  log.sizeByDay.map((d) => ({ label: d.day, value: d.size })),
)}
<section aria-labelledby="verify-heading"><h3 id="verify-heading">Verify in your browser</h3>
<p>Your browser can check the log itself, without trusting this page: it downloads the checkpoint and the entries, checks the signature, recomputes the root, and keeps what it verified in this browser's local storage, so that on your next visit it proves the log only grew (a consistency proof) and never rewrote history. Or run <code>mvid log verify</code> on your own computer.</p>
<p><button id="verify" type="button" class="primary" hidden>Verify in your browser</button></p>
<noscript><p>Verifying in the browser needs JavaScript; everything else on this page works without it.</p></noscript>
<progress id="verify-progress" hidden aria-label="Verification progress"></progress>
<p id="verify-status" role="status" aria-live="polite"></p>
<ol id="verify-steps" class="steps"></ol></section>`;
}

function disclosureSection(d: DisclosureStatistics | null) {
  if (d === null) return html`<h2>Lawful disclosure</h2><p>Lawful disclosure is not enabled on this server.</p>`;
  const t = d.totals;
  return html`<h2>Lawful disclosure</h2>
<p>An authority learns who is behind a pseudonym only for a criminal offence, under a court order, after a quorum of independent trustees approves — and every step is an entry in the log. Every figure below can be recomputed from the log entries and the public records at <a href="/disclosure/v1/transparency/records">/disclosure/v1/transparency/records</a>.</p>
<p>${t.requests} requests (${t.emergencyRequests} emergencies), ${t.approvals} trustee approvals, ${t.denials} denials, ${t.releases} released, ${t.deniedRequests} refused, ${t.expiredRequests} expired. Median time to decision: ${duration(d.medianTimeToDecisionSeconds)}.${d.unverified > 0 && html` <strong class="error">${d.unverified} requests have no matching public record.</strong>`}</p>
${barChart(
  'Disclosure requests and outcomes',
  ['Outcome', 'Count'],
  TRANSPARENCY_COLUMNS.map(([k, label]) => ({ label, value: t[k] })),
)}
${disclosureTables(d)}`;
}

function moderationSection(m: ModerationStatistics | null) {
  if (m === null) {
    return html`<h2>Moderation</h2><p>Moderation statistics (reports, decisions with their statements of reasons, appeals) appear here once this server's moderation service publishes them.</p>`;
  }
  return html`<h2>Moderation</h2>
<p>From ${m.period.from} to ${m.period.to}: ${m.reports} reports, ${m.decisions} decisions, ${m.appeals} appeals (${m.appealsReversed} decisions reversed on appeal).</p>
${barChart(
  'Moderation decisions by kind',
  ['Decision', 'Count'],
  m.byDecision.map((b) => ({ label: b.label, value: b.count })),
)}
${barChart(
  'Moderation decisions by world',
  ['World', 'Count'],
  m.byWorld.map((b) => ({ label: b.label, value: b.count })),
)}`;
}

export function renderTransparencyReport(input: TransparencyPageInput): string {
  const body = html`<h1>Transparency report</h1>
<p>What mvid did, in numbers anyone can check. Download everything on this page as <a href="/transparency.json" download>JSON</a> or <a href="/transparency.csv" download>CSV</a>.</p>
${logSection(input.log)}
${disclosureSection(input.disclosure)}
${moderationSection(input.moderation)}
<p><small>Generated ${input.generatedAt}. Disclosure figures as JSON: <a href="/disclosure/v1/transparency-report">/disclosure/v1/transparency-report</a>.</small></p>`;
  return page({ title: 'Transparency report', nonce: input.nonce, body, bundles: input.log === null ? [] : ['transparency-verify.js'] });
}

type Row = [string, string, string, string | number];

/** The page's figures as CSV rows: section, series, label, value (RFC 4180 quoting). */
export function transparencyCsv(input: Omit<TransparencyPageInput, 'nonce'>): string {
  const rows: Row[] = [['section', 'series', 'label', 'value']];
  if (input.log) {
    rows.push(['log', 'checkpoint', 'size', input.log.size], ['log', 'checkpoint', 'signed_at', input.log.signedAt]);
    for (const d of input.log.sizeByDay) rows.push(['log', 'size_by_day', d.day, d.size]);
  }
  if (input.disclosure) {
    const d = input.disclosure;
    for (const [k, v] of Object.entries(d.totals)) rows.push(['disclosure', 'totals', k, v]);
    for (const a of d.byAuthority)
      for (const [k] of TRANSPARENCY_COLUMNS) rows.push(['disclosure', `authority:${a.name} (${a.jurisdiction})`, k, a[k]]);
    for (const j of d.byJurisdiction)
      for (const [k] of TRANSPARENCY_COLUMNS) rows.push(['disclosure', `jurisdiction:${j.jurisdiction}`, k, j[k]]);
    for (const c of d.byOffenceCategory)
      for (const [k] of TRANSPARENCY_COLUMNS) rows.push(['disclosure', `offence:${c.category}`, k, c[k]]);
    rows.push(['disclosure', 'median_time_to_decision_seconds', 'all', d.medianTimeToDecisionSeconds ?? '']);
  }
  if (input.moderation) {
    const m = input.moderation;
    for (const k of ['reports', 'decisions', 'appeals', 'appealsReversed'] as const) rows.push(['moderation', 'totals', k, m[k]]);
    for (const b of m.byDecision) rows.push(['moderation', 'by_decision', b.label, b.count]);
    for (const b of m.byWorld) rows.push(['moderation', 'by_world', b.label, b.count]);
  }
  const cell = (v: string | number) => {
    const s = String(v);
    // A leading =, +, - or @ would be a formula in a spreadsheet: prefix it with a quote.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
