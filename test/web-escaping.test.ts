/**
 * Every page renderer of src/web, fed a markup-breaking payload in every string field
 * of its input: nothing comes out unescaped, and the page has exactly the markup it has
 * with harmless input. A renderer without a fixture here fails the test, so a new page
 * cannot skip it. Raw HTML enters pages only through unsafeRaw(), at the places listed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import * as web from '../src/web/index.ts';
import { REPO_ROOT } from './support/engines.ts';

const PAYLOAD = `"><script>alert(1)</script><img src=x onerror=alert(1)>'onerror='x`;
const FORBIDDEN = [/<script>alert/i, /<img src=x/i, /"onerror=/i, /'onerror=/i];

type Renderer = (input: never) => string;
interface Fixture {
  input: Record<string, unknown>;
  /** Fields that are markup by contract (and why), left unpoisoned. */
  raw?: string[];
}

const STATEMENT = {
  sanction: { type: 'suspension', startsAt: '2026-01-01', endsAt: '2026-01-08', features: ['chat'] },
  facts: 'Shouted.',
  rule: { category: 'harassment', text: 'Be kind.' },
  automated: { detection: false, decision: false },
  redress: { appeal: { until: '2026-02-01', how: 'From your account.' }, disputeSettlement: 'ODS body', judicial: 'The courts.' },
  world: { name: 'World' },
  decidedAt: '2026-01-01',
};

