/**
 * "My credentials" in the person's portal: what mvid issued to the person (mvid keeps
 * only a hash of each copy, so the list is the ledger: kind, status, expiry), revoking a
 * copy, re-issuing a kind into the wallet through an OpenID4VCI offer (QR code for a
 * wallet on another device, a link for one on this device), and handing a verifier's
 * OpenID4VP request to the wallet the same two ways. The page's text is gathered in TEXT.
 */
import { postButton, when } from './account.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { qrSvg } from './qr.ts';

const TEXT = {
  heading: 'My credentials',
  intro:
    'Credentials mvid issued to your wallet. mvid keeps no copy, only what it needs to revoke one: its kind, expiry and a fingerprint. Each copy you show a world is unlinkable to the others.',
  none: 'mvid has not issued you any credential yet.',
  status: { valid: 'Valid', revoked: 'Revoked', expired: 'Expired' },
  until: 'valid until',
  expired: 'expired',
  revokedOn: 'revoked',
  reasons: {
    holder: 'by you',
    recovered: 'when you recovered your account (it was bound to your old wallet)',
    closed: 'when the account was closed',
    closed_during_issuance: 'when the account was closed',
    issuer_request: 'at the request of the body that attests it',
    admin: 'by the operator',
  } as Record<string, string>,
  fingerprint: 'fingerprint',
  revoke: 'Revoke',
  reissue: 'Re-issue to my wallet',
  attributeOnly: 'To re-issue it, present the issuing body’s own credential to mvid again from your wallet.',
  getNew: 'Get a credential in my wallet',
  kindLabel: 'Credential',
  getButton: 'Create a wallet offer',
  presentHeading: 'Show a credential to a verifier',
  presentIntro:
    'A verifier (a world, a venue) shows you a request link or QR code. Paste its link here to see who asks for what, then open it in your wallet on this device or scan it with your phone’s wallet.',
} as const;

export interface CredentialRow {
  kind: string;
  label: string;
  credentialHash: string;
  status: 'valid' | 'revoked' | 'expired';
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /** Whether the portal can offer this kind again (mvid-proofed kinds; attribute kinds need their source). */
  reissuable: boolean;
}

export interface CredentialsSectionInput {
  csrf: string;
  credentials: CredentialRow[];
  /** The kinds a wallet offer can carry, for the "get a credential" form. */
  offerable: Array<{ kind: string; label: string }>;
}

function row(c: CredentialRow, csrf: string): SafeHtml {
  const short = c.credentialHash.slice(0, 8);
  const state =
    c.status === 'revoked'
      ? html`${TEXT.status.revoked} — ${TEXT.revokedOn} ${when(c.revokedAt ?? '')} ${TEXT.reasons[c.revokedReason ?? ''] ?? ''}`
      : c.status === 'expired'
        ? html`${TEXT.status.expired} — ${TEXT.expired} ${when(c.expiresAt)}`
        : html`${TEXT.status.valid} — ${TEXT.until} ${when(c.expiresAt)}`;
  return html`<li class="credential" data-status="${c.status}"><strong>${c.label}</strong> <small>(${TEXT.fingerprint} <code>${short}</code>)</small><br>${state}
${c.status === 'valid' && postButton('/account/credentials/revoke', csrf, `${TEXT.revoke} ${c.label} ${short}`, { fields: { credential: c.credentialHash } })}
${c.reissuable ? postButton('/account/credentials/offer', csrf, `${TEXT.reissue}: ${c.label}`, { fields: { kind: c.kind } }) : html`<small>${TEXT.attributeOnly}</small>`}</li>`;
}

/** The portal's "My credentials" section. */
export function credentialsSection(input: CredentialsSectionInput): SafeHtml {
  const list = input.credentials.length
    ? html`<ul class="plain">${input.credentials.map((c) => row(c, input.csrf))}</ul>`
    : html`<p>${TEXT.none}</p>`;
  return html`<section aria-labelledby="my-credentials"><h2 id="my-credentials">${TEXT.heading}</h2>
<p>${TEXT.intro}</p>
${list}
<form method="post" action="/account/credentials/offer" class="row"><input type="hidden" name="csrf" value="${input.csrf}">
<p class="field"><label for="offer-kind">${TEXT.kindLabel}</label><select id="offer-kind" name="kind">${input.offerable.map((k) => html`<option value="${k.kind}">${k.label}</option>`)}</select></p>
<button type="submit">${TEXT.getButton}</button></form>
<p><a href="/account/credentials/present">${TEXT.presentHeading}</a></p>
</section>`;
}

