/** Server-rendered pages: no external assets, strict CSP with per-response nonces. */
export { html, joinHtml, SafeHtml, safeUrl, unsafeRaw } from './html.ts';
export type { HtmlValue } from './html.ts';
export { newNonce, page, pageCsp } from './layout.ts';
export type { PageOptions } from './layout.ts';
export { renderSignIn, renderConsent } from './interaction.ts';
export type { SignInPageInput, ConsentPageInput, ConsentClaim } from './interaction.ts';
export { renderErrorPage, renderLogoutPage, renderLogoutDone } from './oidc-pages.ts';
export { postButton, renderAccount, renderAccountClosed, renderCloseAccount, renderPasskeySetup } from './account.ts';
export type { AccountPageInput, AccountWorld } from './account.ts';
export { passkeyScript } from './passkey-script.ts';
export { renderAuthorityConsole, renderPersonDisclosures, renderTrusteeConsole } from './disclosure.ts';
export type { AuthorityConsoleInput, PersonDisclosuresPageInput, TransparencyCounts } from './disclosure.ts';
export { renderTransparencyReport, transparencyCsv } from './transparency.ts';
export type { DisclosureStatistics, TransparencyLogView, TransparencyPageInput, WorldModerationStatistics } from './transparency.ts';
export { renderOperatorConsole } from './operator.ts';
export { renderWallet } from './wallet.ts';
export type { WalletPageInput } from './wallet.ts';
export { webAsset } from './assets.ts';
export type { WebAsset } from './assets.ts';
export { renderHome } from './home.ts';
export type { HomePageInput } from './home.ts';
export { renderErrorCode, renderErrorIndex } from './errors.ts';
export type { ErrorCodePage } from './errors.ts';
export { accountModerationHtml, renderReportPage, renderSignInRefused, statementHtml } from './moderation.ts';
export type { AccountModerationInput, ReportPageInput, SignInRefusedInput, StatementForPage } from './moderation.ts';
export { renderEnrol, renderFirstPasskey, renderProblemPage, renderWalletRequest } from './enrol.ts';
export type { EnrolPageInput, ProblemPageInput } from './enrol.ts';
export { renderRecover, renderWalletQr } from './wallet-pages.ts';
export type { RecoverPageInput, WalletQrInput } from './wallet-pages.ts';
export {
  inlineEvidence,
  renderModerationAppeals,
  renderModerationCase,
  renderModerationQueue,
  renderModerationStatistics,
} from './moderation-console.ts';
export type {
  ModerationAppealsInput,
  ModerationCaseInput,
  ModerationQueueInput,
  ModerationWorldStatisticsInput,
} from './moderation-console.ts';
export { credentialsSection, kindLabel, renderCredentialOffer, renderPresentCredential } from './credentials.ts';
export type { CredentialRow, CredentialsSectionInput, VerifierRequestView } from './credentials.ts';
export { qrSvg } from './qr.ts';
export {
  CATALOGUES,
  chooseLang,
  DEFAULT_LANG,
  EN,
  formatList,
  formatNumber,
  formatWhen,
  isLang,
  LANGS,
  negotiateLanguage,
  plural,
  translator,
} from './i18n/index.ts';
export type { Lang, Messages, PluralForms, Translator } from './i18n/index.ts';