const FIXTURES: Record<string, Fixture> = {
  renderSignIn: { input: { nonce: 'n', uid: 'u1', csrf: 'c', worldName: 'World', signedIn: true, error: 'bad' } },
  renderConsent: {
    input: {
      nonce: 'n',
      uid: 'u1',
      csrf: 'c',
      world: {
        name: 'World',
        purpose: 'To play.',
        policyUri: 'https://w.example/p',
        tosUri: 'https://w.example/t',
        rules: [{ category: 'harassment', text: 'Be kind.' }],
      },
      claims: [
        { name: 'handle', label: 'Handle', description: 'Your name', required: false },
        { name: 'age_over_18', label: 'Over 18', description: 'Yes or no', required: true },
      ],
      offline: true,
    },
  },
  renderErrorPage: { input: { nonce: 'n', error: 'invalid_request', description: 'Wrong.' } },
  renderErrorCode: { input: { nonce: 'n', code: 'bad_request', status: 400, title: 'Bad request', meaning: 'Bad.' } },
  renderErrorIndex: { input: { nonce: 'n', codes: [{ code: 'bad_request', status: 400, title: 'Bad request', meaning: 'Bad.' }] } },
  // oidc-provider builds and escapes its logout form itself; the page embeds it as markup.
  renderLogoutPage: { input: { nonce: 'n', form: '<form id="op.logoutForm"></form>', clientName: 'World' }, raw: ['form'] },
  renderLogoutDone: { input: { nonce: 'n', clientName: 'World' } },
  renderAccount: {
    input: {
      nonce: 'n',
      csrf: 'c',
      worlds: [
        {
          id: 'w1',
          name: 'World',
          purpose: 'To play.',
          consentActive: true,
          consented: ['Handle'],
          received: ['Handle'],
          firstReleasedAt: '2026-01-01',
          lastReleasedAt: '2026-01-02',
          handle: 'Ada',
          trustLevel: 'new',
        },
        {
          id: 'w2',
          name: 'Other',
          purpose: 'To chat.',
          consentActive: false,
          consented: [],
          received: ['Over 18'],
          firstReleasedAt: '2026-01-01',
          lastReleasedAt: '2026-01-01',
          handle: null,
          trustLevel: 'new',
        },
      ],
      passkeys: [
        { id: 'p1', name: 'Laptop', createdAt: '2026-01-01', lastUsedAt: '2026-01-02' },
        { id: 'p2', name: 'Phone', createdAt: '2026-01-01', lastUsedAt: null },
      ],
      notice: 'Done.',
    },
  },
  renderCloseAccount: { input: { nonce: 'n', csrf: 'c', retentionDays: 365 } },
  renderAccountClosed: { input: { nonce: 'n', purgeAfter: '2027-01-01T00:00:00.000Z' } },
  renderPasskeySetup: { input: { nonce: 'n', csrf: 'c' } },
  renderPersonDisclosures: {
    input: {
      nonce: 'n',
      disclosures: [
        {
          requestId: 'r1',
          authority: { name: 'Police', jurisdiction: 'ZZ', contact: 'desk@police.example' },
          courtOrder: { court: 'Court', reference: 'A-1', date: '2026-01-01' },
          offence: { category: 'fraud_x', statute: 'S 1' },
          fieldGroups: ['legal_name'],
          target: { worldId: 'w1', pseudonym: 'ps' },
          requestedAt: '2026-01-01',
          releasedAt: '2026-01-02',
          log: [{ type: 'request_filed', index: 3 }],
        },
      ],
    },
  },
  renderTransparencyReport: {
    input: {
      nonce: 'n',
      generatedAt: '2026-01-01',
      log: {
        checkpoint: 'example.org/log\n3\nroot=\n\n— sig\n',
        size: 3,
        signedAt: '2026-01-01T00:00:00Z',
        cosignatures: 0,
        vkey: 'example.org/log+1234+key',
        sizeByDay: [
          { day: '2025-12-31', size: 1 },
          { day: '2026-01-01', size: 3 },
        ],
      },
      disclosure: {
        generatedAt: '2026-01-01',
        totals: counts(),
        byAuthority: [{ ...counts(), name: 'Police', jurisdiction: 'ZZ' }],
        byJurisdiction: [{ ...counts(), jurisdiction: 'ZZ' }],
        byOffenceCategory: [{ ...counts(), category: 'fraud' }],
        medianTimeToDecisionSeconds: 100,
        unverified: 1,
      },
      moderation: [
        {
          worldId: 'w1',
          worldName: 'World',
          reports: { total: 4 },
          decisions: { total: 3 },
          sanctions: { byType: { suspension: 2 } },
          medianTimeToDecisionSeconds: 60,
          appeals: { filed: 1, reversed: 0 },
        },
      ],
    },
  },
  renderTrusteeConsole: { input: { nonce: 'n' } },
  renderOperatorConsole: { input: { nonce: 'n' } },
  renderWallet: {
    input: {
      nonce: 'n',
      csrf: 'c',
      issuer: { issuer: 'https://id.example', publicKey: 'key' },
      worlds: [{ id: 'w1', name: 'World', origins: ['https://world.example'] }],
    },
  },
  renderAuthorityConsole: {
    input: { nonce: 'n', categories: ['fraud', 'threat_to_life'], fieldGroups: ['name_birth', 'contact'], today: '2026-01-01' },
  },
  renderEnrol: {
    input: {
      nonce: 'n',
      csrf: 'c',
      mode: 'development',
      values: { given_name: 'A', family_name: 'B', birthdate: '1990-01-01', nationality: 'FR', residence: 'SE', email: 'a@b.example' },
      error: 'Wrong.',
    },
  },
  renderFirstPasskey: { input: { nonce: 'n', csrf: 'c', recovered: true } },
  renderRecover: { input: { nonce: 'n', csrf: 'c', mode: 'development', error: 'Wrong.', values: { given_name: 'Ada', dev_id: 'ada-1' } } },
  // `state` and `purpose` are enums that choose a branch (typed, never from outside), not text.
  renderWalletQr: {
    input: {
      nonce: 'n',
      csrf: 'c',
      requestUrl: 'openid4vp://?client_id=x',
      state: 'pending',
      error: 'bad',
      expiresAt: '2026-01-01T00:00:00Z',
      notYet: true,
    },
    raw: ['state'],
  },
  renderCredentialOffer: {
    input: {
      nonce: 'n',
      kinds: ['age'],
      offerUri: 'openid-credential-offer://?credential_offer=x',
      txCode: '123456',
      expiresAt: '2026-01-01T00:00:00Z',
    },
  },
  renderPresentCredential: {
    input: {
      nonce: 'n',
      link: 'openid4vp://?client_id=x',
      error: 'Wrong.',
      request: {
        verifier: 'World',
        registered: false,
        asks: [{ kind: 'age', held: false }],
        others: ['https://other.example/vct'],
        byReference: true,
        link: 'openid4vp://?client_id=x',
      },
    },
  },
  renderWalletRequest: { input: { nonce: 'n', requestUrl: 'openid4vp://?client_id=x', minutes: 10, purpose: 'recover' }, raw: ['purpose'] },
  renderProblemPage: { input: { nonce: 'n', status: 400, title: 'Bad', detail: 'Wrong.', code: 'bad_request', requestId: 'r1' } },
  renderSignInRefused: { input: { nonce: 'n', uid: 'u1', csrf: 'c', worldName: 'World', statement: STATEMENT } },
  renderReportPage: {
    input: {
      nonce: 'n',
      csrf: 'c',
      world: { id: 'w1', name: 'World', rules: [{ category: 'harassment', text: 'Be kind.' }] },
      result: { error: 'Refused.' },
    },
  },
  renderModerationQueue: {
    input: {
      nonce: 'n',
      csrf: 'c',
      world: { id: 'w1', name: 'World' },
      error: 'Refused.',
      filters: { status: 'open', sort: 'priority' },
      categories: ['harassment'],
      cases: [
        {
          id: 'c1',
          subject: 's1',
          category: 'harassment',
          priority: 10,
          status: 'open',
          assignedTo: 'm2',
          mine: false,
          reports: 2,
          openedAt: '2026-01-01',
        },
      ],
    },
    // The filters are the schema's enums (and an optional rule); the selected option follows them.
    raw: ['filters'],
  },
  renderModerationCase: {
    input: {
      nonce: 'n',
      csrf: 'c',
      world: { id: 'w1', name: 'World' },
      error: 'Refused.',
      rules: [{ category: 'harassment', text: 'Be kind.' }],
      open: true,
      case: {
        id: 'c1',
        subject: 's1',
        category: 'harassment',
        priority: 0,
        status: 'open',
        assignedTo: null,
        mine: false,
        reports: 1,
        openedAt: '2026-01-01',
        decidedAt: null,
        reportList: [
          {
            id: 'r1',
            channel: 'person',
            reporter: 'p1',
            text: 'Rude.',
            occurredAt: '2026-01-01',
            location: 'Plaza',
            evidence: [
              { sha256: 'ab12', contentType: 'image/png', size: 3, inline: true },
              { sha256: 'cd34', contentType: 'text/plain', size: 4, inline: false },
            ],
            createdAt: '2026-01-01',
          },
        ],
        notes: [{ id: 'n1', author: 'm1', text: 'Checked.', createdAt: '2026-01-02' }],
        decisions: [{ id: 'd1', moderator: 'm1', statement: STATEMENT, appeal: { status: 'open' } }],
      },
    },
  },
  renderModerationAppeals: {
    input: {
      nonce: 'n',
      csrf: 'c',
      world: { id: 'w1', name: 'World' },
      error: 'Refused.',
      appeals: [{ id: 'a1', caseId: 'c1', subject: 's1', text: 'Wrong.', filedAt: '2026-01-03' }],
    },
  },
  renderModerationStatistics: {
    input: {
      nonce: 'n',
      world: { id: 'w1', name: 'World' },
      statistics: {
        reports: { total: 2, fromTrustedFlaggers: 1, byCategory: { harassment: 2 } },
        decisions: { total: 1, bySanction: { warning: 1 }, automated: 0 },
        sanctions: { inForce: 1 },
        appeals: { filed: 1, open: 0, upheld: 1, reversed: 0 },
      },
    },
  },
  renderHome: { input: { nonce: 'n', publicUrl: 'http://localhost:8080', engine: 'sqlite', logSize: 3, version: '0.1.0' } },
};

