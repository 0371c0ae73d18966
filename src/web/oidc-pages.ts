/** Pages oidc-provider renders through mvid: protocol errors and RP-initiated logout. */
import { html, unsafeRaw } from './html.ts';
import type { Translator } from './i18n/index.ts';
import { page } from './layout.ts';

export function renderErrorPage(input: { t: Translator; nonce: string; error: string; description: string }): string {
  const { t } = input;
  const m = t.m.oidc;
  const body = html`<h1>${m.errorHeading}</h1>
<p role="alert">${input.description || m.errorFallback}</p>
<p>${m.errorCode(input.error)}</p>`;
  return page({ t, title: m.errorTitle, nonce: input.nonce, body });
}

/**
 * `form` is oidc-provider's own logout form (with its CSRF field), markup the library
 * builds and escapes itself; the buttons submit it.
 */
export function renderLogoutPage(input: { t: Translator; nonce: string; form: string; clientName?: string | undefined }): string {
  const { t } = input;
  const m = t.m.oidc;
  const body = html`<h1>${m.logoutHeading(input.clientName)}</h1>
${unsafeRaw(input.form)}
<button class="primary" type="submit" form="op.logoutForm" value="yes" name="logout">${m.logoutYes}</button>
<button type="submit" form="op.logoutForm">${m.logoutNo}</button>`;
  return page({ t, title: m.logoutTitle, nonce: input.nonce, body });
}

export function renderLogoutDone(input: { t: Translator; nonce: string; clientName?: string | undefined }): string {
  const { t } = input;
  const body = html`<h1>${t.m.oidc.loggedOutTitle}</h1><p>${t.m.oidc.loggedOut(input.clientName)}</p>`;
  return page({ t, title: t.m.oidc.loggedOutTitle, nonce: input.nonce, body });
}
