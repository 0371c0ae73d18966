/**
 * Pages of lawful disclosure: the disclosure tables of the transparency page, the person's own
 * list of disclosures (shown only once each notification delay has ended). Inputs are
 * plain data, so these renderers depend on nothing but the layout.
 */
import { DENIAL_REASONS } from '../disclosure/index.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import type { Messages, Translator } from './i18n/index.ts';

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

/** The counts the transparency tables show, in order (their headings are `t.m.disclosureTables.columns`). */
export const TRANSPARENCY_COLUMNS: ReadonlyArray<keyof Messages['disclosureTables']['columns'] & keyof TransparencyCounts> = [
  'requests',
  'emergencyRequests',
  'approvals',
  'denials',
  'releases',
  'deniedRequests',
  'expiredRequests',
];

function table(t: Translator, caption: string, key: string, rows: Array<TransparencyCounts & { label: string }>): SafeHtml {
  if (rows.length === 0) return html`<p>${t.m.disclosureTables.none(caption)}</p>`;
  const columns = t.m.disclosureTables.columns;
  const head = html`<tr><th scope="col">${key}</th>${TRANSPARENCY_COLUMNS.map((k) => html`<th scope="col">${columns[k]}</th>`)}</tr>`;
  const body = rows.map(
    (r) => html`<tr><th scope="row">${r.label}</th>${TRANSPARENCY_COLUMNS.map((k) => html`<td>${t.number(r[k])}</td>`)}</tr>`,
  );
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${caption}"><table><caption>${caption}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/** An offence category, field group or log step by its stable name, in the reader's language. */
export function disclosureTerm(t: Translator, table: 'offence' | 'fieldGroup' | 'step', name: string): string {
  return t.m.disclosureTerms[table][name] ?? name.replaceAll('_', ' ');
}

/** The disclosure figures by authority, jurisdiction and offence, as tables. */
export function disclosureTables(
  t: Translator,
  input: {
    byAuthority: Array<TransparencyCounts & { name: string; jurisdiction: string }>;
    byJurisdiction: Array<TransparencyCounts & { jurisdiction: string }>;
    byOffenceCategory: Array<TransparencyCounts & { category: string }>;
  },
): SafeHtml {
  const m = t.m.disclosureTables;
  return html`${table(
    t,
    m.byAuthority,
    m.authority,
    input.byAuthority.map((a) => ({ ...a, label: `${a.name} (${a.jurisdiction})` })),
  )}
${table(
  t,
  m.byJurisdiction,
  m.jurisdiction,
  input.byJurisdiction.map((j) => ({ ...j, label: j.jurisdiction })),
)}
${table(
  t,
  m.byOffence,
  m.offence,
  input.byOffenceCategory.map((c) => ({ ...c, label: disclosureTerm(t, 'offence', c.category) })),
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
  const { t } = input;
  const m = t.m.personDisclosures;
  const items = input.disclosures.map(
    (d) => html`<section><h2>${d.authority.name} (${d.authority.jurisdiction})</h2>
<p>${m.received(
      { reference: d.courtOrder.reference, court: d.courtOrder.court, date: t.when(d.courtOrder.date) },
      disclosureTerm(t, 'offence', d.offence.category),
      d.offence.statute,
      t.list(d.fieldGroups.map((g) => disclosureTerm(t, 'fieldGroup', g))),
      d.target.pseudonym,
      d.target.worldId,
    )}</p>
<p>${m.dates(t.when(d.requestedAt), d.releasedAt ? t.when(d.releasedAt) : undefined, d.authority.contact)}</p>
<details><summary>${m.logEntries}</summary><ul>${d.log.map((e) => html`<li>${m.entry(disclosureTerm(t, 'step', e.type), e.index)}</li>`)}</ul></details></section>
`,
  );
  const body = html`<h1>${m.heading}</h1>
${items.length ? items : html`<p>${m.none}</p>`}`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}

/**
 * The trustee console. The page is a shell; its script (src/web/browser/trustee-console.ts)
 * is the trustee client of `mvid trustee`, run in the browser: it opens the trustee's state
 * and share files locally, verifies the request against the log itself, decrypts the order
 * there, and sends only decisions and sealed partial decryptions. No form posts to the
 * server (requests carry the trustee's bearer token, not a cookie), so there is no CSRF.
 */
export function renderTrusteeConsole(input: { t: Translator; nonce: string }): string {
  const { t } = input;
  const m = t.m.trusteeConsole;
  const body = html`<h1>${m.title}</h1>
<p class="notice">${m.notice}</p>
<noscript><p>${m.needsScript}</p></noscript>
<div id="console" hidden>
<h2>${m.openState}</h2>
<p class="field"><label for="state-file">${m.stateFile}</label><small>${m.stateFileHint}</small><input id="state-file" type="file" accept="application/json,.json"></p>
<p><button id="load" type="button" class="primary">${m.showQueue}</button></p>
<p id="who"></p>
<p id="save-state-row" hidden><a id="save-state" href="#" download="trustee-state.json">${m.saveState}</a> ${m.saveStateWhy}</p>
<p id="status" role="status" aria-live="polite"></p>
<div class="scroll" tabindex="0" role="region" aria-label="${m.queue}"><table><caption>${m.queue}</caption><thead><tr><th scope="col">${m.request}</th><th scope="col">${m.path}</th><th scope="col">${m.status}</th><th scope="col">${m.openUntil}</th><th scope="col">${m.yourDecision}</th><th scope="col">${m.action}</th></tr></thead><tbody id="queue"></tbody></table></div>
<h2>${m.verification}</h2>
<ol id="steps" class="steps"></ol>
<section id="decide" hidden aria-labelledby="decide-heading">
<h2 id="decide-heading">${m.decide}</h2>
<dl id="facts"></dl>
<p>${m.courtOrder} <a id="document" href="#">${m.downloadDocument}</a></p>
<pre id="document-text"></pre>
<p class="field"><label for="statement">${m.statement}</label><small>${m.statementHint}</small><input id="statement" type="text" value=""></p>
<fieldset><legend>${m.approveLegend}</legend>
<p class="field"><label for="share-file">${m.shareFile}</label><small>${m.shareFileHint}</small><input id="share-file" type="file" accept="application/json,.json"></p>
<p class="field"><label for="passphrase">${m.passphrase}</label><input id="passphrase" type="password" autocomplete="off"></p>
<p><button id="approve" type="button" class="primary">${m.approve}</button> <button id="release" type="button">${m.release}</button></p>
<p><small>${m.releaseWhen}</small></p>
</fieldset>
<fieldset><legend>${m.denyLegend}</legend>
<p class="field"><label for="reason">${m.reason}</label><select id="reason">${DENIAL_REASONS.map((v) => html`<option value="${v}">${t.m.disclosureTerms.denial[v]}</option>`)}</select></p>
<p><button id="deny" type="button" class="danger">${m.deny}</button></p>
</fieldset>
</section>
</div>`;
  const bundleMessages = { ...t.m.trusteeBundle, offences: t.m.disclosureTerms.offence, fieldGroups: t.m.disclosureTerms.fieldGroup };
  return page({ t, title: m.title, nonce: input.nonce, body, bundles: ['trustee-console.js'], bundleMessages });
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
  const { t } = input;
  const m = t.m.authorityConsole;
  const field = (id: string, label: string, control: SafeHtml, hint?: string) =>
    html`<p class="field"><label for="${id}">${label}</label>${hint && html`<small>${hint}</small>`}${control}</p>`;
  const body = html`<h1>${m.title}</h1>
<p class="notice">${m.notice}</p>
<noscript><p>${m.needsScript}</p></noscript>
<div id="authority-console" hidden>
${field('token', m.token, html`<input id="token" type="password" autocomplete="off">`, m.tokenHint)}
${field('log-key', m.logKey, html`<input id="log-key" type="text" autocomplete="off">`, m.logKeyHint)}
<h2>${m.fileHeading}</h2>
${field('world', m.world, html`<input id="world" type="text">`)}
${field('target', m.target, html`<input id="target" type="text">`)}
${field('category', m.offence, html`<select id="category">${input.categories.map((c) => html`<option value="${c}">${disclosureTerm(t, 'offence', c)}</option>`)}</select>`)}
${field('statute', m.statute, html`<input id="statute" type="text">`, m.statuteHint)}
${field('court', m.court, html`<input id="court" type="text">`)}
${field('reference', m.reference, html`<input id="reference" type="text">`)}
${field('order-date', m.orderDate, html`<input id="order-date" type="date" value="${input.today}">`)}
${field('order-document', m.orderDocument, html`<input id="order-document" type="file">`, m.orderDocumentHint)}
<fieldset><legend>${m.fieldGroups}</legend>${input.fieldGroups.map(
    (g, i) =>
      html`<div class="claim"><input id="group-${g}" type="checkbox"${i === 0 && html` checked`}> <label for="group-${g}">${disclosureTerm(t, 'fieldGroup', g)}</label></div>`,
  )}</fieldset>
${field('delay', m.delay, html`<input id="delay" type="text" inputmode="numeric" value="30">`, m.delayHint)}
<div class="claim"><input id="emergency" type="checkbox"> <label for="emergency">${m.emergency}</label></div>
<p><button id="file" type="button" class="primary">${m.file}</button></p>
<p id="file-status" role="status" aria-live="polite"></p>
<h2>${m.followHeading}</h2>
${field('request-id', m.request, html`<input id="request-id" type="text">`)}
<p><button id="check" type="button">${m.check}</button></p>
<p id="progress-status" role="status" aria-live="polite"></p>
<dl id="progress"></dl>
<h2>${m.releaseHeading}</h2>
${field('key-file', m.keyFile, html`<input id="key-file" type="file" accept="application/json,.json">`, m.keyFileHint)}
<div class="claim"><input id="receipt" type="checkbox" checked> <label for="receipt">${m.receipt}</label></div>
<p><button id="release" type="button" class="primary">${m.release}</button></p>
<p id="release-status" role="status" aria-live="polite"></p>
<dl id="released"></dl>
</div>`;
  const bundleMessages = { ...t.m.authorityBundle, fieldGroups: t.m.disclosureTerms.fieldGroup, steps: t.m.disclosureTerms.step };
  return page({ t, title: m.title, nonce: input.nonce, body, bundles: ['authority.js'], bundleMessages });
}