function counts() {
  return {
    requests: 1,
    emergencyRequests: 1,
    approvals: 1,
    denials: 1,
    releases: 1,
    releasedEnvelopes: 1,
    deniedRequests: 1,
    expiredRequests: 1,
  };
}

/** Replaces every string in `value` (however deep) with the payload, except the named top-level fields. */
function poison(value: unknown, raw: readonly string[] = []): unknown {
  if (typeof value === 'string') return PAYLOAD;
  if (Array.isArray(value)) return value.map((v) => poison(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, raw.includes(k) ? v : poison(v)]));
  }
  return value;
}

const tags = (page: string) => page.match(/<[a-z!/][^<>]*>/gi)?.map((t) => t.replace(/"[^"]*"/g, '""')) ?? [];

const renderers = Object.entries(web).filter(([name, f]) => name.startsWith('render') && typeof f === 'function') as Array<
  [string, Renderer]
>;

it('every page renderer has a fixture here', () => {
  assert.deepEqual(renderers.map(([n]) => n).sort(), Object.keys(FIXTURES).sort());
});

for (const [name, render] of renderers) {
  it(`${name} escapes every interpolated field`, () => {
    const fixture = FIXTURES[name];
    assert.ok(fixture, `no fixture for ${name}`);
    // The Translator is the catalogue's text, not input: it is added after poisoning.
    const clean = render({ ...fixture.input, t: web.EN } as never);
    const dirty = render({ ...(poison(fixture.input, fixture.raw) as object), t: web.EN } as never);
    for (const pattern of FORBIDDEN) assert.doesNotMatch(dirty, pattern, `${name} let ${pattern} through`);
    assert.ok(dirty.includes('&lt;script&gt;alert(1)'), `${name} shows the payload as text somewhere`);
    assert.deepEqual(tags(dirty), tags(clean), `${name}: the payload changed the page's markup`);
  });
}

it("a world's policy link cannot be a javascript: URL", () => {
  const fixture = FIXTURES.renderConsent as Fixture;
  const world = { ...(fixture.input.world as object), policyUri: 'javascript:alert(1)', tosUri: 'data:text/html,x' };
  const out = web.renderConsent({
    ...(fixture.input as never as web.ConsentPageInput),
    t: web.EN,
    world: world as web.ConsentPageInput['world'],
  });
  assert.doesNotMatch(out, /javascript:|data:text/);
});

/** Every unsafeRaw call in src, by file: each is reviewed markup or script of mvid's own, never data. */
const RAW_ALLOWED: Record<string, number> = {
  'web/layout.ts': 1, // the stylesheet constant
  'web/passkey-script.ts': 2, // the two WebAuthn script constants
  'web/oidc-pages.ts': 1, // oidc-provider's own logout form
  'web/moderation.ts': 1, // the report page's upload script constant
  'web/wallet-pages.ts': 1, // the cross-device enrolment page's polling script constant
};

it('raw HTML enters pages only through the reviewed unsafeRaw calls', () => {
  const src = join(REPO_ROOT, 'src');
  const found: Record<string, number> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && path !== join(src, 'web', 'html.ts')) {
        const n = readFileSync(path, 'utf8').match(/\bunsafeRaw\(/g)?.length ?? 0;
        if (n > 0) found[relative(src, path).split('\\').join('/')] = n;
      }
    }
  };
  walk(src);
  assert.deepEqual(found, RAW_ALLOWED, 'a new unsafeRaw call: review it and list it here with its reason');
});

