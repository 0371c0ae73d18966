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
  /** "My credentials" in the portal (src/web/credentials.ts). */
  credentials: {
    heading: 'My credentials',
    intro:
      'Credentials mvid issued to your wallet. mvid keeps no copy, only what it needs to revoke one: its kind, expiry and a fingerprint. Each copy you show a world is unlinkable to the others.',
    none: 'mvid has not issued you any credential yet.',
    valid: (until: string) => `Valid — valid until ${until}`,
    expired: (at: string) => `Expired — expired ${at}`,
    revoked: (at: string, why: string) => `Revoked — revoked ${at} ${why}`,
    reasons: {
      holder: 'by you',
      recovered: 'when you recovered your account (it was bound to your old wallet)',
      closed: 'when the account was closed',
      closed_during_issuance: 'when the account was closed',
      issuer_request: 'at the request of the body that attests it',
      admin: 'by the operator',
    } as Record<string, string>,
    fingerprint: 'fingerprint',
    revoke: (label: string, fingerprint: string) => `Revoke ${label} ${fingerprint}`,
    reissue: (label: string) => `Re-issue to my wallet: ${label}`,
    attributeOnly: 'To re-issue it, present the issuing body’s own credential to mvid again from your wallet.',
    kindLabel: 'Credential',
    getButton: 'Create a wallet offer',
    presentLink: 'Show a credential to a verifier',
    kinds: { age: 'Age', personhood: 'Personhood', residence: 'Residence', occupation: 'Occupation', membership: 'Membership' } as Record<
      string,
      string
    >,
  },
  credentialOffer: {
    title: 'Add the credential to your wallet',
    scan: 'Scan this code with the wallet on your phone',
    open: 'Open my wallet on this device',
    code: (code: string) =>
      html`Your wallet asks for a transaction code: type <strong id="tx-code">${code}</strong>. It is shown only here, never put in the offer, so an offer seen by someone else is useless to them.`,
    expires: (at: string) => `The offer works once, until ${at}.`,
  },
  presentCredential: {
    title: 'Show a credential to a verifier',
    intro:
      'A verifier (a world, a venue) shows you a request link or QR code. Paste its link here to see who asks for what, then open it in your wallet on this device or scan it with your phone’s wallet.',
    label: 'The verifier’s request link',
    hint: 'It starts with openid4vp://',
    check: 'Check the request',
    asks: (verifier: string) => `${verifier} asks for`,
    unregistered: 'This verifier is not a world registered with mvid: make sure you know who it is.',
    registered: 'A world registered with mvid.',
    byReference: 'The request is fetched by your wallet, so mvid cannot show what it asks for: your wallet will.',
    held: 'you hold a valid one',
    notHeld: 'you hold no valid one: get one first',
    others: 'Also asks for credentials mvid does not issue:',
    scan: 'Scan this code with the wallet on your phone',
    open: 'Open my wallet on this device',
    after: 'Your wallet shows what the verifier asks for and lets you choose; it answers the verifier directly, mvid does not see it.',
  },
  /** Account recovery (src/web/wallet-pages.ts). */
  recover: {
    title: 'Recover your account',
    heading: 'Recover your mvid account',
    intro: html`Lost your passkeys? Prove who you are again with the <strong>PID</strong> in your identity wallet: if it is the same person, mvid gives your account back.`,
    devNotice: html`<strong>Development mode.</strong> This server issues a development PID for what you type. Recovery finds your account by the <em>development identifier</em> you chose when you enrolled, as a real PID's identifier would.`,
    does: 'Recovery:',
    endsSessions: 'ends every session of yours, here and at every world (you sign in again);',
    removesPasskeys: 'removes your old passkeys: you add a new one;',
    revokesCredentials: 'revokes the credentials issued to your old wallet;',
    keepsPseudonyms:
      'seals your identity again for the trustees; worlds keep knowing you by the same pseudonym, and what they decided about you stays.',
    presentWallet: 'Present my PID from my wallet',
    sameDeviceOnly:
      'Recovery works with a wallet on this device only: a code to scan could be shown to you by someone who wants your account.',
    devId: 'Development identifier',
    devIdHint: 'The one you chose when you enrolled.',
    givenName: 'Given name',
    familyName: 'Family name',
    birthdate: 'Date of birth',
    nationality: 'Nationality',
    nationalityHint: 'Two-letter country code, such as FR or SE.',
    submit: 'Recover my account',
    haveWallet: html`Have an identity wallet? <a href="/account/recover/wallet">Present a PID from your wallet</a> instead.`,
    back: 'Back to sign-in',
    checkForm: (why: string) => `Please check the form: ${why}.`,
    noMatch: 'no account matches this identity',
  },
  /** Enrolment with a wallet on another device (src/web/wallet-pages.ts). */
  walletQr: {
    title: 'Scan with your wallet',
    intro:
      'Open the identity wallet on your phone and scan this code. It asks you to share your person identification data with this mvid; this page goes on by itself once you agreed.',
    qrLabel: 'QR code of the request for your wallet',
    asText: 'Cannot scan? The request as text',
    refused: (error: string) => html`Your wallet's PID was refused (${error}). <a href="/account/enrol/wallet/qr?new=1">Start again</a>.`,
    answered: 'Your wallet answered. Continue to add your first passkey.',
    continuing: 'Your wallet answered. Continuing…',
    notYet: 'No answer from your wallet yet.',
    waiting: 'Waiting for your wallet…',
    continue: 'Continue',
    checkAgain: 'Check again',
    warning: html`<strong>Scan only a code you opened yourself, on this mvid.</strong> Whoever shows you a code gets the identity your wallet creates with it.`,
    validUntil: (at: string) =>
      html`The code is valid until ${at}. <a href="/account/enrol/wallet">Use a wallet on this device instead</a>.`,
  },
};

/** The shape every catalogue has: English's keys, with the same parameters. */
export type Messages = typeof en;
