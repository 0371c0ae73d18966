/**
 * The operator console (/admin): what `mvid worlds|issuers|attribute-issuers|authorities|
 * disclosure trustee-token|keys rotate|sweep` do over the admin API, in a page. Its script
 * (src/web/browser/operator.ts) holds the administrator token in the page's memory only
 * and sends it as a bearer token: no cookie, so no form here can be forged cross-site.
 */
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import type { Translator } from './i18n/index.ts';

function field(id: string, label: string, hint?: string, type = 'text'): SafeHtml {
  return html`<p class="field"><label for="${id}">${label}</label>${hint && html`<small>${hint}</small>`}<input id="${id}" type="${type}" autocomplete="off"></p>`;
}

const LISTS: Array<[string, string]> = [
  ['worlds', 'Worlds'],
  ['issuers', 'PID issuers'],
  ['attribute-issuers', 'Attribute issuers'],
  ['trustee-sets', 'Trustee sets'],
  ['authorities', 'Authorities'],
];

export function renderOperatorConsole(input: { t: Translator; nonce: string }): string {
  const body = html`<h1>Operator console</h1>
<p>Worlds, issuers, trustee sets and authorities, through the admin API. The administrator token stays in this page's memory; every change is logged on the server with the administrator's name.</p>
<noscript><p>The console needs JavaScript. Without it, use <code>mvid worlds</code>, <code>mvid issuers</code>, <code>mvid attribute-issuers</code>, <code>mvid authorities</code>.</p></noscript>
<div id="operator-console" hidden>
${field('admin-token', 'Administrator token', 'From mvid admin token.', 'password')}
<p><button id="load" type="button" class="primary">Load</button></p>
<p id="status" role="status" aria-live="polite"></p>
${LISTS.map(([id, title]) => html`<h2>${title}</h2><div id="list-${id}" class="scroll" tabindex="0" role="region" aria-label="${title}"></div>`)}
<h2>Register a world</h2>
${field('world-name', 'Name')}
${field('world-redirect', 'Redirect URI', 'Where the world receives sign-ins, e.g. https://world.example/callback.')}
${field('world-purpose', 'Declared purpose', 'Shown to people on the consent page.')}
${field('world-claims', 'Required claims', 'Separated by spaces, e.g. age_over_18.')}
<p><button id="add-world" type="button">Register the world</button></p>
<p id="world-status" role="status" aria-live="polite"></p>
<h2>Register an authority</h2>
${field('authority-name', 'Name')}
${field('authority-jurisdiction', 'Jurisdiction', 'ISO 3166 code, e.g. DE or DE-BE.')}
${field('authority-contact', 'Contact')}
${field('authority-key', 'Public key', 'From mvid authority keygen.')}
<p><button id="add-authority" type="button">Register the authority</button></p>
<p id="authority-status" role="status" aria-live="polite"></p>
<h2>Trustee token</h2>
${field('trustee-name', 'Trustee', 'A trustee of the active set.')}
<p><button id="trustee-token" type="button">Issue a token</button></p>
<p id="trustee-status" role="status" aria-live="polite"></p>
<h2>Keys and sweeps</h2>
<p>The same as <code>mvid keys rotate</code> and <code>mvid sweep</code>, run on the server. A new token-signing key is published and used once the nodes restart; the sweeps also run on their own every <code>MVID_SWEEP_INTERVAL_SECONDS</code>.</p>
${field('activate-after', 'Activate after (seconds)', 'For a cluster: publish now, sign only in nodes started this much later. 0 for one node.', 'number')}
<p><button id="rotate-key" type="button">Rotate the signing key</button></p>
<p id="rotate-status" role="status" aria-live="polite"></p>
<p><button id="sweep" type="button">Run the sweeps now</button></p>
<div id="sweep-status" role="status" aria-live="polite"></div>
</div>`;
  return page({ t: input.t, title: 'Operator console', nonce: input.nonce, body, bundles: ['operator.js'] });
}
