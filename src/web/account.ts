/**
 * The person's portal (/account): my worlds (what each received and when, the handle
 * there, the standing there, consent and its withdrawal), passkeys (add, rename,
 * remove), the data export, disclosures, sign-out and account closure.
 */
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { passkeyButton, passkeyScript } from './passkey-script.ts';
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

function worldCard(t: Translator, w: AccountWorld, csrf: string): SafeHtml {
  const m = t.m.account;
  const received = w.received.length
    ? m.receivedClaims(
        t.list(w.received),
        w.firstReleasedAt ? t.when(w.firstReleasedAt) : undefined,
        w.lastReleasedAt && w.lastReleasedAt !== w.firstReleasedAt ? t.when(w.lastReleasedAt) : undefined,
      )
    : m.receivedNothing;
  const consent = w.consentActive
    ? html`<dd>${m.consentGiven(w.consented.length > 0 ? t.list(w.consented) : undefined)}</dd>`
    : html`<dd>${m.consentWithdrawn(w.name)}</dd>`;
  return html`<article class="world">
<h3>${w.name}</h3>
<p><small>${w.purpose}</small></p>
<dl>
<dt>${m.consent}</dt>${consent}
<dt>${m.received}</dt><dd>${received}</dd>
<dt>${m.handle}</dt><dd>${w.handle ?? m.noHandle}</dd>
<dt>${m.trust}</dt><dd>${w.trustLevel} <small>${m.noGlobalScore}</small></dd>
</dl>
${w.consentActive && postButton(`/account/worlds/${encodeURIComponent(w.id)}/revoke`, csrf, m.withdraw(w.name))}
</article>`;
}

function passkeyItem(t: Translator, p: AccountPageInput['passkeys'][number], index: number, csrf: string, removable: boolean): SafeHtml {
  const m = t.m.account;
  const id = `passkey-name-${index}`;
  return html`<li><strong>${p.name}</strong> — ${m.passkeyDates(t.when(p.createdAt), p.lastUsedAt ? t.when(p.lastUsedAt) : undefined)}
<form method="post" action="/account/passkeys/rename" class="row"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="id" value="${p.id}"><label for="${id}">${m.newName}</label> <input type="text" id="${id}" name="name" value="${p.name}" maxlength="100" required> <button type="submit">${m.rename}</button></form>
${removable ? postButton('/account/passkeys/remove', csrf, m.remove(p.name), { fields: { id: p.id } }) : html`<small>${m.onlyPasskey}</small>`}</li>`;
}

export function renderAccount(input: AccountPageInput): string {
  const { csrf, t } = input;
  const m = t.m.account;
  const worlds = input.worlds.length ? input.worlds.map((w) => worldCard(t, w, csrf)) : html`<p>${m.noWorlds}</p>`;
  const passkeys = input.passkeys.length
    ? html`<ul class="plain">${input.passkeys.map((p, i) => passkeyItem(t, p, i, csrf, input.passkeys.length > 1))}</ul>`
    : html`<p class="error">${m.noPasskey}</p>`;
  const body = html`<h1>${m.heading}</h1>
${input.notice && html`<p class="notice" role="status">${input.notice}</p>`}
<section aria-labelledby="my-worlds"><h2 id="my-worlds">${m.myWorlds}</h2>
${worlds}
</section>
${input.credentialsHtml}
<section aria-labelledby="my-wallet"><h2 id="my-wallet">${m.blindWallet}</h2>
<p>${m.blindWalletIntro}</p>
</section>
${input.moderationHtml}
<section aria-labelledby="my-passkeys"><h2 id="my-passkeys">${m.passkeys}</h2>
${passkeys}
${passkeyButton(t, { csrf, options: '/account/passkeys/options', verify: '/account/passkeys', label: t.m.common.addPasskey })}
</section>
<section aria-labelledby="my-data"><h2 id="my-data">${m.data}</h2>
<p>${m.dataIntro}</p>
${postButton('/account/export', csrf, m.download)}
<p>${m.disclosures}</p>
</section>
<section aria-labelledby="my-session"><h2 id="my-session">${m.leaving}</h2>
${postButton('/account/sign-out', csrf, m.signOut)}
<p><a href="/account/close">${m.closeLink}</a></p>
</section>`;
  return page({ t, title: m.title, nonce: input.nonce, body, script: passkeyScript('create') });
}

/** Shown when no browser session exists: sign in with a passkey to reach the account page. */
export function renderPasskeySetup(input: { t: Translator; nonce: string; csrf: string }): string {
  const { t } = input;
  const m = t.m.accountSignIn;
  const body = html`<h1>${m.heading}</h1>
<p>${m.how}</p>
${passkeyButton(t, { csrf: input.csrf, options: '/account/sign-in/options', verify: '/account/sign-in', label: t.m.common.signInWithPasskey, primary: true })}
<p>${m.newHere}</p>
<p>${m.lostPasskeys}</p>`;
  return page({ t, title: m.title, nonce: input.nonce, body, script: passkeyScript('get') });
}

/** The confirmation before closing an account: what happens, and a deliberate tick. */
export function renderCloseAccount(input: { t: Translator; nonce: string; csrf: string; retentionDays: number }): string {
  const { t } = input;
  const m = t.m.closeAccount;
  const body = html`<h1>${m.heading}</h1>
<p>${m.intro}</p>
<ul>
<li>${m.signedOut}</li>
<li>${m.revoked}</li>
<li>${m.kept(input.retentionDays)}</li>
<li>${m.reopen}</li>
</ul>
<p>${m.exportFirst}</p>
<form method="post" action="/account/close">
<input type="hidden" name="csrf" value="${input.csrf}">
<p><input type="checkbox" id="confirm" name="confirm" value="yes" required> <label for="confirm">${m.confirm}</label></p>
<button type="submit" class="danger">${m.button}</button>
</form>
<p><a href="/account">${m.keep}</a></p>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}

export function renderAccountClosed(input: { t: Translator; nonce: string; purgeAfter: string }): string {
  const { t } = input;
  const m = t.m.accountClosed;
  const body = html`<h1>${m.heading}</h1>
<p>${m.text(t.when(input.purgeAfter))}</p>
<p><a href="/">${m.back}</a></p>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}
