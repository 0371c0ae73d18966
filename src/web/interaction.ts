/** The sign-in and consent pages of an OpenID Connect interaction. */
import { html, safeUrl } from './html.ts';
import type { Translator } from './i18n/index.ts';
import { page } from './layout.ts';
import { passkeyButton, passkeyScript } from './passkey-script.ts';

export interface SignInPageInput {
  t: Translator;
  nonce: string;
  uid: string;
  csrf: string;
  worldName: string;
  /** Whether the browser already holds an mvid session (offer to continue with it). */
  signedIn: boolean;
  error?: string;
}

export function renderSignIn(input: SignInPageInput): string {
  const { t } = input;
  const m = t.m.signIn;
  const base = `/interaction/${encodeURIComponent(input.uid)}`;
  const cont =
    input.signedIn &&
    html`<form method="post" action="${base}/continue">
<input type="hidden" name="csrf" value="${input.csrf}">
<p>${m.signedIn}</p>
<button class="primary" type="submit">${m.continue}</button>
</form>
<p>${m.orPasskey}</p>`;
  const body = html`<h1>${m.heading(input.worldName)}</h1>
${input.error && html`<p class="error" role="alert">${input.error}</p>`}
<p>${m.howItWorks}</p>
${cont}
${passkeyButton(t, { csrf: input.csrf, options: `${base}/passkey/options`, verify: `${base}/passkey`, label: t.m.common.signInWithPasskey, primary: true })}
<noscript><p>${t.m.common.passkeyNeedsScript}</p></noscript>
<form method="post" action="${base}/abort">
<input type="hidden" name="csrf" value="${input.csrf}">
<button type="submit">${m.cancel(input.worldName)}</button>
</form>`;
  return page({ t, title: m.title, nonce: input.nonce, body, script: passkeyScript('get') });
}

export interface ConsentClaim {
  name: string;
  label: string;
  description: string;
  required: boolean;
}

export interface ConsentPageInput {
  t: Translator;
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
  /** The claims asked for, labelled and described in the reader's language (`t.m.claims`). */
  claims: ConsentClaim[];
  /** Whether the world asks to stay signed in (offline_access: refresh tokens). */
  offline: boolean;
}

export function renderConsent(input: ConsentPageInput): string {
  const { t } = input;
  const m = t.m.consent;
  const base = `/interaction/${encodeURIComponent(input.uid)}`;
  const claims = input.claims.map((c) => {
    const id = `claim-${c.name}`;
    // A required claim cannot be unticked; a disabled box is not submitted, so a hidden field carries it.
    const box = c.required
      ? html`<input type="checkbox" id="${id}" checked disabled aria-describedby="${id}-why"><input type="hidden" name="claim:${c.name}" value="1">`
      : html`<input type="checkbox" id="${id}" name="claim:${c.name}" value="1" checked aria-describedby="${id}-why">`;
    return html`<div class="claim">${box} <label for="${id}">${c.label}${c.required && t.m.common.required}</label><small id="${id}-why">${c.description}</small></div>\n`;
  });
  const { world } = input;
  const links = [
    world.policyUri && html`<li><a href="${safeUrl(world.policyUri)}" rel="noopener noreferrer">${m.privacyPolicy(world.name)}</a></li>`,
    world.tosUri && html`<li><a href="${safeUrl(world.tosUri)}" rel="noopener noreferrer">${m.terms(world.name)}</a></li>`,
  ].filter((l) => l !== null && l !== '');
  const rules =
    world.rules.length > 0 &&
    html`<details><summary>${m.rules(world.name)}</summary><dl>${world.rules.map((r) => html`<dt>${r.category}</dt><dd>${r.text}</dd>`)}</dl></details>`;
  const body = html`<h1>${m.heading(world.name)}</h1>
<p><strong>${m.why}</strong> ${world.purpose}</p>
<form method="post" action="${base}/consent">
<input type="hidden" name="csrf" value="${input.csrf}">
<fieldset>
<legend>${m.receives(world.name)}</legend>
<div class="claim"><input type="checkbox" id="claim-sub" checked disabled aria-describedby="claim-sub-why"> <label for="claim-sub">${m.pseudonym}${t.m.common.required}</label><small id="claim-sub-why">${m.pseudonymWhy}</small></div>
${claims}</fieldset>
${input.offline && html`<p>${m.offline(world.name)}</p>`}
<p>${m.withdraw}</p>
${links.length > 0 && html`<ul>${links}</ul>`}
${rules}
<button class="primary" type="submit" name="decision" value="allow">${m.allow}</button>
<button type="submit" name="decision" value="deny">${m.deny}</button>
</form>`;
  return page({ t, title: m.title(world.name), nonce: input.nonce, body });
}
