/**
 * The public transparency page (/transparency): the log's current signed checkpoint and
 * its size over time, lawful-disclosure statistics, moderation statistics per world
 * (src/moderation), all as server-rendered SVG charts with their
 * numbers, downloadable as JSON and CSV, and a "verify in your browser" button whose
 * script (src/web/browser/transparency-verify.ts) checks the checkpoint's signature and its
 * consistency with the one this browser verified last time.
 */
import { barChart, lineChart } from './charts.ts';
import { csvDocument } from './csv.ts';
import { disclosureTables, type TransparencyCounts, TRANSPARENCY_COLUMNS } from './disclosure.ts';
import { html } from './html.ts';
import { page } from './layout.ts';
import type { Translator } from './i18n/index.ts';

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
 * Moderation inside one world, as src/moderation's statistics give it (no personal data):
 * each world judges conduct under its own rules, so the figures are per world.
 */
export interface WorldModerationStatistics {
  worldId: string;
  worldName: string;
  reports: { total: number };
  decisions: { total: number };
  sanctions: { byType: Record<string, number> };
  medianTimeToDecisionSeconds: number | null;
  appeals: { filed: number; reversed: number };
}

export interface TransparencyPageInput {
  t: Translator;
  nonce: string;
  generatedAt: string;
  log: TransparencyLogView | null;
  disclosure: DisclosureStatistics | null;
  /** Per world; null when this server runs no moderation service. */
  moderation: WorldModerationStatistics[] | null;
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

function moderationSection(worlds: WorldModerationStatistics[] | null) {
  if (worlds === null) return html`<h2>Moderation</h2><p>This server runs no moderation service.</p>`;
  const intro = html`<h2>Moderation in each world</h2><p>Each world judges conduct under its own published rules; a sanction holds in that world only and is never a ground for disclosure. Per world, as JSON and CSV: <code>/moderation/v1/worlds/{world}/statistics</code>.</p>`;
  if (worlds.length === 0) return html`${intro}<p>No moderation cases yet.</p>`;
  const sanctions = new Map<string, number>();
  for (const w of worlds) for (const [type, n] of Object.entries(w.sanctions.byType)) sanctions.set(type, (sanctions.get(type) ?? 0) + n);
  const rows = worlds.map(
    (w) =>
      html`<tr><th scope="row"><a href="${`/moderation/v1/worlds/${encodeURIComponent(w.worldId)}/statistics`}">${w.worldName}</a></th><td>${w.reports.total}</td><td>${w.decisions.total}</td><td>${duration(w.medianTimeToDecisionSeconds)}</td><td>${w.appeals.filed}</td><td>${w.appeals.reversed}</td></tr>`,
  );
  return html`${intro}
${barChart(
  'Moderation decisions by world',
  ['World', 'Decisions'],
  worlds.map((w) => ({ label: w.worldName, value: w.decisions.total })),
)}
${barChart(
  'Sanctions by type, all worlds',
  ['Sanction', 'Count'],
  [...sanctions].map(([label, value]) => ({ label: label.replaceAll('_', ' '), value })),
)}
<div class="scroll" tabindex="0" role="region" aria-label="Moderation by world"><table><caption>Moderation by world</caption><thead><tr><th scope="col">World</th><th scope="col">Reports</th><th scope="col">Decisions</th><th scope="col">Median time to decision</th><th scope="col">Appeals</th><th scope="col">Reversed</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function renderTransparencyReport(input: TransparencyPageInput): string {
  const body = html`<h1>Transparency report</h1>
<p>What mvid did, in numbers anyone can check. Download everything on this page as <a href="/transparency.json" download>JSON</a> or <a href="/transparency.csv" download>CSV</a>.</p>
${logSection(input.log)}
${disclosureSection(input.disclosure)}
${moderationSection(input.moderation)}
<p><small>Generated ${input.generatedAt}. Disclosure figures as JSON: <a href="/disclosure/v1/transparency-report">/disclosure/v1/transparency-report</a>.</small></p>`;
  return page({
    t: input.t,
    title: 'Transparency report',
    nonce: input.nonce,
    body,
    bundles: input.log === null ? [] : ['transparency-verify.js'],
  });
}

type Row = [string, string, string, string | number];

/** The page's figures as CSV rows: section, series, label, value (RFC 4180 quoting). */
export function transparencyCsv(input: Omit<TransparencyPageInput, 'nonce' | 't'>): string {
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
  for (const w of input.moderation ?? []) {
    const series = `world:${w.worldName} (${w.worldId})`;
    rows.push(
      ['moderation', series, 'reports', w.reports.total],
      ['moderation', series, 'decisions', w.decisions.total],
      ['moderation', series, 'median_time_to_decision_seconds', w.medianTimeToDecisionSeconds ?? ''],
      ['moderation', series, 'appeals_filed', w.appeals.filed],
      ['moderation', series, 'appeals_reversed', w.appeals.reversed],
    );
    for (const [type, n] of Object.entries(w.sanctions.byType)) rows.push(['moderation', series, `sanction:${type}`, n]);
  }
  return csvDocument(rows);
}
