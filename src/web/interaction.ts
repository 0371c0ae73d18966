/** The sign-in and consent pages of an OpenID Connect interaction. */
import { html, safeUrl } from './html.ts';
import { page } from './layout.ts';
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
  const cont =
    input.signedIn &&
    html`<form method="post" action="${base}/continue">
<input type="hidden" name="csrf" value="${input.csrf}">
<p>You are signed in to mvid in this browser.</p>
<button class="primary" type="submit">Continue</button>
</form>
<p>Or sign in again with a passkey:</p>`;
  const body = html`<h1>Sign in to continue to ${input.worldName}</h1>
${input.error && html`<p class="error" role="alert">${input.error}</p>`}
<p>mvid signs you in with a passkey: your device checks it is you (fingerprint, face or PIN). There is no password.</p>
${cont}
<button class="primary" type="button" id="passkey" data-csrf="${input.csrf}" data-options="${base}/passkey/options" data-verify="${base}/passkey">Sign in with a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p>Passkeys need JavaScript to talk to your device; please enable it for this page.</p></noscript>
<form method="post" action="${base}/abort">
<input type="hidden" name="csrf" value="${input.csrf}">
<button type="submit">Cancel and return to ${input.worldName}</button>
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
  const claims = input.claims.map((c) => {
    const id = `claim-${c.name}`;
    // A required claim cannot be unticked; a disabled box is not submitted, so a hidden field carries it.
    const box = c.required
      ? html`<input type="checkbox" id="${id}" checked disabled aria-describedby="${id}-why"><input type="hidden" name="claim:${c.name}" value="1">`
      : html`<input type="checkbox" id="${id}" name="claim:${c.name}" value="1" checked aria-describedby="${id}-why">`;
    return html`<div class="claim">${box} <label for="${id}">${c.label}${c.required && ' (required)'}</label><small id="${id}-why">${c.description}</small></div>\n`;
  });
  const { world } = input;
  const links = [
    world.policyUri && html`<li><a href="${safeUrl(world.policyUri)}" rel="noopener noreferrer">Privacy policy of ${world.name}</a></li>`,
    world.tosUri && html`<li><a href="${safeUrl(world.tosUri)}" rel="noopener noreferrer">Terms of ${world.name}</a></li>`,
  ].filter((l) => l !== null && l !== '');
  const rules =
    world.rules.length > 0 &&
    html`<details><summary>Community rules of ${world.name}</summary><dl>${world.rules.map(
      (r) => html`<dt>${r.category}</dt><dd>${r.text}</dd>`,
    )}</dl></details>`;
  const body = html`<h1>${world.name} asks to know</h1>
<p><strong>Why:</strong> ${world.purpose}</p>
<form method="post" action="${base}/consent">
<input type="hidden" name="csrf" value="${input.csrf}">
<fieldset>
<legend>What ${world.name} receives</legend>
<div class="claim"><input type="checkbox" id="claim-sub" checked disabled aria-describedby="claim-sub-why"> <label for="claim-sub">A pseudonym for this world only (required)</label><small id="claim-sub-why">A random-looking identifier no other world sees; it does not reveal who you are.</small></div>
${claims}</fieldset>
${input.offline && html`<p>${world.name} also asks to keep you signed in until you withdraw this consent.</p>`}
<p>You can withdraw this consent at any time from your mvid account page.</p>
${links.length > 0 && html`<ul>${links}</ul>`}
${rules}
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`;
  return page({ title: `Share with ${world.name}`, nonce: input.nonce, body });
}
