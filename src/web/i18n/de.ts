/**
 * The German catalogue (Deutsch, formal "Sie"). Declared `: Messages`, so it has exactly
 * English's keys with the same parameters; see en.ts and docs/i18n.md.
 */
import { html } from '../html.ts';
import type { Messages } from './en.ts';
import { plural } from './format.ts';

const n = (count: number, forms: { one: string; other: string }) => plural('de', count, forms);

export const de: Messages = {
  meta: {
    name: 'Deutsch',
  },
  layout: {
    languages: 'Sprache',
  },
  common: {
    passkeyNeedsScript: 'Passkeys brauchen JavaScript, um mit Ihrem Gerät zu sprechen; bitte aktivieren Sie es für diese Seite.',
    signInWithPasskey: 'Mit einem Passkey anmelden',
    addPasskey: 'Passkey hinzufügen',
    required: ' (erforderlich)',
    optional: ' (freiwillig)',
    backToAccount: 'Zurück zu Ihrem Konto',
    yourAccount: 'Ihr Konto',
  },
  passkeyScript: {
    unsupported: 'Dieser Browser kann keine Passkeys verwenden.',
    waiting: 'Warte auf Ihren Passkey …',
    done: 'Erledigt.',
    failed: 'Das hat nicht geklappt:',
  },
  signIn: {
    title: 'Anmelden',
    heading: (world) => `Melden Sie sich an, um zu ${world} weiterzugehen`,
    signedIn: 'Sie sind in diesem Browser bei mvid angemeldet.',
    continue: 'Weiter',
    orPasskey: 'Oder melden Sie sich erneut mit einem Passkey an:',
    howItWorks:
      'mvid meldet Sie mit einem Passkey an: Ihr Gerät prüft, dass Sie es sind (Fingerabdruck, Gesicht oder PIN). Es gibt kein Passwort.',
    cancel: (world) => `Abbrechen und zu ${world} zurückkehren`,
  },
  consent: {
    title: (world) => `Mit ${world} teilen`,
    heading: (world) => `${world} möchte Folgendes wissen`,
    why: 'Zweck:',
    receives: (world) => `Was ${world} erhält`,
    pseudonym: 'Ein Pseudonym nur für diese Welt',
    pseudonymWhy: 'Eine zufällig wirkende Kennung, die keine andere Welt sieht; sie verrät nicht, wer Sie sind.',
    offline: (world) => `${world} möchte Sie außerdem angemeldet halten, bis Sie diese Einwilligung widerrufen.`,
    withdraw: 'Sie können diese Einwilligung jederzeit auf Ihrer mvid-Kontoseite widerrufen.',
    privacyPolicy: (world) => `Datenschutzerklärung von ${world}`,
    terms: (world) => `Nutzungsbedingungen von ${world}`,
    rules: (world) => `Gemeinschaftsregeln von ${world}`,
    allow: 'Erlauben',
    deny: 'Ablehnen',
  },
  claims: {
    age_over_13: { label: 'Über 13', description: 'Ob Sie mindestens 13 Jahre alt sind (nicht Ihr Geburtsdatum).' },
    age_over_16: { label: 'Über 16', description: 'Ob Sie mindestens 16 Jahre alt sind (nicht Ihr Geburtsdatum).' },
    age_over_18: { label: 'Über 18', description: 'Ob Sie mindestens 18 Jahre alt sind (nicht Ihr Geburtsdatum).' },
    age_over_21: { label: 'Über 21', description: 'Ob Sie mindestens 21 Jahre alt sind (nicht Ihr Geburtsdatum).' },
    handle: { label: 'Anzeigename', description: 'Der Name, den Sie für diese Welt gewählt haben.' },
    trust_level: { label: 'Vertrauensstufe', description: 'Ihr Ansehen nur in dieser Welt (neu, etabliert, …).' },
    occupation: { label: 'Beruf', description: 'Ein Beruf, bestätigt von einer registrierten ausstellenden Stelle.' },
    residence_country: { label: 'Wohnsitzland', description: 'Das Land, in dem Sie wohnen (ISO 3166-1 alpha-2).' },
  },
  oidc: {
    errorTitle: 'Anmeldefehler',
    errorHeading: 'Diese Anmeldung kann nicht fortgesetzt werden',
    errorFallback: 'Die Anfrage war nicht gültig.',
    errorCode: (code) =>
      html`Fehlercode: <code>${code}</code>. Gehen Sie zurück zu der Welt, von der Sie kamen, und versuchen Sie es erneut.`,
    logoutTitle: 'Abmelden',
    logoutHeading: (world) => (world ? `Von ${world} abmelden?` : 'Abmelden?'),
    logoutYes: 'Ja, bei mvid abmelden',
    logoutNo: 'Nein, angemeldet bleiben',
    loggedOutTitle: 'Abgemeldet',
    loggedOut: (world) => (world ? `Sie sind von ${world} abgemeldet.` : 'Sie sind abgemeldet.'),
  },
  home: {
    title: 'Startseite',
    intro: html`Eine überprüfbare Identität pro Person über virtuelle Welten hinweg — standardmäßig nicht verknüpfbar,
verantwortlich ohne Überwachung. Jede Welt sieht nur ein eigenes Pseudonym und die
Merkmale, deren Weitergabe Sie zustimmen (etwa <em>über 18</em>, nie ein Geburtsdatum).`,
    people: 'Menschen',
    enrol: html`<a href="/account/enrol">Ihre Identität anlegen</a>: einmalig, aus Ihrer Identitäts-Wallet (oder mit einer Entwicklungs-PID auf einem Entwicklungsserver), danach ein Passkey.`,
    account: html`<a href="/account">Ihr Konto</a>: Ihre Passkeys, die Welten, die Sie nutzen, was jede erhalten hat, und jede Offenlegung über Sie, sobald ihre gesetzliche Frist abgelaufen ist.`,
    wallet: html`<a href="/wallet">Ihre Wallet für die blinde Anmeldung</a>: bei Welten anmelden mit einem Beweis, der in Ihrem Browser entsteht, ohne dass mvid sieht, wohin Sie gehen.`,
    worlds: 'Welten',
    discovery: (url) =>
      html`OpenID-Connect-Discovery: <a href="/oidc/.well-known/openid-configuration"><code>${url}/oidc/.well-known/openid-configuration</code></a> (nur paarweise Kennungen, PKCE erforderlich).`,
    issuer: html`Metadaten des Nachweis-Ausstellers: <a href="/.well-known/openid-credential-issuer">OpenID4VCI</a> und <a href="/.well-known/jwt-vc-issuer">Schlüssel des JWT-VC-Ausstellers</a>.`,
    api: html`Die HTTP-API: <a href="/openapi.json">OpenAPI-3.1-Dokument</a>.`,
    auditors: 'Prüfer',
    log: (size, url) =>
      html`Das öffentliche Transparenzprotokoll: <a href="/log/checkpoint">neuester signierter Checkpoint</a>${size !== undefined && ` (${n(size, { one: '# Eintrag', other: '# Einträge' })})`}, Kacheln unter <code>/log/tile/</code>; prüfen Sie es mit <code>mvid log verify --url ${url}</code>.`,
    transparency: html`Der <a href="/transparency">Transparenzbericht</a>: das Wachstum des Protokolls, Anfragen auf rechtmäßige Offenlegung und die Moderationszahlen jeder Welt — aus dem Protokoll nachrechenbar und in Ihrem Browser überprüfbar.`,
    others: 'Treuhänder, Behörden und Betreiber',
    trustee: html`<a href="/disclosure/trustee">Treuhänder-Konsole</a>: eine Offenlegungsanfrage am Protokoll prüfen und genehmigen oder ablehnen; Ihre Anteilsdatei verlässt Ihren Browser nie.`,
    authority: html`<a href="/disclosure/authority">Behörden-Konsole</a>: eine gerichtlich angeordnete Anfrage stellen und eine Freigabe mit Ihrem eigenen Schlüssel entschlüsseln, in Ihrem Browser.`,
    operator: html`<a href="/admin">Betreiber-Konsole</a>: Welten, Aussteller, Treuhänder-Gruppen und Behörden (Admin-Token).`,
    footer: (version, engine) =>
      html`mvid ${version} · Speicher: ${engine} · <a href="/healthz">Zustand</a> · <a href="/readyz">Bereitschaft</a>`,
  },
  wallet: {
    title: 'Ihre Wallet für die blinde Anmeldung',
    intro:
      'Melden Sie sich bei Welten an, ohne dass mvid es sieht: Diese Seite bewahrt kurzlebige Nachweise in diesem Browser auf und zeigt einer Welt nur einen Beweis mit Ihrem Pseudonym dort und dem, was sie erfragt. Der Beweis entsteht hier, in Ihrem Browser; mvid erhält nichts, wenn Sie ihn verwenden.',
    needsScript: 'Die Wallet braucht JavaScript: Sie erzeugt den Beweis in Ihrem Browser.',
    credentials: 'Nachweise in diesem Browser',
    none: 'Noch keine.',
    validUntil: (until) => `Ein Nachweis, gültig bis ${until}.`,
    refresh: 'Neue Nachweise holen',
    refreshing: 'Nachweise werden geholt und geprüft …',
    refreshed: 'Mit dem unten stehenden Schlüssel geprüft und in diesem Browser gespeichert.',
    refused:
      'mvid hat einen Nachweis gesandt, der sich nicht mit seinem veröffentlichten Schlüssel prüfen lässt; nichts wurde gespeichert.',
    signInFirst: html`Melden Sie sich bei <a href="/account">Ihrem Konto</a> an, um Nachweise zu erhalten.`,
    key: 'Ausstellerschlüssel, gegen den diese Wallet prüft',
    request: 'Eine Welt bittet um Anmeldung',
    asks: (world) => `${world} bittet Sie, sich mit Ihrem blinden Pseudonym dort anzumelden.`,
    disclose: 'Sie sieht nur:',
    nothing: 'nichts außer Ihrem Pseudonym in dieser Welt',
    present: 'Anmelden',
    cancel: 'Abbrechen',
    presenting: 'Der Beweis entsteht in Ihrem Browser …',
    unknownWorld:
      'Diese Anfrage stammt nicht von einer bei mvid registrierten Welt, oder ihre Rücksprungadresse gehört nicht der Welt: Es wurde nichts gezeigt.',
    noCredential: 'Kein Nachweis in diesem Browser ist heute gültig: Holen Sie zuerst neue Nachweise.',
    badRequest: 'Diese Anmeldeanfrage ist nicht lesbar.',
  },
};
