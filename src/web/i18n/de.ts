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
  credentials: {
    heading: 'Meine Nachweise',
    intro:
      'Nachweise, die mvid an Ihre Wallet ausgestellt hat. mvid behält keine Kopie, nur was es zum Widerrufen braucht: Art, Ablauf und einen Fingerabdruck. Jede Kopie, die Sie einer Welt zeigen, ist mit den anderen nicht verknüpfbar.',
    none: 'mvid hat Ihnen noch keinen Nachweis ausgestellt.',
    valid: (until: string) => `Gültig — gültig bis ${until}`,
    expired: (at: string) => `Abgelaufen — abgelaufen am ${at}`,
    revoked: (at: string, why: string) => `Widerrufen — widerrufen am ${at} ${why}`,
    reasons: {
      holder: 'von Ihnen',
      recovered: 'bei der Wiederherstellung Ihres Kontos (er war an Ihre alte Wallet gebunden)',
      closed: 'bei der Schließung des Kontos',
      closed_during_issuance: 'bei der Schließung des Kontos',
      issuer_request: 'auf Verlangen der Stelle, die ihn bescheinigt',
      admin: 'vom Betreiber',
    } as Record<string, string>,
    fingerprint: 'Fingerabdruck',
    revoke: (label: string, fingerprint: string) => `${label} ${fingerprint} widerrufen`,
    reissue: (label: string) => `Erneut an meine Wallet ausstellen: ${label}`,
    attributeOnly: 'Um ihn erneut auszustellen, legen Sie mvid den Nachweis der ausstellenden Stelle erneut aus Ihrer Wallet vor.',
    kindLabel: 'Nachweis',
    getButton: 'Angebot für die Wallet erstellen',
    presentLink: 'Einen Nachweis einer prüfenden Stelle zeigen',
    kinds: { age: 'Alter', personhood: 'Menschsein', residence: 'Wohnsitz', occupation: 'Beruf', membership: 'Mitgliedschaft' } as Record<
      string,
      string
    >,
  },
  credentialOffer: {
    title: 'Den Nachweis in Ihre Wallet aufnehmen',
    scan: 'Scannen Sie diesen Code mit der Wallet auf Ihrem Telefon',
    open: 'Meine Wallet auf diesem Gerät öffnen',
    code: (code: string) =>
      html`Ihre Wallet fragt nach einem Transaktionscode: Geben Sie <strong id="tx-code">${code}</strong> ein. Er wird nur hier gezeigt und steht nie im Angebot, sodass ein Angebot, das jemand anderes sieht, für ihn nutzlos ist.`,
    expires: (at: string) => `Das Angebot gilt einmal, bis ${at}.`,
  },
  presentCredential: {
    title: 'Einen Nachweis einer prüfenden Stelle zeigen',
    intro:
      'Eine prüfende Stelle (eine Welt, ein Veranstaltungsort) zeigt Ihnen einen Anfragelink oder QR-Code. Fügen Sie den Link hier ein, um zu sehen, wer was verlangt; öffnen Sie ihn dann in Ihrer Wallet auf diesem Gerät oder scannen Sie ihn mit der Wallet Ihres Telefons.',
    label: 'Der Anfragelink der prüfenden Stelle',
    hint: 'Er beginnt mit openid4vp://',
    check: 'Anfrage prüfen',
    asks: (verifier: string) => `${verifier} verlangt`,
    unregistered: 'Diese prüfende Stelle ist keine bei mvid registrierte Welt: Vergewissern Sie sich, wer sie ist.',
    registered: 'Eine bei mvid registrierte Welt.',
    byReference: 'Die Anfrage wird von Ihrer Wallet abgerufen, daher kann mvid nicht zeigen, was sie verlangt: Ihre Wallet zeigt es.',
    held: 'Sie besitzen einen gültigen',
    notHeld: 'Sie besitzen keinen gültigen: Holen Sie sich zuerst einen',
    others: 'Verlangt außerdem Nachweise, die mvid nicht ausstellt:',
    scan: 'Scannen Sie diesen Code mit der Wallet auf Ihrem Telefon',
    open: 'Meine Wallet auf diesem Gerät öffnen',
    after:
      'Ihre Wallet zeigt, was die prüfende Stelle verlangt, und lässt Sie wählen; sie antwortet der prüfenden Stelle direkt, mvid sieht die Antwort nicht.',
  },
  recover: {
    title: 'Konto wiederherstellen',
    heading: 'Ihr mvid-Konto wiederherstellen',
    intro: html`Passkeys verloren? Weisen Sie mit den <strong>Personenidentifizierungsdaten (PID)</strong> in Ihrer Identitäts-Wallet erneut nach, wer Sie sind: Ist es dieselbe Person, gibt mvid Ihnen Ihr Konto zurück.`,
    devNotice: html`<strong>Entwicklungsmodus.</strong> Dieser Server stellt eine Entwicklungs-PID für Ihre Eingaben aus. Die Wiederherstellung findet Ihr Konto über die <em>Entwicklungskennung</em>, die Sie bei der Registrierung gewählt haben, so wie über die Kennung einer echten PID.`,
    does: 'Die Wiederherstellung:',
    endsSessions: 'beendet jede Ihrer Sitzungen, hier und in jeder Welt (Sie melden sich neu an);',
    removesPasskeys: 'entfernt Ihre alten Passkeys: Sie fügen einen neuen hinzu;',
    revokesCredentials: 'widerruft die Nachweise, die an Ihre alte Wallet ausgestellt wurden;',
    keepsPseudonyms:
      'versiegelt Ihre Identität erneut für die Treuhänder; Welten kennen Sie weiter unter demselben Pseudonym, und was sie über Sie entschieden haben, bleibt.',
    presentWallet: 'Meine PID aus meiner Wallet vorlegen',
    sameDeviceOnly:
      'Die Wiederherstellung funktioniert nur mit einer Wallet auf diesem Gerät: Einen Code zum Scannen könnte Ihnen jemand zeigen, der Ihr Konto will.',
    devId: 'Entwicklungskennung',
    devIdHint: 'Die Kennung, die Sie bei der Registrierung gewählt haben.',
    givenName: 'Vorname',
    familyName: 'Nachname',
    birthdate: 'Geburtsdatum',
    nationality: 'Staatsangehörigkeit',
    nationalityHint: 'Zweistelliger Ländercode, etwa FR oder SE.',
    submit: 'Mein Konto wiederherstellen',
    haveWallet: html`Sie haben eine Identitäts-Wallet? <a href="/account/recover/wallet">Legen Sie stattdessen eine PID aus Ihrer Wallet vor</a>.`,
    back: 'Zurück zur Anmeldung',
    checkForm: (why: string) => `Bitte prüfen Sie das Formular: ${why}.`,
    noMatch: 'kein Konto passt zu dieser Identität',
  },
  walletQr: {
    title: 'Mit Ihrer Wallet scannen',
    intro:
      'Öffnen Sie die Identitäts-Wallet auf Ihrem Telefon und scannen Sie diesen Code. Sie fragt, ob Sie Ihre Personenidentifizierungsdaten mit diesem mvid teilen; diese Seite geht von selbst weiter, sobald Sie zugestimmt haben.',
    qrLabel: 'QR-Code der Anfrage für Ihre Wallet',
    asText: 'Scannen nicht möglich? Die Anfrage als Text',
    refused: (error: string) =>
      html`Die PID Ihrer Wallet wurde abgelehnt (${error}). <a href="/account/enrol/wallet/qr?new=1">Neu beginnen</a>.`,
    answered: 'Ihre Wallet hat geantwortet. Fahren Sie fort, um Ihren ersten Passkey hinzuzufügen.',
    continuing: 'Ihre Wallet hat geantwortet. Es geht weiter …',
    notYet: 'Noch keine Antwort von Ihrer Wallet.',
    waiting: 'Warte auf Ihre Wallet …',
    continue: 'Weiter',
    checkAgain: 'Erneut prüfen',
    warning: html`<strong>Scannen Sie nur einen Code, den Sie selbst auf diesem mvid geöffnet haben.</strong> Wer Ihnen einen Code zeigt, erhält die Identität, die Ihre Wallet damit anlegt.`,
    validUntil: (at: string) =>
      html`Der Code gilt bis ${at}. <a href="/account/enrol/wallet">Stattdessen eine Wallet auf diesem Gerät verwenden</a>.`,
  },
};
