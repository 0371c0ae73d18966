/**
 * Pages of the wallet flows beyond the same-device enrolment: account recovery (a
 * development PID form, or a wallet on this device) and enrolment with a wallet on another
 * device (the request as a QR code; the page polls until the wallet answered). Text: the
 * catalogue's `recover` and `walletQr` sections.
 */
import { field } from './enrol.ts';
import { html, unsafeRaw } from './html.ts';
import type { Translator } from './i18n/index.ts';
import { page } from './layout.ts';
import { qrSvg } from './qr.ts';

export interface RecoverPageInput {
  t: Translator;
  nonce: string;
  csrf: string;
  mode: 'development' | 'production';
  /** What the person typed, shown again with `error` when the form was refused. */
  values?: { dev_id?: string; given_name?: string; family_name?: string; birthdate?: string; nationality?: string };
  error?: string;
}

/** Account recovery: re-prove who you are with a PID whose identifier matches your enrolment. */
export function renderRecover(input: RecoverPageInput): string {
  const { t } = input;
  const m = t.m.recover;
  const consequences = html`<p>${m.does}</p>
<ul><li>${m.endsSessions}</li><li>${m.removesPasskeys}</li><li>${m.revokesCredentials}</li><li>${m.keepsPseudonyms}</li></ul>`;
  const error = input.error && html`<p class="error" role="alert">${input.error}</p>`;
  if (input.mode === 'production') {
    const body = html`<h1>${m.heading}</h1>
<p>${m.intro}</p>
${consequences}
${error}
<p><a class="button primary" href="/account/recover/wallet">${m.presentWallet}</a></p>
<p>${m.sameDeviceOnly}</p>
<p><a href="/account">${m.back}</a></p>`;
    return page({ t, title: m.title, nonce: input.nonce, body });
  }
  const v = input.values ?? {};
  const body = html`<h1>${m.heading}</h1>
<p class="notice">${m.devNotice}</p>
${consequences}
${error}
<form method="post" action="/account/recover">
<input type="hidden" name="csrf" value="${input.csrf}">
${field('dev_id', m.devId, v.dev_id, { hint: m.devIdHint })}
${field('given_name', m.givenName, v.given_name, { autocomplete: 'given-name' })}
${field('family_name', m.familyName, v.family_name, { autocomplete: 'family-name' })}
${field('birthdate', m.birthdate, v.birthdate, { type: 'date', autocomplete: 'bday' })}
${field('nationality', m.nationality, v.nationality ?? 'ZZ', { hint: m.nationalityHint, autocomplete: 'country' })}
<button class="primary" type="submit">${m.submit}</button>
</form>
<p>${m.haveWallet}</p>
<p><a href="/account">${m.back}</a></p>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}

export interface WalletQrInput {
  t: Translator;
  nonce: string;
  csrf: string;
  /** The OpenID4VP request the QR code carries. */
  requestUrl: string;
  state: 'pending' | 'answered' | 'failed';
  error?: string | null;
  expiresAt: string;
  /** Shown after a "check again" that found no answer yet. */
  notYet?: boolean;
}

/** Cross-device enrolment: the request as a QR code; the page polls (or the person checks again) until the wallet answered. */
export function renderWalletQr(input: WalletQrInput): string {
  const { t } = input;
  const m = t.m.walletQr;
  const failed = input.state === 'failed';
  const status = failed
    ? html`<p class="error" role="alert">${m.refused(input.error ?? 'unknown')}</p>`
    : input.state === 'answered'
      ? html`<p id="wallet-status" role="status" aria-live="polite">${m.answered}</p>`
      : html`<p id="wallet-status" role="status" aria-live="polite">${input.notYet && `${m.notYet} `}${m.waiting}</p>`;
  const body = html`<h1>${m.title}</h1>
<p>${m.intro}</p>
${qrSvg(input.requestUrl, m.qrLabel)}
<details><summary>${m.asText}</summary><p><code id="wallet-request">${input.requestUrl}</code></p></details>
${status}
${!failed && html`<form id="finish" method="post" action="/account/enrol/wallet/finish" data-state="${input.state}" data-msg-continuing="${m.continuing}"><input type="hidden" name="csrf" value="${input.csrf}"><button type="submit"${input.state === 'answered' && html` class="primary"`}>${input.state === 'answered' ? m.continue : m.checkAgain}</button></form>`}
<p>${m.warning}</p>
<p>${m.validUntil(t.when(input.expiresAt))}</p>`;
  return page({ t, title: m.title, nonce: input.nonce, body, ...(input.state === 'pending' ? { script: POLL_SCRIPT } : {}) });
}

/** Polls the request's state every 2 s; once the wallet answered, submits the finish form (no JavaScript: the button). */
const POLL_SCRIPT = unsafeRaw(`
(function(){
  var form = document.getElementById('finish');
  var status = document.getElementById('wallet-status');
  if (!form || !window.fetch) return;
  function poll() {
    fetch('/account/enrol/wallet/state', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.state === 'answered') { status.textContent = form.getAttribute('data-msg-continuing'); form.submit(); }
        else if (j.state === 'failed') { window.location.assign('/account/enrol/wallet/qr'); }
        else setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();`);
