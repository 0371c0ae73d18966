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
import type { Translator } from './i18n/index.ts';
import { page } from './layout.ts';
import { sanctionLabel } from './moderation.ts';

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

function duration(t: Translator, seconds: number | null): string {
  const m = t.m.transparency;
  if (seconds === null) return m.noDecision;
  if (seconds < 3600) return m.minutes(Math.round(seconds / 60));
  const oneDecimal = (n: number) => Math.round(n * 10) / 10;
  if (seconds < 172_800) return m.hours(oneDecimal(seconds / 3600));
  return m.days(oneDecimal(seconds / 86_400));
}

function logSection(t: Translator, log: TransparencyLogView | null) {
  const m = t.m.transparency;
  if (log === null) return html`<h2>${m.log}</h2><p>${m.noCheckpoint}</p>`;
  return html`<h2>${m.log}</h2>
<p>${m.logIntro(t.when(log.signedAt), log.size, log.cosignatures)}</p>
<pre id="checkpoint">${log.checkpoint}</pre>
<p>${m.logKey} <code>${log.vkey}</code></p>
${lineChart(
  t,
  m.sizeChart,
  [m.day, m.entries],
  log.sizeByDay.map((d) => ({ label: d.day, value: d.size })),
)}
<section aria-labelledby="verify-heading"><h3 id="verify-heading">${m.verifyHeading}</h3>
<p>${m.verifyIntro}</p>
<p><button id="verify" type="button" class="primary" hidden>${m.verifyButton}</button></p>
<noscript><p>${m.verifyNeedsScript}</p></noscript>
<progress id="verify-progress" hidden aria-label="${m.verifyProgress}"></progress>
<p id="verify-status" role="status" aria-live="polite"></p>
<ol id="verify-steps" class="steps"></ol></section>`;
}

function disclosureSection(t: Translator, d: DisclosureStatistics | null) {
  const m = t.m.transparency;
  if (d === null) return html`<h2>${m.disclosure}</h2><p>${m.disclosureOff}</p>`;
  const c = d.totals;
  const totals = m.disclosureTotals(
    {
      requests: c.requests,
      emergency: c.emergencyRequests,
      approvals: c.approvals,
      denials: c.denials,
      released: c.releases,
      refused: c.deniedRequests,
      expired: c.expiredRequests,
    },
    duration(t, d.medianTimeToDecisionSeconds),
  );
  return html`<h2>${m.disclosure}</h2>
<p>${m.disclosureIntro}</p>
<p>${totals}${d.unverified > 0 && html` <strong class="error">${m.unverified(d.unverified)}</strong>`}</p>
${barChart(
  t,
  m.outcomesChart,
  [m.outcome, m.count],
  TRANSPARENCY_COLUMNS.map((k) => ({ label: t.m.disclosureTables.columns[k], value: c[k] })),
)}
${disclosureTables(t, d)}`;
}

function moderationSection(t: Translator, worlds: WorldModerationStatistics[] | null) {
  const m = t.m.transparency;
  if (worlds === null) return html`<h2>${m.moderationHeading}</h2><p>${m.moderationOff}</p>`;
  const intro = html`<h2>${m.moderationWorlds}</h2><p>${m.moderationIntro}</p>`;
  if (worlds.length === 0) return html`${intro}<p>${m.noCases}</p>`;
  const sanctions = new Map<string, number>();
  for (const w of worlds) for (const [type, n] of Object.entries(w.sanctions.byType)) sanctions.set(type, (sanctions.get(type) ?? 0) + n);
  const rows = worlds.map(
    (w) =>
      html`<tr><th scope="row"><a href="${`/moderation/v1/worlds/${encodeURIComponent(w.worldId)}/statistics`}">${w.worldName}</a></th><td>${t.number(w.reports.total)}</td><td>${t.number(w.decisions.total)}</td><td>${duration(t, w.medianTimeToDecisionSeconds)}</td><td>${t.number(w.appeals.filed)}</td><td>${t.number(w.appeals.reversed)}</td></tr>`,
  );
  return html`${intro}
${barChart(
  t,
  m.decisionsByWorld,
  [m.world, m.decisions],
  worlds.map((w) => ({ label: w.worldName, value: w.decisions.total })),
)}
${barChart(
  t,
  m.sanctionsByType,
  [m.sanction, m.count],
  [...sanctions].map(([type, value]) => ({ label: sanctionLabel(t, type), value })),
)}
<div class="scroll" tabindex="0" role="region" aria-label="${m.byWorld}"><table><caption>${m.byWorld}</caption><thead><tr><th scope="col">${m.world}</th><th scope="col">${m.reports}</th><th scope="col">${m.decisions}</th><th scope="col">${m.medianTime}</th><th scope="col">${m.appeals}</th><th scope="col">${m.reversed}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function renderTransparencyReport(input: TransparencyPageInput): string {
  const { t } = input;
  const m = t.m.transparency;
  const body = html`<h1>${m.title}</h1>
<p>${m.intro}</p>
${logSection(t, input.log)}
${disclosureSection(t, input.disclosure)}
${moderationSection(t, input.moderation)}
<p><small>${m.footer(t.when(input.generatedAt))}</small></p>`;
  return input.log === null
    ? page({ t, title: m.title, nonce: input.nonce, body })
    : page({ t, title: m.title, nonce: input.nonce, body, bundles: ['transparency-verify.js'], bundleMessages: t.m.verifyBundle });
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
      for (const k of TRANSPARENCY_COLUMNS) rows.push(['disclosure', `authority:${a.name} (${a.jurisdiction})`, k, a[k]]);
    for (const j of d.byJurisdiction)
      for (const k of TRANSPARENCY_COLUMNS) rows.push(['disclosure', `jurisdiction:${j.jurisdiction}`, k, j[k]]);
    for (const c of d.byOffenceCategory) for (const k of TRANSPARENCY_COLUMNS) rows.push(['disclosure', `offence:${c.category}`, k, c[k]]);
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
