/**
 * Pages of lawful disclosure: the public transparency report, and the person's own
 * list of disclosures (shown only once each notification delay has ended). Inputs are
 * plain data, so these renderers depend on nothing but the layout.
 */
import { esc, page } from './layout.ts';

interface Counts {
  requests: number;
  emergencyRequests: number;
  approvals: number;
  denials: number;
  releases: number;
  releasedEnvelopes: number;
  deniedRequests: number;
  expiredRequests: number;
}

export interface TransparencyPageInput {
  nonce: string;
  generatedAt: string;
  totals: Counts;
  byAuthority: Array<Counts & { name: string; jurisdiction: string }>;
  byJurisdiction: Array<Counts & { jurisdiction: string }>;
  byOffenceCategory: Array<Counts & { category: string }>;
  medianTimeToDecisionSeconds: number | null;
  unverified: number;
  /** Moderation inside each world, beside the disclosure figures (src/moderation statistics; no personal data). */
  moderation?: Array<{
    worldId: string;
    worldName: string;
    reports: { total: number };
    decisions: { total: number };
    sanctions: { byType: Record<string, number> };
    medianTimeToDecisionSeconds: number | null;
    appeals: { filed: number; reversed: number };
  }>;
}

const COLUMNS: Array<[keyof Counts, string]> = [
  ['requests', 'Requests'],
  ['emergencyRequests', 'Emergency'],
  ['approvals', 'Approvals'],
  ['denials', 'Denials'],
  ['releases', 'Released'],
  ['deniedRequests', 'Refused'],
  ['expiredRequests', 'Expired'],
];