/** Every string of a fixture's input (data, not catalogue text: the same in every language). */
function inputStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(inputStrings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...inputStrings(v)]);
  return [];
}

/** The text nodes of a page (not its style, scripts, code or preformatted data) that hold a word. */
const textNodes = (page: string) =>
  page
    .replace(/<(style|script|code|pre)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .split(/<[^>]*>/)
    .map((s) => s.trim())
    .filter((s) => /[A-Za-z]{3,}/.test(s));

/** Words that are the same in German: names of languages and formats, words German shares. */
const SAME_IN_GERMAN = new Set(['English', 'Deutsch', 'mvid', 'Passkeys', 'Status', 'Moderation', 'Name', 'JSON', 'CSV', 'OpenID', 'VCI']);

const words = (text: string) => text.match(/[A-Za-z]{3,}/g) ?? [];

for (const [name, render] of renderers) {
  it(`${name} renders in German: <html lang="de">, and no English text of the catalogue is left`, () => {
    const fixture = FIXTURES[name] as Fixture;
    const english = render({ ...fixture.input, t: web.EN } as never);
    const german = render({ ...fixture.input, t: web.translator('de') } as never);
    assert.match(german, /<html lang="de">/);
    assert.match(english, /<html lang="en">/);
    // A text node left in English has a word that is neither the fixture's data nor shared by German.
    const known = new Set([...inputStrings(fixture.input).flatMap(words), ...SAME_IN_GERMAN]);
    const englishText = new Set(textNodes(english));
    const left = textNodes(german)
      .filter((s) => !/^(\/|https?:)\S*$/.test(s)) // a link's path shown as its text
      .filter((s) => englishText.has(s) && words(s).some((w) => !known.has(w)));
    assert.deepEqual(left, [], `${name}: English left on the German page`);
  });
}
