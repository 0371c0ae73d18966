/**
 * "My credentials" in the person's portal: what mvid issued to the person (mvid keeps
 * only a hash of each copy, so the list is the ledger: kind, status, expiry), revoking a
 * copy, re-issuing a kind into the wallet through an OpenID4VCI offer (QR code for a
 * wallet on another device, a link for one on this device), and handing a verifier's
 * OpenID4VP request to the wallet the same two ways. Text: the catalogue's `credentials`,
 * `credentialOffer` and `presentCredential` sections.
 */
import { postButton } from './account.ts';
import { html, type SafeHtml } from './html.ts';
import type { Translator } from './i18n/index.ts';
import { page } from './layout.ts';
import { qrSvg } from './qr.ts';

export interface CredentialRow {
  kind: string;
  credentialHash: string;
  status: 'valid' | 'revoked' | 'expired';
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /** Whether the portal can offer this kind again (mvid-proofed kinds; attribute kinds need their source). */
  reissuable: boolean;
}

export interface CredentialsSectionInput {
  t: Translator;
  csrf: string;
  credentials: CredentialRow[];
  /** The kinds a wallet offer can carry, for the "get a credential" form. */
  offerable: string[];
}

/** A credential kind's name in the page's language. */
export const kindLabel = (t: Translator, kind: string): string => t.m.credentials.kinds[kind] ?? kind;

function row(t: Translator, c: CredentialRow, csrf: string): SafeHtml {
  const m = t.m.credentials;
  const label = kindLabel(t, c.kind);
  const short = c.credentialHash.slice(0, 8);
  const state =
    c.status === 'revoked'
      ? m.revoked(t.when(c.revokedAt ?? ''), m.reasons[c.revokedReason ?? ''] ?? '')
      : c.status === 'expired'
        ? m.expired(t.when(c.expiresAt))
        : m.valid(t.when(c.expiresAt));
  return html`<li class="credential" data-status="${c.status}"><strong>${label}</strong> <small>(${m.fingerprint} <code>${short}</code>)</small><br>${state}
${c.status === 'valid' && postButton('/account/credentials/revoke', csrf, m.revoke(label, short), { fields: { credential: c.credentialHash } })}
${c.reissuable ? postButton('/account/credentials/offer', csrf, m.reissue(label), { fields: { kind: c.kind } }) : html`<small>${m.attributeOnly}</small>`}</li>`;
}

/** The portal's "My credentials" section. */
export function credentialsSection(input: CredentialsSectionInput): SafeHtml {
  const { t } = input;
  const m = t.m.credentials;
  const list = input.credentials.length
    ? html`<ul class="plain">${input.credentials.map((c) => row(t, c, input.csrf))}</ul>`
    : html`<p>${m.none}</p>`;
  return html`<section aria-labelledby="my-credentials"><h2 id="my-credentials">${m.heading}</h2>
<p>${m.intro}</p>
${list}
<form method="post" action="/account/credentials/offer" class="row"><input type="hidden" name="csrf" value="${input.csrf}">
<p class="field"><label for="offer-kind">${m.kindLabel}</label><select id="offer-kind" name="kind">${input.offerable.map((k) => html`<option value="${k}">${kindLabel(t, k)}</option>`)}</select></p>
<button type="submit">${m.getButton}</button></form>
<p><a href="/account/credentials/present">${m.presentLink}</a></p>
</section>`;
}

/** A wallet offer for `kinds`: QR code, same-device link and the transaction code. */
export function renderCredentialOffer(input: {
  t: Translator;
  nonce: string;
  kinds: string[];
  offerUri: string;
  txCode: string | undefined;
  expiresAt: string;
}): string {
  const { t } = input;
  const m = t.m.credentialOffer;
  const labels = t.list(input.kinds.map((k) => kindLabel(t, k)));
  const body = html`<h1>${m.title}</h1>
<p><strong>${labels}</strong></p>
<p>${m.scan}:</p>
${qrSvg(input.offerUri, `${m.scan} (${labels})`)}
<p><a class="button primary" href="${input.offerUri}">${m.open}</a></p>
${input.txCode && html`<p class="notice">${m.code(input.txCode)}</p>`}
<p>${m.expires(t.when(input.expiresAt))}</p>
<p><a href="/account">${t.m.common.backToAccount}</a></p>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}

export interface VerifierRequestView {
  /** Who asks: the registered world's name, or the client id as the request gives it. */
  verifier: string;
  registered: boolean;
  /** The mvid credential kinds asked for, and whether the person holds a valid one of each. */
  asks: Array<{ kind: string; held: boolean }>;
  /** Credentials asked for that mvid does not issue (their vct). */
  others: string[];
  /** The request is fetched by the wallet: what it asks is not in the link. */
  byReference: boolean;
  link: string;
}

/** The "show a credential to a verifier" page: a form for the request link, then the request checked, as QR code and link. */
export function renderPresentCredential(input: {
  t: Translator;
  nonce: string;
  link?: string;
  request?: VerifierRequestView;
  error?: string;
}): string {
  const { t } = input;
  const m = t.m.presentCredential;
  const r = input.request;
  const checked =
    r &&
    html`<h2>${m.asks(r.verifier)}</h2>
<p>${r.registered ? m.registered : html`<strong>${m.unregistered}</strong>`}</p>
${r.byReference && html`<p>${m.byReference}</p>`}
<ul>${r.asks.map((a) => html`<li>${kindLabel(t, a.kind)} — ${a.held ? m.held : html`<strong>${m.notHeld}</strong>`}</li>`)}</ul>
${r.others.length > 0 && html`<p>${m.others} ${r.others.join(', ')}</p>`}
<p>${m.scan}:</p>
${qrSvg(r.link, `${m.scan} (${r.verifier})`)}
<p><a class="button primary" href="${r.link}">${m.open}</a></p>
<p>${m.after}</p>`;
  const body = html`<h1>${m.title}</h1>
<p>${m.intro}</p>
${input.error && html`<p class="error" role="alert">${input.error}</p>`}
<form method="get" action="/account/credentials/present">
<p class="field"><label for="request">${m.label}</label><small id="request-hint">${m.hint}</small><input type="text" id="request" name="request" value="${input.link ?? ''}" aria-describedby="request-hint" required></p>
<button type="submit">${m.check}</button>
</form>
${checked}
<p><a href="/account">${t.m.common.backToAccount}</a></p>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}
