/**
 * The English catalogue: the source of truth for every text a page shows. Its type is
 * `Messages`; every other catalogue is declared `: Messages`, so a missing or an extra
 * key, or a message taking other parameters, fails `tsc`. A message is a string, or a
 * function of typed parameters returning a string (for titles and attributes) or a
 * fragment built with the auto-escaping `html` template (for text with markup), so
 * parameters are escaped like any other interpolated value. Counts go through `plural`,
 * dates and numbers are formatted by the page's Translator before they get here.
 * How to add a string or a language: docs/i18n.md.
 */
import { html } from '../html.ts';
import { plural } from './format.ts';

const n = (count: number, forms: { one: string; other: string }) => plural('en', count, forms);

export const en = {
  meta: {
    /** The language's own name, as the switcher shows it. */
    name: 'English',
  },
  layout: {
    languages: 'Language',
  },
  common: {
    passkeyNeedsScript: 'Passkeys need JavaScript to talk to your device; please enable it for this page.',
    signInWithPasskey: 'Sign in with a passkey',
    addPasskey: 'Add a passkey',
    required: ' (required)',
    optional: ' (optional)',
    backToAccount: 'Back to your account',
    yourAccount: 'Your account',
  },
  /** The passkey ceremony's messages, read by its script from the page. */
  passkeyScript: {
    unsupported: 'This browser cannot use passkeys.',
    waiting: 'Waiting for your passkey…',
    done: 'Done.',
    failed: 'That did not work:',
  },
  signIn: {
    title: 'Sign in',
    heading: (world: string) => `Sign in to continue to ${world}`,
    signedIn: 'You are signed in to mvid in this browser.',
    continue: 'Continue',
    orPasskey: 'Or sign in again with a passkey:',
    howItWorks: 'mvid signs you in with a passkey: your device checks it is you (fingerprint, face or PIN). There is no password.',
    cancel: (world: string) => `Cancel and return to ${world}`,
  },
  consent: {
    title: (world: string) => `Share with ${world}`,
    heading: (world: string) => `${world} asks to know`,
    why: 'Why:',
    receives: (world: string) => `What ${world} receives`,
    pseudonym: 'A pseudonym for this world only',
    pseudonymWhy: 'A random-looking identifier no other world sees; it does not reveal who you are.',
    offline: (world: string) => `${world} also asks to keep you signed in until you withdraw this consent.`,
    withdraw: 'You can withdraw this consent at any time from your mvid account page.',
    privacyPolicy: (world: string) => `Privacy policy of ${world}`,
    terms: (world: string) => `Terms of ${world}`,
    rules: (world: string) => `Community rules of ${world}`,
    allow: 'Allow',
    deny: 'Deny',
  },
  /** What each claim a world may request is called, and what it tells the world. */
  claims: {
    age_over_13: { label: 'Over 13', description: 'Whether you are at least 13 years old (not your birthdate).' },
    age_over_16: { label: 'Over 16', description: 'Whether you are at least 16 years old (not your birthdate).' },
    age_over_18: { label: 'Over 18', description: 'Whether you are at least 18 years old (not your birthdate).' },
    age_over_21: { label: 'Over 21', description: 'Whether you are at least 21 years old (not your birthdate).' },
    handle: { label: 'Handle', description: 'The display name you chose for this world.' },
    trust_level: { label: 'Trust level', description: 'Your standing in this world only (new, established, …).' },
    occupation: { label: 'Occupation', description: 'An occupation attested by a registered issuing body.' },
    residence_country: { label: 'Country of residence', description: 'The country you reside in (ISO 3166-1 alpha-2).' },
  },
  oidc: {
    errorTitle: 'Sign-in error',
    errorHeading: 'This sign-in cannot continue',
    errorFallback: 'The request was not valid.',
    errorCode: (code: string) => html`Error code: <code>${code}</code>. Go back to the world you came from and try again.`,
    logoutTitle: 'Sign out',
    logoutHeading: (world: string | undefined) => (world ? `Sign out of ${world}?` : 'Sign out?'),
    logoutYes: 'Yes, sign me out of mvid',
    logoutNo: 'No, stay signed in',
    loggedOutTitle: 'Signed out',
    loggedOut: (world: string | undefined) => (world ? `You are signed out of ${world}.` : 'You are signed out.'),
  },
  home: {
    title: 'Home',
    intro: html`One verifiable identity per person across virtual worlds — unlinkable by default,
accountable without surveillance. Each world sees only a pseudonym of its own and the
attributes you agree to show (such as <em>over 18</em>, never a birthdate).`,
    people: 'People',
    enrol: html`<a href="/account/enrol">Create your identity</a>: once, from your identity wallet (or a development PID on a development server), then a passkey.`,
    account: html`<a href="/account">Your account</a>: your passkeys, the worlds you use, what each received, and any disclosure about you once its legal delay has ended.`,
    wallet: html`<a href="/wallet">Your blind sign-in wallet</a>: sign in to worlds with a proof made in your browser, without mvid seeing where you go.`,
    worlds: 'Worlds',
    discovery: (url: string) =>
      html`OpenID Connect discovery: <a href="/oidc/.well-known/openid-configuration"><code>${url}/oidc/.well-known/openid-configuration</code></a> (pairwise subjects only, PKCE required).`,
    issuer: html`Credential issuer metadata: <a href="/.well-known/openid-credential-issuer">OpenID4VCI</a> and <a href="/.well-known/jwt-vc-issuer">JWT VC issuer keys</a>.`,
    api: html`The HTTP API: <a href="/openapi.json">OpenAPI 3.1 document</a>.`,
    auditors: 'Auditors',
    log: (size: number | undefined, url: string) =>
      html`The public transparency log: <a href="/log/checkpoint">latest signed checkpoint</a>${size !== undefined && ` (${n(size, { one: '# entry', other: '# entries' })})`}, tiles under <code>/log/tile/</code>; verify it with <code>mvid log verify --url ${url}</code>.`,
    transparency: html`The <a href="/transparency">transparency report</a>: the log's growth, lawful disclosure requests and each world's moderation figures, recomputable from the log and verifiable in your browser.`,
    others: 'Trustees, authorities and operators',
    trustee: html`<a href="/disclosure/trustee">Trustee console</a>: review a disclosure request against the log and approve or deny it; your share file never leaves your browser.`,
    authority: html`<a href="/disclosure/authority">Authority console</a>: file a court-ordered request and decrypt a release with your own key, in your browser.`,
    operator: html`<a href="/admin">Operator console</a>: worlds, issuers, trustee sets and authorities (admin token).`,
    footer: (version: string, engine: string) =>
      html`mvid ${version} · storage: ${engine} · <a href="/healthz">health</a> · <a href="/readyz">readiness</a>`,
  },
  wallet: {
    title: 'Your blind sign-in wallet',
    intro:
      'Sign in to worlds without mvid seeing it: this page keeps short-lived credentials in this browser and shows a world only a proof with its own pseudonym for you and what it asks for. The proof is made here, in your browser; mvid receives nothing when you use it.',
    needsScript: 'The wallet needs JavaScript: it makes the proof in your browser.',
    credentials: 'Credentials in this browser',
    none: 'None yet.',
    /** Said of one credential (the wallet's script fills in the date). */
    validUntil: (until: string) => `A credential valid until ${until}.`,
    refresh: 'Get fresh credentials',
    refreshing: 'Fetching and checking credentials…',
    refreshed: 'Checked against the key below and stored in this browser.',
    refused: 'mvid sent a credential that does not check against its published key; nothing was stored.',
    signInFirst: html`Sign in to <a href="/account">your account</a> to get credentials.`,
    key: 'Issuer key this wallet checks against',
    request: 'A world asks you to sign in',
    asks: (world: string) => `${world} asks you to sign in with your blind pseudonym there.`,
    disclose: 'It will see only:',
    nothing: 'nothing but your pseudonym in this world',
    present: 'Sign in',
    cancel: 'Cancel',
    presenting: 'Making the proof in your browser…',
    unknownWorld:
      'This request does not come from a world registered with mvid, or its return address is not the world’s: nothing was shown.',
    noCredential: 'No credential in this browser is valid today: get fresh credentials first.',
    badRequest: 'This sign-in request cannot be read.',
  },
};

/** The shape every catalogue has: English's keys, with the same parameters. */
export type Messages = typeof en;
