/**
 * Pages of lawful disclosure: the disclosure tables of the transparency page, the person's own
 * list of disclosures (shown only once each notification delay has ended). Inputs are
 * plain data, so these renderers depend on nothing but the layout.
 */
import { html, type SafeHtml, unsafeRaw } from './html.ts';
import { page } from './layout.ts';

export interface TransparencyCounts {
  requests: number;
  emergencyRequests: number;
  approvals: number;
  denials: number;
  releases: number;
  releasedEnvelopes: number;
  deniedRequests: number;
  expiredRequests: number;
}

export const TRANSPARENCY_COLUMNS: Array<[keyof TransparencyCounts, string]> = [
  ['requests', 'Requests'],
  ['emergencyRequests', 'Emergency'],
  ['approvals', 'Approvals'],
  ['denials', 'Denials'],
  ['releases', 'Released'],
  ['deniedRequests', 'Refused'],
  ['expiredRequests', 'Expired'],
];

function table(caption: string, key: string, rows: Array<TransparencyCounts & { label: string }>): SafeHtml {
  if (rows.length === 0) return html`<p>${caption}: none yet.</p>`;
  const head = html`<tr><th scope="col">${key}</th>${TRANSPARENCY_COLUMNS.map(([, t]) => html`<th scope="col">${t}</th>`)}</tr>`;
  const body = rows.map((r) => html`<tr><th scope="row">${r.label}</th>${TRANSPARENCY_COLUMNS.map(([k]) => html`<td>${r[k]}</td>`)}</tr>`);
  return html`<div class="scroll"><table><caption>${caption}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/** The disclosure figures by authority, jurisdiction and offence, as tables. */
export function disclosureTables(input: {
  byAuthority: Array<TransparencyCounts & { name: string; jurisdiction: string }>;
  byJurisdiction: Array<TransparencyCounts & { jurisdiction: string }>;
  byOffenceCategory: Array<TransparencyCounts & { category: string }>;
}): SafeHtml {
  return html`${table(
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
)}`;
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
    (d) => html`<section><h2>${d.authority.name} (${d.authority.jurisdiction})</h2>
<p>Under order ${d.courtOrder.reference} of ${d.courtOrder.court}, ${d.courtOrder.date}, for ${d.offence.category.replaceAll('_', ' ')} (${d.offence.statute}), this authority received your <strong>${d.fieldGroups.join(', ').replaceAll('_', ' ')}</strong>, linked to the pseudonym ${d.target.pseudonym} in world ${d.target.worldId}.</p>
<p>Requested ${d.requestedAt}; released ${d.releasedAt ?? '—'}. Contact: ${d.authority.contact}.</p>
<details><summary>Log entries proving each step</summary><ul>${d.log.map((e) => html`<li>${e.type.replaceAll('_', ' ')}: entry ${e.index ?? 'pending'}</li>`)}</ul></details></section>
`,
  );
  const body = html`<h1>Disclosures of your identity</h1>
${items.length ? items : html`<p>No authority has received your identity — or, if one did, the legal delay before you are told has not ended yet.</p>`}`;
  return page({ title: 'Disclosures', nonce: input.nonce, body });
}

/**
 * The trustee console: a read-only view of the review queue and of one request, for
 * reading the order's details in a browser. It decides nothing on purpose: approving
 * must go through the trustee's own client (`mvid trustee approve`), which verifies
 * the log itself — a page served by the server could not be trusted to.
 */
const CONSOLE_SCRIPT = unsafeRaw(`
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
`);

export function renderTrusteeConsole(input: { nonce: string }): string {
  const body = html`<h1>Trustee console</h1>
<p>Read the requests addressed to your trustee set. This page decides nothing: approve or deny with <code>mvid trustee</code>, which checks the public log itself before your share is ever used.</p>
<p><label>Your trustee token <input id="token" type="password" autocomplete="off" size="48"></label> <button id="load" type="button" class="primary">Show my queue</button></p>
<p id="who"></p>
<p id="status" role="status" aria-live="polite"></p>
<table><caption>Review queue</caption><thead><tr><th scope="col">Request</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Open until</th><th scope="col">Your decision</th><th scope="col"></th></tr></thead><tbody id="queue"></tbody></table>
<pre id="detail"></pre>`;
  return page({ title: 'Trustee console', nonce: input.nonce, body, script: CONSOLE_SCRIPT });
}
