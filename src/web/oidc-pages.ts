/** Pages oidc-provider renders through mvid: protocol errors and RP-initiated logout. */
import { html, unsafeRaw } from './html.ts';
import { page } from './layout.ts';

export function renderErrorPage(input: { nonce: string; error: string; description: string }): string {
  const body = html`<h1>This sign-in cannot continue</h1>
<p role="alert">${input.description || 'The request was not valid.'}</p>
<p>Error code: <code>${input.error}</code>. Go back to the world you came from and try again.</p>`;
  return page({ title: 'Sign-in error', nonce: input.nonce, body });
}

/**
 * `form` is oidc-provider's own logout form (with its CSRF field), markup the library
 * builds and escapes itself; the buttons submit it.
 */
export function renderLogoutPage(input: { nonce: string; form: string; clientName?: string | undefined }): string {
  const body = html`<h1>Sign out${input.clientName && html` of ${input.clientName}`}?</h1>
${unsafeRaw(input.form)}
<button class="primary" type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out of mvid</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`;
  return page({ title: 'Sign out', nonce: input.nonce, body });
}

export function renderLogoutDone(input: { nonce: string; clientName?: string | undefined }): string {
  const body = html`<h1>Signed out</h1><p>You are signed out${input.clientName && html` of ${input.clientName}`}.</p>`;
  return page({ title: 'Signed out', nonce: input.nonce, body });
}
