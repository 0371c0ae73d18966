/**
 * The blind sign-in wallet (/wallet; docs/blind-signin.md): credentials kept in this
 * browser, and a world's sign-in request answered with a proof made here. The page itself
 * carries nothing about any world's request — that comes in the URL fragment, which the
 * browser never sends — only the issuer key the script checks credentials against, the
 * worlds registered with mvid (so a request's return address can be checked), and, for a
 * signed-in person, the CSRF token that lets the script fetch a batch.
 */
import { html } from './html.ts';
import type { Translator } from './i18n/index.ts';
import { page } from './layout.ts';

export interface WalletPageInput {
  t: Translator;
  nonce: string;
  /** The signed-in person's CSRF token, or undefined when nobody is signed in here. */
  csrf: string | undefined;
  issuer: { issuer: string; publicKey: string };
  /** Enabled worlds: id, name and the origins of their redirect URIs. */
  worlds: Array<{ id: string; name: string; origins: string[] }>;
}

export function renderWallet(input: WalletPageInput): string {
  const m = input.t.m.wallet;
  // What the script needs, in data attributes (escaped by `html`, read back with JSON.parse).
  const config = JSON.stringify({ issuer: input.issuer, worlds: input.worlds, csrf: input.csrf ?? null });
  const messages = JSON.stringify({
    none: m.none,
    validUntil: m.validUntil('{until}'),
    refreshing: m.refreshing,
    refreshed: m.refreshed,
    refused: m.refused,
    asks: m.asks('{world}'),
    nothing: m.nothing,
    presenting: m.presenting,
    unknownWorld: m.unknownWorld,
    noCredential: m.noCredential,
    badRequest: m.badRequest,
  });
  const body = html`<h1>${m.title}</h1>
<p>${m.intro}</p>
<noscript><p>${m.needsScript}</p></noscript>
<div id="wallet" hidden data-config="${config}" data-messages="${messages}">
<section id="request" hidden aria-labelledby="request-heading">
<h2 id="request-heading">${m.request}</h2>
<p id="request-world"></p>
<p>${m.disclose}</p>
<ul id="request-claims"></ul>
<p><button id="present" type="button" class="primary">${m.present}</button> <button id="cancel" type="button">${m.cancel}</button></p>
</section>
<section aria-labelledby="credentials-heading">
<h2 id="credentials-heading">${m.credentials}</h2>
<ul id="held"></ul>
${input.csrf === undefined ? html`<p>${m.signInFirst}</p>` : html`<p><button id="refresh" type="button">${m.refresh}</button></p>`}
<p id="status" role="status" aria-live="polite"></p>
</section>
<h2>${m.key}</h2>
<p class="scroll"><code>${input.issuer.publicKey}</code></p>
</div>`;
  return page({ t: input.t, title: m.title, nonce: input.nonce, body, bundles: ['wallet.js'] });
}
