/**
 * Getting started in a browser: enrolment (a development PID in development mode; the
 * explanation of the wallet PID production needs), the first passkey right after, and
 * the human page a browser sees when a request fails.
 */
import { html } from './html.ts';
import { page } from './layout.ts';
import { passkeyScript } from './passkey-script.ts';
import type { Translator } from './i18n/index.ts';

export interface EnrolPageInput {
  t: Translator;
  nonce: string;
  csrf: string;
  mode: 'development' | 'production';
  /** What the person typed, shown again with `error` when the form was refused. */
  values?: {
    given_name?: string;
    family_name?: string;
    birthdate?: string;
    nationality?: string;
    residence?: string;
    email?: string;
    dev_id?: string;
  };
  error?: string;
}

export function field(
  name: string,
  label: string,
  value: string | undefined,
  extra: { type?: string; autocomplete?: string; hint?: string; required?: boolean },
) {
  const hint = extra.hint && html`<small id="${name}-hint">${extra.hint}</small>`;
  return html`<p class="field"><label for="${name}">${label}${extra.required === false && ' (optional)'}</label>
<input id="${name}" name="${name}" type="${extra.type ?? 'text'}" value="${value ?? ''}" autocomplete="${extra.autocomplete ?? 'off'}"${extra.required !== false && html` required`}${hint && html` aria-describedby="${name}-hint"`}>${hint}</p>`;
}

export function renderEnrol(input: EnrolPageInput): string {
  if (input.mode === 'production') {
    const body = html`<h1>Create your mvid identity</h1>
<p>mvid checks who you are once, from the <strong>person identification data (PID)</strong> in your identity wallet — for example the EU Digital Identity Wallet of your country. Worlds never see it: each sees only a pseudonym of its own and the attributes you agree to show.</p>
${input.error && html`<p class="error" role="alert">${input.error}</p>`}
<p><a class="button primary" href="/account/enrol/wallet">Present my PID from my wallet</a></p>
<p>Your wallet asks you to share your PID with this mvid (OpenID for Verifiable Presentations), then brings you back here to add a passkey.</p>
<p>Already enrolled? <a href="/account">Sign in with your passkey</a>.</p>`;
    return page({ t: input.t, title: 'Create your identity', nonce: input.nonce, body });
  }
  const v = input.values ?? {};
  const body = html`<h1>Create your mvid identity</h1>
<p class="notice"><strong>Development mode.</strong> This server issues you a <em>development</em> PID in place of the one a real identity wallet would present, so you can try mvid without one. Production refuses such PIDs.</p>
${input.error && html`<p class="error" role="alert">${input.error}</p>`}
<form method="post" action="/account/enrol">
<input type="hidden" name="csrf" value="${input.csrf}">
${field('given_name', 'Given name', v.given_name, { autocomplete: 'given-name' })}
${field('family_name', 'Family name', v.family_name, { autocomplete: 'family-name' })}
${field('birthdate', 'Date of birth', v.birthdate, { type: 'date', autocomplete: 'bday', hint: 'Worlds may learn only "over 18" or similar, never the date.' })}
${field('nationality', 'Nationality', v.nationality ?? 'ZZ', { hint: 'Two-letter country code, such as FR or SE.', autocomplete: 'country' })}
${field('residence', 'Country of residence', v.residence, { hint: 'Two-letter code; a world may ask for it, only with your consent.', required: false })}
${field('email', 'Email', v.email, { type: 'email', autocomplete: 'email', required: false })}
${field('dev_id', 'Development identifier', v.dev_id, { hint: DEV_ID_HINT, required: false })}
<p>Your legal identity is sealed for a quorum of independent trustees and never shown to worlds. Next you add a passkey: that is how you sign in.</p>
<button class="primary" type="submit">Create my identity</button>
</form>
<p>Have an identity wallet? <a href="/account/enrol/wallet">Present a PID from your wallet</a> instead.</p>
<p>Already enrolled? <a href="/account">Sign in with your passkey</a>. Lost your passkeys? <a href="/account/recover">Recover your account</a>.</p>`;
  return page({ t: input.t, title: 'Create your identity', nonce: input.nonce, body });
}

const DEV_ID_HINT =
  'The number a real PID carries for you. Leave it empty for a random one, or choose one (letters, digits, dashes) to try recovery later with it.';

/** The OpenID4VP request, as a link that opens the wallet on this device (enrolment or recovery). */
export function renderWalletRequest(input: {
  t: Translator;
  nonce: string;
  requestUrl: string;
  minutes: number;
  purpose?: 'enrol' | 'recover';
}): string {
  const recover = input.purpose === 'recover';
  const body = html`<h1>Present your PID from your wallet</h1>
<p><a class="button primary" href="${input.requestUrl}">Open my wallet</a></p>
<p>Your identity wallet opens on this device and asks you to share your person identification data with this mvid. After you agree, it brings you back to this browser to add ${recover ? 'a new passkey' : 'your first passkey'}. The request is valid ${input.minutes} minutes; reload this page for a new one.</p>
<p>Only this browser can finish the ${recover ? 'recovery' : 'enrolment'} it started: if you send this link to someone else, their wallet would ${recover ? 'recover their account' : 'enrol them'}, not you.</p>
${
  recover
    ? html`<p><a href="/account/recover">Back</a></p>`
    : html`<p>Your wallet is on another device? <a href="/account/enrol/wallet/qr">Show a QR code to scan</a>.</p>
<p><a href="/account/enrol">Back</a></p>`
}`;
  return page({ t: input.t, title: 'Present your PID', nonce: input.nonce, body });
}

/** Right after enrolment (or recovery): register the first passkey, the only way back in. */
export function renderFirstPasskey(input: { t: Translator; nonce: string; csrf: string; recovered?: boolean }): string {
  const body = html`<h1>Add your first passkey</h1>
<p>${input.recovered ? 'Your account is recovered: every old session is signed out and your old passkeys are removed.' : 'Your identity is created.'} Now add a passkey: your device (fingerprint, face, PIN or security key) keeps it, and it is how you sign in to mvid and to worlds. There is no password.</p>
<button class="primary" type="button" id="passkey" data-csrf="${input.csrf}" data-options="/account/passkeys/options" data-verify="/account/passkeys">Add a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p>Passkeys need JavaScript to talk to your device; please enable it for this page.</p></noscript>
<p>Without a passkey you can use mvid only until this browser session ends (8 hours). <a href="/account">Skip for now</a>.</p>`;
  return page({ t: input.t, title: 'Add a passkey', nonce: input.nonce, body, script: passkeyScript('create') });
}

export interface ProblemPageInput {
  t: Translator;
  nonce: string;
  status: number;
  title: string;
  detail: string;
  code: string;
  requestId: string;
}

/** What a browser sees instead of a problem+json document. */
export function renderProblemPage(input: ProblemPageInput): string {
  const body = html`<h1>${input.title}</h1>
<p role="alert">${input.detail}</p>
<p>Go <a href="/">to the front page</a> or <a href="/account">to your account</a>, or go back and try again.</p>
<p><small>Error ${input.status} <code>${input.code}</code> · request <code>${input.requestId}</code> (quote it when reporting a problem).</small></p>`;
  return page({ t: input.t, title: input.title, nonce: input.nonce, body });
}
