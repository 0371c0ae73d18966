/**
 * The one piece of browser script: run a WebAuthn ceremony and post its result.
 * It uses the JSON helpers of WebAuthn Level 3 (PublicKeyCredential.parse*OptionsFromJSON
 * and credential.toJSON) so no base64 glue ships. Options and results travel as JSON
 * with the page's CSRF token in a header.
 */
import { html, type SafeHtml, unsafeRaw } from './html.ts';
import type { Translator } from './i18n/index.ts';

const SCRIPTS = {
  get: unsafeRaw(source('get')),
  create: unsafeRaw(source('create')),
};

export function passkeyScript(kind: 'get' | 'create'): SafeHtml {
  return SCRIPTS[kind];
}

/**
 * The button the script drives, with its endpoints, the CSRF token and the script's
 * messages in the reader's language (data attributes: the script holds no text), and
 * the live region it reports in.
 */
export function passkeyButton(
  t: Translator,
  input: { csrf: string; options: string; verify: string; label: string; primary?: boolean },
): SafeHtml {
  const m = t.m.passkeyScript;
  return html`<button${input.primary && html` class="primary"`} type="button" id="passkey" data-csrf="${input.csrf}" data-options="${input.options}" data-verify="${input.verify}" data-msg-unsupported="${m.unsupported}" data-msg-waiting="${m.waiting}" data-msg-done="${m.done}" data-msg-failed="${m.failed}">${input.label}</button>
<p id="status" role="status" aria-live="polite"></p>`;
}

function source(kind: 'get' | 'create'): string {
  const parse = kind === 'get' ? 'parseRequestOptionsFromJSON' : 'parseCreationOptionsFromJSON';
  return `
(function(){
  var button = document.getElementById('passkey');
  var status = document.getElementById('status');
  if (!button) return;
  function msg(name) { return button.getAttribute('data-msg-' + name) || ''; }
  if (!window.PublicKeyCredential || !PublicKeyCredential.${parse}) {
    status.textContent = msg('unsupported');
    button.disabled = true;
    return;
  }
  var csrf = button.getAttribute('data-csrf');
  function post(url, body) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body || {}) })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.detail || String(r.status)); return j; }); });
  }
  button.addEventListener('click', function () {
    status.textContent = msg('waiting');
    button.disabled = true;
    post(button.getAttribute('data-options'))
      .then(function (options) { return navigator.credentials.${kind}({ publicKey: PublicKeyCredential.${parse}(options) }); })
      .then(function (credential) { return post(button.getAttribute('data-verify'), credential.toJSON()); })
      .then(function (result) { status.textContent = msg('done'); window.location.assign(result.location); })
      .catch(function (error) { status.textContent = msg('failed') + ' ' + error.message; button.disabled = false; });
  });
})();`;
}
