/**
 * Pages of lawful disclosure: the disclosure tables of the transparency page, the person's own
 * list of disclosures (shown only once each notification delay has ended). Inputs are
 * plain data, so these renderers depend on nothing but the layout.
 */
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import type { Translator } from './i18n/index.ts';

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
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${caption}"><table><caption>${caption}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
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
  t: Translator;
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
  return page({ t: input.t, title: 'Disclosures', nonce: input.nonce, body });
}

const DENIAL_REASON_LABELS: Array<[string, string]> = [
  ['insufficient_basis', 'Insufficient basis'],
  ['not_an_offence', 'Not an offence'],
  ['order_invalid', 'The order is invalid'],
  ['disproportionate', 'Disproportionate'],
  ['other', 'Other (say why in the statement)'],
];

/**
 * The trustee console. The page is a shell; its script (src/web/browser/trustee-console.ts)
 * is the trustee client of `mvid trustee`, run in the browser: it opens the trustee's state
 * and share files locally, verifies the request against the log itself, decrypts the order
 * there, and sends only decisions and sealed partial decryptions. No form posts to the
 * server (requests carry the trustee's bearer token, not a cookie), so there is no CSRF.
 */
export function renderTrusteeConsole(input: { t: Translator; nonce: string }): string {
  const body = html`<h1>Trustee console</h1>
<p class="notice"><strong>Your share file never leaves this computer.</strong> This page opens your state file and your share file in your browser, checks the request against the public log here, and sends the server only your decision and the partial decryptions, sealed to the authority. Nothing you choose below is uploaded.</p>
<noscript><p>The console needs JavaScript: it does the cryptography in your browser. Without it, use <code>mvid trustee review|approve|deny</code>.</p></noscript>
<div id="console" hidden>
<h2>1. Open your state file</h2>
<p class="field"><label for="state-file">Trustee state file</label><small>The file <code>mvid trustee enrol</code> wrote: your token, your document key, the log key you pinned and the last checkpoint you saw.</small><input id="state-file" type="file" accept="application/json,.json"></p>
<p><button id="load" type="button" class="primary">Show my queue</button></p>
<p id="who"></p>
<p id="save-state-row" hidden><a id="save-state" href="#" download="trustee-state.json">Save your updated state file</a> (it remembers the newest checkpoint you verified; replace your old file with it).</p>
<p id="status" role="status" aria-live="polite"></p>
<div class="scroll" tabindex="0" role="region" aria-label="Review queue"><table><caption>Review queue</caption><thead><tr><th scope="col">Request</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Open until</th><th scope="col">Your decision</th><th scope="col">Action</th></tr></thead><tbody id="queue"></tbody></table></div>
<h2>2. Verification, step by step</h2>
<ol id="steps" class="steps"></ol>
<section id="decide" hidden aria-labelledby="decide-heading">
<h2 id="decide-heading">3. Decide</h2>
<dl id="facts"></dl>
<p>The court order: <a id="document" href="#">download the decrypted document</a></p>
<pre id="document-text"></pre>
<p class="field"><label for="statement">Your statement of reasons</label><small>Logged with your decision (as a commitment) and shown to the authority.</small><input id="statement" type="text" value=""></p>
<fieldset><legend>Approve and send your partial decryption</legend>
<p class="field"><label for="share-file">Your share file</label><small>Opened here with your passphrase; used to compute your partial decryption; never uploaded.</small><input id="share-file" type="file" accept="application/json,.json"></p>
<p class="field"><label for="passphrase">Share passphrase</label><input id="passphrase" type="password" autocomplete="off"></p>
<p><button id="approve" type="button" class="primary">Approve</button> <button id="release" type="button">Send my partial decryption</button></p>
<p><small>Your partial decryption leaves only once enough trustees have approved in the log; until then, approving records your decision and “Send my partial decryption” is for when the quorum is there.</small></p>
</fieldset>
<fieldset><legend>Deny</legend>
<p class="field"><label for="reason">Reason</label><select id="reason">${DENIAL_REASON_LABELS.map(([v, l]) => html`<option value="${v}">${l}</option>`)}</select></p>
<p><button id="deny" type="button" class="danger">Deny</button></p>
</fieldset>
</section>
</div>`;
  return page({ t: input.t, title: 'Trustee console', nonce: input.nonce, body, bundles: ['trustee-console.js'] });
}

