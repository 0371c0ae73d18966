/**
 * The one piece of browser script: run a WebAuthn ceremony and post its result.
 * It uses the JSON helpers of WebAuthn Level 3 (PublicKeyCredential.parse*OptionsFromJSON
 * and credential.toJSON) so no base64 glue ships. Options and results travel as JSON
 * with the page's CSRF token in a header.
 */
import { type SafeHtml, unsafeRaw } from './html.ts';

const SCRIPTS = {
  get: unsafeRaw(source('get')),
  create: unsafeRaw(source('create')),
};

export function passkeyScript(kind: 'get' | 'create'): SafeHtml {
  return SCRIPTS[kind];
}

function source(kind: 'get' | 'create'): string {
  const parse = kind === 'get' ? 'parseRequestOptionsFromJSON' : 'parseCreationOptionsFromJSON';
  return `
(function(){
  var button = document.getElementById('passkey');
  var status = document.getElementById('status');
  if (!button) return;
  if (!window.PublicKeyCredential || !PublicKeyCredential.${parse}) {
    status.textContent = 'This browser cannot use passkeys.';
    button.disabled = true;
    return;
  }
  var csrf = button.getAttribute('data-csrf');
  function post(url, body) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body || {}) })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.detail || 'failed'); return j; }); });
  }
  button.addEventListener('click', function () {
    status.textContent = 'Waiting for your passkey…';
    button.disabled = true;
    post(button.getAttribute('data-options'))
      .then(function (options) { return navigator.credentials.${kind}({ publicKey: PublicKeyCredential.${parse}(options) }); })
      .then(function (credential) { return post(button.getAttribute('data-verify'), credential.toJSON()); })
      .then(function (result) { status.textContent = 'Done.'; window.location.assign(result.location); })
      .catch(function (error) { status.textContent = 'That did not work: ' + error.message; button.disabled = false; });
  });
})();`;
}