function table(caption: string, key: string, rows: Array<Counts & { label: string }>): string {
  if (rows.length === 0) return `<p>${esc(caption)}: none yet.</p>`;
  const head = `<tr><th scope="col">${esc(key)}</th>${COLUMNS.map(([, t]) => `<th scope="col">${esc(t)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr><th scope="row">${esc(r.label)}</th>${COLUMNS.map(([k]) => `<td>${esc(r[k])}</td>`).join('')}</tr>`)
    .join('');
  return `<table><caption>${esc(caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function duration(seconds: number | null): string {
  if (seconds === null) return 'no decision yet';
  if (seconds < 3600) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

function moderationTable(rows: NonNullable<TransparencyPageInput['moderation']>): string {
  const intro =
    '<h2>Moderation in each world</h2><p>Each world judges conduct under its own published rules; a sanction holds in that world only and is never a ground for disclosure. Per world, as JSON and CSV: <code>/moderation/v1/worlds/{world}/statistics</code>.</p>';
  if (rows.length === 0) return `${intro}<p>No moderation cases yet.</p>`;
  const body = rows
    .map((r) => {
      const sanctions = Object.values(r.sanctions.byType).reduce((a, b) => a + b, 0);
      return `<tr><th scope="row"><a href="/moderation/v1/worlds/${esc(encodeURIComponent(r.worldId))}/statistics">${esc(r.worldName)}</a></th><td>${esc(r.reports.total)}</td><td>${esc(r.decisions.total)}</td><td>${esc(sanctions)}</td><td>${esc(duration(r.medianTimeToDecisionSeconds))}</td><td>${esc(r.appeals.filed)}</td><td>${esc(r.appeals.reversed)}</td></tr>`;
    })
    .join('');
  return `${intro}<table><caption>Moderation by world</caption><thead><tr><th scope="col">World</th><th scope="col">Reports</th><th scope="col">Decisions</th><th scope="col">Sanctions</th><th scope="col">Median time to decision</th><th scope="col">Appeals</th><th scope="col">Reversed</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function renderTransparencyReport(input: TransparencyPageInput): string {
  const t = input.totals;
  const body = `<h1>Lawful disclosure: transparency report</h1>
<p>An authority learns who is behind a pseudonym only for a criminal offence, under a court order, after a quorum of independent trustees approves — and every step is an entry in mvid's public transparency log. Every figure below can be recomputed from the log entries and the public records at <a href="/disclosure/v1/transparency/records">/disclosure/v1/transparency/records</a>.</p>
<p>${esc(t.requests)} requests (${esc(t.emergencyRequests)} emergencies), ${esc(t.approvals)} trustee approvals, ${esc(t.denials)} denials, ${esc(t.releases)} released, ${esc(t.deniedRequests)} refused, ${esc(t.expiredRequests)} expired. Median time to decision: ${esc(duration(input.medianTimeToDecisionSeconds))}.${input.unverified > 0 ? ` <strong class="error">${esc(input.unverified)} requests have no matching public record.</strong>` : ''}</p>
${table(
  'By authority',
  'Authority',
  input.byAuthority.map((a) => ({ ...a, label: `${a.name} (${a.jurisdiction})` })),
)}
${table(
  'By jurisdiction',
  'Jurisdiction',
  input.byJurisdiction.map((j) => ({ ...j, label: j.jurisdiction })),
)}
${table(
  'By offence',
  'Offence category',
  input.byOffenceCategory.map((c) => ({ ...c, label: c.category.replaceAll('_', ' ') })),
)}
${moderationTable(input.moderation ?? [])}
<p><small>Generated ${esc(input.generatedAt)}. JSON: <a href="/disclosure/v1/transparency-report">/disclosure/v1/transparency-report</a>.</small></p>`;
  return page({ title: 'Transparency report', nonce: input.nonce, body });
}

export interface PersonDisclosuresPageInput {
  nonce: string;
  disclosures: Array<{
    requestId: string;
    authority: { name: string; jurisdiction: string; contact: string };
    courtOrder: { court: string; reference: string; date: string };
    offence: { category: string; statute: string };
    fieldGroups: string[];
    target: { worldId: string; pseudonym: string };
    requestedAt: string;
    releasedAt: string | null;
    log: Array<{ type: string; index: number | null }>;
  }>;
}

export function renderPersonDisclosures(input: PersonDisclosuresPageInput): string {
  const items = input.disclosures.map(
    (d) => `<section><h2>${esc(d.authority.name)} (${esc(d.authority.jurisdiction)})</h2>
<p>Under order ${esc(d.courtOrder.reference)} of ${esc(d.courtOrder.court)}, ${esc(d.courtOrder.date)}, for ${esc(d.offence.category.replaceAll('_', ' '))} (${esc(d.offence.statute)}), this authority received your <strong>${esc(d.fieldGroups.join(', ').replaceAll('_', ' '))}</strong>, linked to the pseudonym ${esc(d.target.pseudonym)} in world ${esc(d.target.worldId)}.</p>
<p>Requested ${esc(d.requestedAt)}; released ${esc(d.releasedAt ?? '—')}. Contact: ${esc(d.authority.contact)}.</p>
<details><summary>Log entries proving each step</summary><ul>${d.log.map((e) => `<li>${esc(e.type.replaceAll('_', ' '))}: entry ${esc(e.index ?? 'pending')}</li>`).join('')}</ul></details></section>`,
  );
  const body = `<h1>Disclosures of your identity</h1>
${items.length ? items.join('\n') : '<p>No authority has received your identity — or, if one did, the legal delay before you are told has not ended yet.</p>'}`;
  return page({ title: 'Disclosures', nonce: input.nonce, body });
}

/**
 * The trustee console: a read-only view of the review queue and of one request, for
 * reading the order's details in a browser. It decides nothing on purpose: approving
 * must go through the trustee's own client (`mvid trustee approve`), which verifies
 * the log itself — a page served by the server could not be trusted to.
 */
const CONSOLE_SCRIPT = `
const $ = (id) => document.getElementById(id);
const show = (el, text) => { el.textContent = text; };
async function api(path) {
  const res = await fetch(path, { headers: { authorization: 'Bearer ' + $('token').value.trim(), accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.detail || body.title || res.status);
  return body;
}
function row(cells) { const tr = document.createElement('tr'); for (const c of cells) { const td = document.createElement('td'); if (c instanceof Node) td.append(c); else td.textContent = c; tr.append(td); } return tr; }
async function load() {
  const list = $('queue'); list.replaceChildren();
  try {
    const me = await api('/disclosure/v1/trustee/me');
    show($('who'), 'Trustee ' + me.trusteeId + ' (#' + me.trusteeIndex + ') of set ' + me.trusteeSetId);
    const { requests } = await api('/disclosure/v1/trustee/requests');
    if (requests.length === 0) show($('status'), 'No open request.');
    for (const r of requests) {
      const b = document.createElement('button'); b.type = 'button'; b.textContent = 'Read';
      b.addEventListener('click', () => open(r.id));
      list.append(row([r.id, r.emergency ? 'EMERGENCY' : 'ordinary', r.status, r.expiresAt, r.myDecision || 'undecided', b]));
    }
  } catch (e) { show($('status'), 'Refused: ' + e.message); }
}
async function open(id) {
  try {
    const r = await api('/disclosure/v1/trustee/requests/' + encodeURIComponent(id));
    const lines = [
      'Authority: ' + r.authority.name + ' (' + r.authority.jurisdiction + '), ' + r.authority.contact,
      'Offence: ' + r.offence.category + ' — ' + r.offence.statute + (r.offence.emergency ? ' — EMERGENCY' : ''),
      'Court order: ' + r.courtOrder.court + ', ' + r.courtOrder.reference + ', ' + r.courtOrder.date + ' (document SHA-256 ' + r.courtOrder.documentSha256 + ')',
      'Target: ' + r.subject.target + ' in world ' + r.subject.worldId,
      'Field groups: ' + r.offence.fieldGroups.join(', ') + '; notification after ' + r.offence.notificationDelayDays + ' days',
      'Progress: ' + r.approvals + ' approvals, ' + r.denials + ' denials, ' + r.shares + ' shares of ' + r.threshold + ' needed',
      'Log: ' + r.events.map((e) => e.type + '@' + e.index).join(', '),
      '',
      'To decide, verify and act with your own client:',
      '  mvid trustee review  --state STATE --request ' + r.id + ' --out-document order.pdf',
      '  mvid trustee approve --state STATE --request ' + r.id + ' --share SHARE.json --statement "…"',
      '  mvid trustee deny    --state STATE --request ' + r.id + ' --reason disproportionate --statement "…"',
    ];
    show($('detail'), lines.join('\\n'));
  } catch (e) { show($('status'), 'Refused: ' + e.message); }
}
$('load').addEventListener('click', load);
`;

export function renderTrusteeConsole(input: { nonce: string }): string {
  const body = `<h1>Trustee console</h1>
<p>Read the requests addressed to your trustee set. This page decides nothing: approve or deny with <code>mvid trustee</code>, which checks the public log itself before your share is ever used.</p>
<p><label>Your trustee token <input id="token" type="password" autocomplete="off" size="48"></label> <button id="load" type="button" class="primary">Show my queue</button></p>
<p id="who"></p>
<p id="status" role="status" aria-live="polite"></p>
<table><caption>Review queue</caption><thead><tr><th scope="col">Request</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Open until</th><th scope="col">Your decision</th><th scope="col"></th></tr></thead><tbody id="queue"></tbody></table>
<pre id="detail"></pre>`;
  return page({ title: 'Trustee console', nonce: input.nonce, body, script: CONSOLE_SCRIPT });
}
