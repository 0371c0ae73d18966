/** The person's account page: the worlds they use, what each received, and their passkeys. */
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { passkeyScript } from './passkey-script.ts';

export interface AccountPageInput {
  nonce: string;
  csrf: string;
  worlds: Array<{ id: string; name: string; purpose: string; consented: string[]; received: string[]; lastReleasedAt: string | null }>;
  passkeys: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
}

/** A one-button form that posts the CSRF token to `action`. */
export function postButton(action: string, csrf: string, label: string, primary = false): SafeHtml {
  return html`<form method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}"><button type="submit"${primary && html` class="primary"`}>${label}</button></form>`;
}

export function renderAccount(input: AccountPageInput): string {
  const worlds = input.worlds.length
    ? html`<table><caption>Worlds you signed in to</caption><thead><tr><th scope="col">World</th><th scope="col">Received</th><th scope="col">Last time</th><th scope="col">Consent</th></tr></thead><tbody>${input.worlds.map(
        (w) =>
          html`<tr><td>${w.name}<br><small>${w.purpose}</small></td><td>${w.received.join(', ') || 'pseudonym only'}</td><td>${w.lastReleasedAt ?? '—'}</td><td>${
            w.consented.length || w.received.length
              ? postButton(`/account/worlds/${encodeURIComponent(w.id)}/revoke`, input.csrf, 'Withdraw consent')
              : 'withdrawn'
          }</td></tr>`,
      )}</tbody></table>`
    : html`<p>You have not signed in to any world yet.</p>`;
  const passkeys = html`<ul>${input.passkeys.map((p) => html`<li>${p.name} — added ${p.createdAt}${p.lastUsedAt && html`, last used ${p.lastUsedAt}`}</li>`)}</ul>`;
  const body = html`<h1>Your mvid account</h1>
<h2>Worlds</h2>
${worlds}
<h2>Passkeys</h2>
${passkeys}
<button type="button" id="passkey" data-csrf="${input.csrf}" data-options="/account/passkeys/options" data-verify="/account/passkeys">Add a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
${postButton('/account/sign-out', input.csrf, 'Sign out')}`;
  return page({ title: 'Your account', nonce: input.nonce, body, script: passkeyScript('create') });
}

/** Shown when no browser session exists: sign in with a passkey to reach the account page. */
export function renderPasskeySetup(input: { nonce: string; csrf: string }): string {
  const body = html`<h1>Sign in to your mvid account</h1>
<p>Use the passkey you added when you enrolled. There is no password.</p>
<button class="primary" type="button" id="passkey" data-csrf="${input.csrf}" data-options="/account/sign-in/options" data-verify="/account/sign-in">Sign in with a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
<p>New here? <a href="/account/enrol">Create your mvid identity</a>.</p>`;
  return page({ title: 'Sign in', nonce: input.nonce, body, script: passkeyScript('get') });
}
