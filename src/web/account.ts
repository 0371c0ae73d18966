/**
 * The person's portal (/account): my worlds (what each received and when, the handle
 * there, the standing there, consent and its withdrawal), passkeys (add, rename,
 * remove), the data export, disclosures, sign-out and account closure.
 */
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { passkeyScript } from './passkey-script.ts';
import type { Translator } from './i18n/index.ts';

export interface AccountWorld {
  id: string;
  name: string;
  purpose: string;
  consentActive: boolean;
  /** Labels of the claims consented to (the live grant). */
  consented: string[];
  /** Labels of the claims the world received. */
  received: string[];
  firstReleasedAt: string | null;
  lastReleasedAt: string | null;
  handle: string | null;
  trustLevel: string;
}

export interface AccountPageInput {
  t: Translator;
  nonce: string;
  csrf: string;
  worlds: AccountWorld[];
  passkeys: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
  /** The "My credentials" section, already rendered. */
  credentialsHtml?: SafeHtml | undefined;
  /** The moderation section (standing, trust level, decisions, appeals), already rendered. */
  moderationHtml?: SafeHtml | undefined;
  /** One line confirming what the person just did. */
  notice?: string;
}

/** A one-button form that posts the CSRF token (and `fields`) to `action`. */
export function postButton(
  action: string,
  csrf: string,
  label: string,
  options: { primary?: boolean; fields?: Record<string, string> } = {},
): SafeHtml {
  const fields = Object.entries(options.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return html`<form method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}">${fields}<button type="submit"${options.primary && html` class="primary"`}>${label}</button></form>`;
}

/** `2026-06-01T12:00:00.000Z` → `2026-06-01 12:00 UTC`; other text as it is. */
export function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function worldCard(w: AccountWorld, csrf: string): SafeHtml {
  const received = w.received.length
    ? html`${w.received.join(', ')}${w.firstReleasedAt && html` — first ${when(w.firstReleasedAt)}`}${w.lastReleasedAt && w.lastReleasedAt !== w.firstReleasedAt && html`, last ${when(w.lastReleasedAt)}`}`
    : 'only your pseudonym for this world';
  const consent = w.consentActive
    ? html`<dd>Given${w.consented.length > 0 && html` for ${w.consented.join(', ')}`}.</dd>`
    : html`<dd><strong>Withdrawn.</strong> ${w.name} receives nothing more and must ask you again; what it received before stays with it.</dd>`;
  return html`<article class="world">
<h3>${w.name}</h3>
<p><small>${w.purpose}</small></p>
<dl>
<dt>Consent</dt>${consent}
<dt>Received</dt><dd>${received}</dd>
<dt>Your handle there</dt><dd>${w.handle ?? 'none'}</dd>
<dt>Trust level there</dt><dd>${w.trustLevel} <small>(this world's own standing; there is no global score)</small></dd>
</dl>
${w.consentActive && postButton(`/account/worlds/${encodeURIComponent(w.id)}/revoke`, csrf, `Withdraw consent from ${w.name}`)}
</article>`;
}

function passkeyItem(p: AccountPageInput['passkeys'][number], index: number, csrf: string, removable: boolean): SafeHtml {
  const id = `passkey-name-${index}`;
  return html`<li><strong>${p.name}</strong> — added ${when(p.createdAt)}${p.lastUsedAt && html`, last used ${when(p.lastUsedAt)}`}
<form method="post" action="/account/passkeys/rename" class="row"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="id" value="${p.id}"><label for="${id}">New name</label> <input type="text" id="${id}" name="name" value="${p.name}" maxlength="100" required> <button type="submit">Rename</button></form>
${removable ? postButton('/account/passkeys/remove', csrf, `Remove ${p.name}`, { fields: { id: p.id } }) : html`<small>Your only passkey cannot be removed: add another first.</small>`}</li>`;
}

export function renderAccount(input: AccountPageInput): string {
  const { csrf } = input;
  const worlds = input.worlds.length ? input.worlds.map((w) => worldCard(w, csrf)) : html`<p>You have not signed in to any world yet.</p>`;
  const passkeys = input.passkeys.length
    ? html`<ul class="plain">${input.passkeys.map((p, i) => passkeyItem(p, i, csrf, input.passkeys.length > 1))}</ul>`
    : html`<p class="error">You have no passkey: add one now, or you cannot sign back in once this session ends.</p>`;
  const body = html`<h1>Your mvid account</h1>
${input.notice && html`<p class="notice" role="status">${input.notice}</p>`}
<section aria-labelledby="my-worlds"><h2 id="my-worlds">My worlds</h2>
${worlds}
</section>
${input.credentialsHtml}
${input.moderationHtml}
<section aria-labelledby="my-passkeys"><h2 id="my-passkeys">Passkeys</h2>
${passkeys}
<button type="button" id="passkey" data-csrf="${csrf}" data-options="/account/passkeys/options" data-verify="/account/passkeys">Add a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
</section>
<section aria-labelledby="my-data"><h2 id="my-data">Your data</h2>
<p>Download everything mvid holds about you: your record and its events, your sealed identity envelopes, the worlds with the pseudonym each knows you by, consents, handles, passkeys, sessions and issued credentials.</p>
${postButton('/account/export', csrf, 'Download my data (JSON)')}
<p><a href="/account/disclosures">Disclosures of your identity to authorities</a>, shown once each legal delay has ended.</p>
</section>
<section aria-labelledby="my-session"><h2 id="my-session">Leaving</h2>
${postButton('/account/sign-out', csrf, 'Sign out')}
<p><a href="/account/close">Close my account…</a></p>
</section>`;
  return page({ t: input.t, title: 'Your account', nonce: input.nonce, body, script: passkeyScript('create') });
}

/** Shown when no browser session exists: sign in with a passkey to reach the account page. */
export function renderPasskeySetup(input: { t: Translator; nonce: string; csrf: string }): string {
  const body = html`<h1>Sign in to your mvid account</h1>
<p>Use the passkey you added when you enrolled. There is no password.</p>
<button class="primary" type="button" id="passkey" data-csrf="${input.csrf}" data-options="/account/sign-in/options" data-verify="/account/sign-in">Sign in with a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
<p>New here? <a href="/account/enrol">Create your mvid identity</a>. Lost your passkeys? <a href="/account/recover">Recover your account</a>.</p>`;
  return page({ t: input.t, title: 'Sign in', nonce: input.nonce, body, script: passkeyScript('get') });
}

/** The confirmation before closing an account: what happens, and a deliberate tick. */
export function renderCloseAccount(input: { t: Translator; nonce: string; csrf: string; retentionDays: number }): string {
  const body = html`<h1>Close your mvid account</h1>
<p>Closing is meant to be final. When you close your account:</p>
<ul>
<li>you are signed out everywhere, your passkeys and keys stop working, and every world loses its consent to receive anything about you;</li>
<li>the credentials mvid issued to you are revoked;</li>
<li>your sealed identity envelopes and your uniqueness tag are kept ${input.retentionDays} days (for recovery and for lawful requests about the past), then deleted;</li>
<li>until then, enrolling again with the same identity reopens this account through recovery.</li>
</ul>
<p>You may want to <a href="/account">download your data</a> first.</p>
<form method="post" action="/account/close">
<input type="hidden" name="csrf" value="${input.csrf}">
<p><input type="checkbox" id="confirm" name="confirm" value="yes" required> <label for="confirm">I understand, close my account</label></p>
<button type="submit" class="danger">Close my account</button>
</form>
<p><a href="/account">Keep my account</a></p>`;
  return page({ t: input.t, title: 'Close your account', nonce: input.nonce, body });
}

export function renderAccountClosed(input: { t: Translator; nonce: string; purgeAfter: string }): string {
  const body = html`<h1>Your account is closed</h1>
<p>You are signed out and no world receives anything about you any more. Your sealed identity is deleted after ${when(input.purgeAfter)}.</p>
<p><a href="/">Back to the front page</a></p>`;
  return page({ t: input.t, title: 'Account closed', nonce: input.nonce, body });
}