const OFFER_TEXT = {
  title: 'Add the credential to your wallet',
  scan: 'Scan this code with the wallet on your phone',
  open: 'Open my wallet on this device',
  code: 'Your wallet asks for a transaction code: type',
  codeWhy: 'It is shown only here, never put in the offer, so an offer seen by someone else is useless to them.',
  expires: 'The offer works once, until',
  back: 'Back to my account',
} as const;

/** A wallet offer for `labels`: QR code, same-device link and the transaction code. */
export function renderCredentialOffer(input: {
  nonce: string;
  labels: string[];
  offerUri: string;
  txCode: string | undefined;
  expiresAt: string;
}): string {
  const body = html`<h1>${OFFER_TEXT.title}</h1>
<p><strong>${input.labels.join(', ')}</strong></p>
<p>${OFFER_TEXT.scan}:</p>
${qrSvg(input.offerUri, `${OFFER_TEXT.scan} (${input.labels.join(', ')})`)}
<p><a class="button primary" href="${input.offerUri}">${OFFER_TEXT.open}</a></p>
${input.txCode && html`<p class="notice">${OFFER_TEXT.code} <strong id="tx-code">${input.txCode}</strong>. ${OFFER_TEXT.codeWhy}</p>`}
<p>${OFFER_TEXT.expires} ${when(input.expiresAt)}.</p>
<p><a href="/account">${OFFER_TEXT.back}</a></p>`;
  return page({ title: OFFER_TEXT.title, nonce: input.nonce, body });
}

export interface VerifierRequestView {
  /** Who asks: the registered world's name, or the client id as the request gives it. */
  verifier: string;
  registered: boolean;
  /** Labels of the mvid credentials asked for, and whether the person holds a valid one of each. */
  asks: Array<{ label: string; held: boolean }>;
  /** Credentials asked for that mvid does not issue (their vct). */
  others: string[];
  /** The request is fetched by the wallet: what it asks is not in the link. */
  byReference: boolean;
  link: string;
}

const PRESENT_TEXT = {
  label: 'The verifier’s request link',
  hint: 'It starts with openid4vp://',
  check: 'Check the request',
  asks: 'asks for',
  unregistered: 'This verifier is not a world registered with mvid: make sure you know who it is.',
  registered: 'A world registered with mvid.',
  byReference: 'The request is fetched by your wallet, so mvid cannot show what it asks for: your wallet will.',
  held: 'you hold a valid one',
  notHeld: 'you hold no valid one: get one first',
  others: 'Also asks for credentials mvid does not issue:',
  scan: 'Scan this code with the wallet on your phone',
  open: 'Open my wallet on this device',
  after: 'Your wallet shows what the verifier asks for and lets you choose; it answers the verifier directly, mvid does not see it.',
  back: 'Back to my account',
} as const;

/** The "show a credential to a verifier" page: a form for the request link, then the request checked, as QR code and link. */
export function renderPresentCredential(input: { nonce: string; link?: string; request?: VerifierRequestView; error?: string }): string {
  const r = input.request;
  const checked =
    r &&
    html`<h2>${r.verifier} ${PRESENT_TEXT.asks}</h2>
<p>${r.registered ? PRESENT_TEXT.registered : html`<strong>${PRESENT_TEXT.unregistered}</strong>`}</p>
${r.byReference && html`<p>${PRESENT_TEXT.byReference}</p>`}
<ul>${r.asks.map((a) => html`<li>${a.label} — ${a.held ? PRESENT_TEXT.held : html`<strong>${PRESENT_TEXT.notHeld}</strong>`}</li>`)}</ul>
${r.others.length > 0 && html`<p>${PRESENT_TEXT.others} ${r.others.join(', ')}</p>`}
<p>${PRESENT_TEXT.scan}:</p>
${qrSvg(r.link, `${PRESENT_TEXT.scan} (${r.verifier})`)}
<p><a class="button primary" href="${r.link}">${PRESENT_TEXT.open}</a></p>
<p>${PRESENT_TEXT.after}</p>`;
  const body = html`<h1>${TEXT.presentHeading}</h1>
<p>${TEXT.presentIntro}</p>
${input.error && html`<p class="error" role="alert">${input.error}</p>`}
<form method="get" action="/account/credentials/present">
<p class="field"><label for="request">${PRESENT_TEXT.label}</label><small id="request-hint">${PRESENT_TEXT.hint}</small><input type="text" id="request" name="request" value="${input.link ?? ''}" aria-describedby="request-hint" required></p>
<button type="submit">${PRESENT_TEXT.check}</button>
</form>
${checked}
<p><a href="/account">${PRESENT_TEXT.back}</a></p>`;
  return page({ title: TEXT.presentHeading, nonce: input.nonce, body });
}