export interface AuthorityConsoleInput {
  t: Translator;
  nonce: string;
  /** Offence categories an authority may cite (src/disclosure's list). */
  categories: readonly string[];
  fieldGroups: readonly string[];
  today: string;
}

/**
 * The authority console. Its script (src/web/browser/authority.ts) is the authority
 * client of `mvid authority`, run in the browser: the court order is encrypted here, the
 * release is opened here with the key file, which is never uploaded. Requests carry the
 * authority's bearer token, not a cookie, so no form here posts with ambient credentials.
 */
export function renderAuthorityConsole(input: AuthorityConsoleInput): string {
  const field = (id: string, label: string, control: SafeHtml, hint?: string) =>
    html`<p class="field"><label for="${id}">${label}</label>${hint && html`<small>${hint}</small>`}${control}</p>`;
  const body = html`<h1>Authority console</h1>
<p class="notice"><strong>Your key file never leaves this computer.</strong> The court order is encrypted in your browser to the trustees; a release is opened in your browser with your authority key, after the same checks <code>mvid authority fetch</code> makes.</p>
<noscript><p>The console needs JavaScript: it does the cryptography in your browser. Without it, use <code>mvid authority request|status|fetch</code>.</p></noscript>
<div id="authority-console" hidden>
${field('token', 'Your authority token', html`<input id="token" type="password" autocomplete="off">`, 'Issued once by the operator (mvid authorities add).')}
${field('log-key', "The log's key (optional)", html`<input id="log-key" type="text" autocomplete="off">`, 'Obtained out of band; with it, the inclusion of your request in the log is verified here.')}
<h2>File a request</h2>
${field('world', 'World (client id)', html`<input id="world" type="text">`)}
${field('target', 'Pseudonym or handle in that world', html`<input id="target" type="text">`)}
${field('category', 'Offence', html`<select id="category">${input.categories.map((c) => html`<option value="${c}">${c.replaceAll('_', ' ')}</option>`)}</select>`)}
${field('statute', 'Statute', html`<input id="statute" type="text">`, 'The provision of law defining the offence.')}
${field('court', 'Court', html`<input id="court" type="text">`)}
${field('reference', 'Order reference', html`<input id="reference" type="text">`)}
${field('order-date', 'Order date', html`<input id="order-date" type="date" value="${input.today}">`)}
${field('order-document', 'The court order document', html`<input id="order-document" type="file">`, 'Encrypted here; the server stores its ciphertext and hash.')}
<fieldset><legend>Field groups ordered</legend>${input.fieldGroups.map(
    (g, i) =>
      html`<div class="claim"><input id="group-${g}" type="checkbox"${i === 0 && html` checked`}> <label for="group-${g}">${g.replaceAll('_', ' ')}</label></div>`,
  )}</fieldset>
${field('delay', 'Notification delay (days)', html`<input id="delay" type="text" inputmode="numeric" value="30">`, 'When the person is told; longer needs a new quorum.')}
<div class="claim"><input id="emergency" type="checkbox"> <label for="emergency">Emergency (threat to life): a shorter clock, the same quorum</label></div>
<p><button id="file" type="button" class="primary">Encrypt the order and file</button></p>
<p id="file-status" role="status" aria-live="polite"></p>
<h2>Follow a request</h2>
${field('request-id', 'Request', html`<input id="request-id" type="text">`)}
<p><button id="check" type="button">Check progress</button></p>
<p id="progress-status" role="status" aria-live="polite"></p>
<dl id="progress"></dl>
<h2>Fetch and decrypt the release</h2>
${field('key-file', 'Your authority key file', html`<input id="key-file" type="file" accept="application/json,.json">`, 'The file mvid authority keygen wrote; read by your browser only.')}
<div class="claim"><input id="receipt" type="checkbox" checked> <label for="receipt">Log a receipt once it is opened</label></div>
<p><button id="release" type="button" class="primary">Fetch and decrypt</button></p>
<p id="release-status" role="status" aria-live="polite"></p>
<dl id="released"></dl>
</div>`;
  return page({ t: input.t, title: 'Authority console', nonce: input.nonce, body, bundles: ['authority.js'] });
}
