/** Server-rendered pages: no external assets, strict CSP with per-response nonces. */
export { esc, newNonce, page, pageCsp } from './layout.ts';
export type { PageOptions } from './layout.ts';
export { renderSignIn, renderConsent } from './interaction.ts';
export type { SignInPageInput, ConsentPageInput, ConsentClaim } from './interaction.ts';
export { renderErrorPage, renderLogoutPage, renderLogoutDone } from './oidc-pages.ts';
export { renderAccount, renderPasskeySetup } from './account.ts';
export type { AccountPageInput } from './account.ts';
export { passkeyScript } from './passkey-script.ts';
export { renderPersonDisclosures, renderTransparencyReport, renderTrusteeConsole } from './disclosure.ts';
export type { PersonDisclosuresPageInput, TransparencyPageInput } from './disclosure.ts';
export { renderHome } from './home.ts';
export type { HomePageInput } from './home.ts';
export { accountModerationHtml, renderReportPage, renderSignInRefused, statementHtml } from './moderation.ts';
export type { AccountModerationInput, ReportPageInput, SignInRefusedInput, StatementForPage } from './moderation.ts';
