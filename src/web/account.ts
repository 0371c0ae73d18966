/** The person's account page: the worlds they use, what each received, and their passkeys. */
import { esc, page } from './layout.ts';
import { passkeyScript } from './passkey-script.ts';

export interface AccountPageInput {
  nonce: string;
  csrf: string;
  worlds: Array<{ id: string; name: string; purpose: string; consented: string[]; received: string[]; lastReleasedAt: string | null }>;
  passkeys: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
  /** The moderation section (standing, trust level, decisions, appeals), already rendered. */
  moderationHtml?: string;
}

export function renderAccount(input: AccountPageInput): string {
  const worlds = input.worlds.length
    ? `<table><caption>Worlds you signed in to</caption><thead><tr><th scope="col">World</th><th scope="col">Received</th><th scope="col">Last time</th><th scope="col">Consent</th></tr></thead><tbody>${input.worlds
        .map(
          (w) =>
            `<tr><td>${esc(w.name)}<br><small>${esc(w.purpose)}</small></td><td>${esc(w.received.join(', ') || 'pseudonym only')}</td><td>${esc(w.lastReleasedAt ?? '—')}</td><td>${
              w.consented.length || w.received.length
                ? `<form method="post" action="/account/worlds/${esc(encodeURIComponent(w.id))}/revoke"><input type="hidden" name="csrf" value="${esc(input.csrf)}"><button type="submit">Withdraw consent</button></form>`
                : 'withdrawn'
            }</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>You have not signed in to any world yet.</p>';
  const passkeys = `<ul>${input.passkeys.map((p) => `<li>${esc(p.name)} — added ${esc(p.createdAt)}${p.lastUsedAt ? `, last used ${esc(p.lastUsedAt)}` : ''}</li>`).join('')}</ul>`;
  const body = `<h1>Your mvid account</h1>
<h2>Worlds</h2>
${worlds}
${input.moderationHtml ?? ''}
<h2>Passkeys</h2>
${passkeys}
<button type="button" id="passkey" data-csrf="${esc(input.csrf)}" data-options="/account/passkeys/options" data-verify="/account/passkeys">Add a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
<form method="post" action="/account/sign-out"><input type="hidden" name="csrf" value="${esc(input.csrf)}"><button type="submit">Sign out</button></form>`;
  return page({ title: 'Your account', nonce: input.nonce, body, script: passkeyScript('create') });
}

/** Shown when no browser session exists: sign in with a passkey to reach the account page. */
export function renderPasskeySetup(input: { nonce: string; csrf: string }): string {
  const body = `<h1>Sign in to your mvid account</h1>
<p>Use the passkey you added when you enrolled. There is no password.</p>
<button class="primary" type="button" id="passkey" data-csrf="${esc(input.csrf)}" data-options="/account/sign-in/options" data-verify="/account/sign-in">Sign in with a passkey</button>
<p id="status" role="status" aria-live="polite"></p>`;
  return page({ title: 'Sign in', nonce: input.nonce, body, script: passkeyScript('get') });
}
