/** The sign-in and consent pages of an OpenID Connect interaction. */
import { esc, page } from './layout.ts';
import { passkeyScript } from './passkey-script.ts';

export interface SignInPageInput {
  nonce: string;
  uid: string;
  csrf: string;
  worldName: string;
  /** Whether the browser already holds an mvid session (offer to continue with it). */
  signedIn: boolean;
  error?: string;
}

export function renderSignIn(input: SignInPageInput): string {
  const base = `/interaction/${encodeURIComponent(input.uid)}`;
  const cont = input.signedIn
    ? `<form method="post" action="${esc(base)}/continue">
<input type="hidden" name="csrf" value="${esc(input.csrf)}">
<p>You are signed in to mvid in this browser.</p>
<button class="primary" type="submit">Continue</button>
</form>
<p>Or sign in again with a passkey:</p>`
    : '';
  const body = `<h1>Sign in to continue to ${esc(input.worldName)}</h1>
${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>` : ''}
<p>mvid signs you in with a passkey: your device checks it is you (fingerprint, face or PIN). There is no password.</p>
${cont}
<button class="primary" type="button" id="passkey" data-csrf="${esc(input.csrf)}" data-options="${esc(base)}/passkey/options" data-verify="${esc(base)}/passkey">Sign in with a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p>Passkeys need JavaScript to talk to your device; please enable it for this page.</p></noscript>
<form method="post" action="${esc(base)}/abort">
<input type="hidden" name="csrf" value="${esc(input.csrf)}">
<button type="submit">Cancel and return to ${esc(input.worldName)}</button>
</form>`;
  return page({ title: 'Sign in', nonce: input.nonce, body, script: passkeyScript('get') });
}

export interface ConsentClaim {
  name: string;
  label: string;
  description: string;
  required: boolean;
}

export interface ConsentPageInput {
  nonce: string;
  uid: string;
  csrf: string;
  world: {
    name: string;
    purpose: string;
    policyUri: string | null;
    tosUri: string | null;
    rules: Array<{ category: string; text: string }>;
  };
  claims: ConsentClaim[];
  /** Whether the world asks to stay signed in (offline_access: refresh tokens). */
  offline: boolean;
}

export function renderConsent(input: ConsentPageInput): string {
  const base = `/interaction/${encodeURIComponent(input.uid)}`;
  const claims = input.claims
    .map((c) => {
      const id = `claim-${c.name}`;
      // A required claim cannot be unticked; a disabled box is not submitted, so a hidden field carries it.
      const box = c.required
        ? `<input type="checkbox" id="${esc(id)}" checked disabled aria-describedby="${esc(id)}-why"><input type="hidden" name="claim:${esc(c.name)}" value="1">`
        : `<input type="checkbox" id="${esc(id)}" name="claim:${esc(c.name)}" value="1" checked aria-describedby="${esc(id)}-why">`;
      return `<div class="claim">${box} <label for="${esc(id)}">${esc(c.label)}${c.required ? ' (required)' : ''}</label><small id="${esc(id)}-why">${esc(c.description)}</small></div>`;
    })
    .join('\n');
  const links = [
    input.world.policyUri
      ? `<li><a href="${esc(input.world.policyUri)}" rel="noopener noreferrer">Privacy policy of ${esc(input.world.name)}</a></li>`
      : '',
    input.world.tosUri
      ? `<li><a href="${esc(input.world.tosUri)}" rel="noopener noreferrer">Terms of ${esc(input.world.name)}</a></li>`
      : '',
  ].join('');
  const rules = input.world.rules.length
    ? `<details><summary>Community rules of ${esc(input.world.name)}</summary><dl>${input.world.rules
        .map((r) => `<dt>${esc(r.category)}</dt><dd>${esc(r.text)}</dd>`)
        .join('')}</dl></details>`
    : '';
  const body = `<h1>${esc(input.world.name)} asks to know</h1>
<p><strong>Why:</strong> ${esc(input.world.purpose)}</p>
<form method="post" action="${esc(base)}/consent">
<input type="hidden" name="csrf" value="${esc(input.csrf)}">
<fieldset>
<legend>What ${esc(input.world.name)} receives</legend>
<div class="claim"><input type="checkbox" id="claim-sub" checked disabled aria-describedby="claim-sub-why"> <label for="claim-sub">A pseudonym for this world only (required)</label><small id="claim-sub-why">A random-looking identifier no other world sees; it does not reveal who you are.</small></div>
${claims}
</fieldset>
${input.offline ? `<p>${esc(input.world.name)} also asks to keep you signed in until you withdraw this consent.</p>` : ''}
<p>You can withdraw this consent at any time from your mvid account page.</p>
${links ? `<ul>${links}</ul>` : ''}
${rules}
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`;
  return page({ title: `Share with ${input.world.name}`, nonce: input.nonce, body });
}
