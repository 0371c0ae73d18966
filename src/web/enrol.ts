/**
 * Getting started in a browser: enrolment (a development PID in development mode; the
 * explanation of the wallet PID production needs), the first passkey right after, and
 * the human page a browser sees when a request fails.
 */
import { html } from './html.ts';
import { page } from './layout.ts';
import { passkeyButton, passkeyScript } from './passkey-script.ts';
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
  extra: { type?: string; autocomplete?: string; hint?: string; required?: boolean; optional?: string },
) {
  const hint = extra.hint && html`<small id="${name}-hint">${extra.hint}</small>`;
  return html`<p class="field"><label for="${name}">${label}${extra.required === false && extra.optional}</label>
<input id="${name}" name="${name}" type="${extra.type ?? 'text'}" value="${value ?? ''}" autocomplete="${extra.autocomplete ?? 'off'}"${extra.required !== false && html` required`}${hint && html` aria-describedby="${name}-hint"`}>${hint}</p>`;
}

export function renderEnrol(input: EnrolPageInput): string {
  const { t } = input;
  const m = t.m.enrol;
  const error = input.error && html`<p class="error" role="alert">${input.error}</p>`;
  if (input.mode === 'production') {
    const body = html`<h1>${m.heading}</h1>
<p>${m.walletIntro}</p>
${error}
<p><a class="button primary" href="/account/enrol/wallet">${m.presentPid}</a></p>
<p>${m.walletNext}</p>
<p>${m.alreadyEnrolled}</p>`;
    return page({ t, title: m.title, nonce: input.nonce, body });
  }
  const v = input.values ?? {};
  const optional = t.m.common.optional;
  const body = html`<h1>${m.heading}</h1>
<p class="notice">${m.development}</p>
${error}
<form method="post" action="/account/enrol">
<input type="hidden" name="csrf" value="${input.csrf}">
${field('given_name', m.givenName, v.given_name, { autocomplete: 'given-name' })}
${field('family_name', m.familyName, v.family_name, { autocomplete: 'family-name' })}
${field('birthdate', m.birthdate, v.birthdate, { type: 'date', autocomplete: 'bday', hint: m.birthdateHint })}
${field('nationality', m.nationality, v.nationality ?? 'ZZ', { hint: m.nationalityHint, autocomplete: 'country' })}
${field('residence', m.residence, v.residence, { hint: m.residenceHint, required: false, optional })}
${field('email', m.email, v.email, { type: 'email', autocomplete: 'email', required: false, optional })}
${field('dev_id', m.devId, v.dev_id, { hint: m.devIdHint, required: false, optional })}
<p>${m.sealed}</p>
<button class="primary" type="submit">${m.create}</button>
</form>
<p>${m.haveWallet}</p>
<p>${m.alreadyEnrolled}</p>
<p>${t.m.accountSignIn.lostPasskeys}</p>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}

/** The OpenID4VP request, as a link that opens the wallet on this device (enrolment or recovery). */
export function renderWalletRequest(input: {
  t: Translator;
  nonce: string;
  requestUrl: string;
  minutes: number;
  purpose?: 'enrol' | 'recover';
}): string {
  const { t } = input;
  const m = t.m.walletRequest;
  const recover = input.purpose === 'recover';
  const body = html`<h1>${m.heading}</h1>
<p><a class="button primary" href="${input.requestUrl}">${m.open}</a></p>
<p>${recover ? m.explainRecover(input.minutes) : m.explain(input.minutes)}</p>
<p>${recover ? m.onlyThisBrowserRecover : m.onlyThisBrowser}</p>
${!recover && html`<p>${m.qr}</p>`}
<p><a href="${recover ? '/account/recover' : '/account/enrol'}">${m.back}</a></p>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}

/** How long a browser session lasts without a passkey (src/worlds' WEB_SESSION_TTL_SECONDS), said in hours. */
const SESSION_HOURS = 8;

/** Right after enrolment (or recovery): register the first passkey, the only way back in. */
export function renderFirstPasskey(input: { t: Translator; nonce: string; csrf: string; recovered?: boolean }): string {
  const { t } = input;
  const m = t.m.firstPasskey;
  const body = html`<h1>${m.heading}</h1>
<p>${input.recovered ? m.introRecovered : m.intro}</p>
${passkeyButton(t, { csrf: input.csrf, options: '/account/passkeys/options', verify: '/account/passkeys', label: t.m.common.addPasskey, primary: true })}
<noscript><p>${t.m.common.passkeyNeedsScript}</p></noscript>
<p>${m.skip(SESSION_HOURS)}</p>`;
  return page({ t, title: m.title, nonce: input.nonce, body, script: passkeyScript('create') });
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

/**
 * What a browser sees instead of a problem+json document. The detail comes from the
 * domain in English: in another language the page says what kind of failure it is and
 * marks the detail `lang="en"`.
 */
export function renderProblemPage(input: ProblemPageInput): string {
  const { t } = input;
  const m = t.m.problem;
  const heading = m.heading(input.status, input.title);
  const body = html`<h1>${heading}</h1>
${t.lang === 'en' ? html`<p role="alert">${input.detail}</p>` : html`<p role="alert" lang="en">${input.detail}</p>`}
<p>${m.next}</p>
<p><small>${m.reference(input.status, input.code, input.requestId)}</small></p>`;
  return page({ t, title: heading, nonce: input.nonce, body });
}
