/**
 * The operator console (/admin): what `mvid worlds|issuers|attribute-issuers|authorities|
 * disclosure trustee-token|keys rotate|sweep` do over the admin API, in a page. Its script
 * (src/web/browser/operator.ts) holds the administrator token in the page's memory only
 * and sends it as a bearer token: no cookie, so no form here can be forged cross-site.
 */
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import type { Translator } from './i18n/index.ts';
import { WORLD_PSEUDONYM_KINDS } from '../worlds/index.ts';

function field(id: string, label: string, hint?: string, type = 'text'): SafeHtml {
  return html`<p class="field"><label for="${id}">${label}</label>${hint && html`<small>${hint}</small>`}<input id="${id}" type="${type}" autocomplete="off"></p>`;
}

const LISTS = ['worlds', 'issuers', 'attribute-issuers', 'trustee-sets', 'authorities'] as const;

export function renderOperatorConsole(input: { t: Translator; nonce: string }): string {
  const { t } = input;
  const m = t.m.operatorConsole;
  const body = html`<h1>${m.title}</h1>
<p>${m.intro}</p>
<noscript><p>${m.needsScript}</p></noscript>
<div id="operator-console" hidden>
${field('admin-token', m.adminToken, m.adminTokenHint, 'password')}
<p><button id="load" type="button" class="primary">${m.load}</button></p>
<p id="status" role="status" aria-live="polite"></p>
${LISTS.map((id) => html`<h2>${m.lists[id]}</h2><div id="list-${id}" class="scroll" tabindex="0" role="region" aria-label="${m.lists[id]}"></div>`)}
<h2>${m.registerWorld}</h2>
${field('world-name', m.name)}
${field('world-redirect', m.redirect, m.redirectHint)}
${field('world-purpose', m.purpose, m.purposeHint)}
${field('world-claims', m.claims, m.claimsHint)}
<p class="field"><label for="world-pseudonyms">${m.pseudonyms}</label><small>${m.pseudonymsHint}</small><select id="world-pseudonyms">${WORLD_PSEUDONYM_KINDS.map((k) => html`<option value="${k}">${m.pseudonymKinds[k]}</option>`)}</select></p>
<p><button id="add-world" type="button">${m.addWorld}</button></p>
<p id="world-status" role="status" aria-live="polite"></p>
<h2>${m.registerAuthority}</h2>
${field('authority-name', m.name)}
${field('authority-jurisdiction', m.jurisdiction, m.jurisdictionHint)}
${field('authority-contact', m.contact)}
${field('authority-key', m.publicKey, m.publicKeyHint)}
<p><button id="add-authority" type="button">${m.addAuthority}</button></p>
<p id="authority-status" role="status" aria-live="polite"></p>
<h2>${m.trusteeToken}</h2>
${field('trustee-name', m.trustee, m.trusteeHint)}
<p><button id="trustee-token" type="button">${m.issueToken}</button></p>
<p id="trustee-status" role="status" aria-live="polite"></p>
<h2>${m.keys}</h2>
<p>${m.keysText}</p>
${field('activate-after', m.activateAfter, m.activateAfterHint, 'number')}
<p><button id="rotate-key" type="button">${m.rotate}</button></p>
<p id="rotate-status" role="status" aria-live="polite"></p>
<p><button id="sweep" type="button">${m.sweep}</button></p>
<div id="sweep-status" role="status" aria-live="polite"></div>
</div>`;
  return page({ t, title: m.title, nonce: input.nonce, body, bundles: ['operator.js'], bundleMessages: t.m.operatorBundle });
}
