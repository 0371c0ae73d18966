/**
 * The message catalogues: every language has exactly English's keys, messages of the same
 * kind and arity, and the same `{name}` placeholders in the strings the browser fills; no
 * page module (nor browser bundle source) carries user-visible English outside the
 * catalogue; and a page's language follows `?lang=`, the `mvid_lang` cookie and
 * Accept-Language, with `Content-Language` and `Vary` set.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { negotiateRequestLang } from '../src/http/i18n.ts';
import { accountModerationHtml, CATALOGUES, EN, LANGS, translator } from '../src/web/index.ts';
import { REPO_ROOT } from './support/engines.ts';
import { type Literal, literals } from './support/literals.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

/** A catalogue's shape, one line per message: `path: string`, `path: function/<arity>` or `path: html` (a fragment). */
function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return [`${path}: string`];
  if (typeof value === 'function') return [`${path}: function/${value.length}`];
  if (value && typeof value === 'object' && value.constructor?.name === 'SafeHtml') return [`${path}: html`];
  if (value && typeof value === 'object')
    return Object.entries(value)
      .flatMap(([k, v]) => shape(v, path ? `${path}.${k}` : k))
      .sort();
  return [`${path}: ${typeof value}`];
}

/** Every string of a catalogue with its dotted key. */
function strings(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (value && typeof value === 'object' && value.constructor?.name !== 'SafeHtml') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('ship English and at least one more language', () => {
    assert.ok(LANGS.includes('en'));
    assert.ok(LANGS.length >= 2);
  });

  for (const lang of LANGS.filter((l) => l !== 'en')) {
    it(`${lang} has exactly the keys of English, each of the same kind and arity`, () => {
      assert.deepEqual(shape(CATALOGUES[lang]), shape(CATALOGUES.en));
    });

    it(`${lang} keeps every {placeholder} of English's strings, and translates them`, () => {
      const theirs = new Map(strings(CATALOGUES[lang]));
      let same = 0;
      for (const [key, text] of strings(CATALOGUES.en)) {
        const other = theirs.get(key);
        assert.ok(other !== undefined, key);
        assert.deepEqual(placeholders(other), placeholders(text), `${lang}: ${key}`);
        if (other === text && /[a-z]{4,} [a-z]{3,}/i.test(text)) same += 1;
      }
      assert.equal(same, 0, `${lang} copies English sentences instead of translating them`);
    });
  }

  it('the switcher names each language in itself', () => {
    assert.equal(CATALOGUES.en.meta.name, 'English');
    assert.equal(CATALOGUES.de.meta.name, 'Deutsch');
  });

  it('plurals, numbers, lists and dates follow the language', () => {
    const de = translator('de');
    assert.equal(EN.m.closeAccount.kept(1).includes('1 day '), true);
    assert.equal(EN.m.closeAccount.kept(30).includes('30 days '), true);
    assert.equal(de.m.closeAccount.kept(1).includes('1 Tag '), true);
    assert.equal(de.m.closeAccount.kept(2).includes('2 Tage '), true);
    assert.equal(de.number(1234567), '1.234.567');
    assert.equal(EN.number(1234567), '1,234,567');
    assert.equal(de.list(['a', 'b', 'c']), 'a, b und c');
    assert.equal(EN.list(['a', 'b', 'c']), 'a, b, and c');
    assert.equal(de.when('2026-06-01'), '1. Juni 2026');
    assert.equal(EN.when('2026-06-01'), 'Jun 1, 2026');
    assert.equal(de.when('2026-06-01T12:05:00.000Z'), '1. Juni 2026, 12:05 UTC');
    assert.equal(EN.when('not a date'), 'not a date');
    assert.equal(EN.when('2026-13-45'), '2026-13-45', 'an impossible date is shown as it is');
  });
});

/** Words that are not English to translate: names, formats, protocol terms. */
const ALLOWED_WORDS = new Set(['mvid', 'JSON', 'CSV', 'PID', 'UTC', 'sha256', 'SHA']);

/**
 * What a reader sees of a module's `html` templates: the static text between tags and the
 * human-read attributes (alt, title, aria-label, placeholder); interpolations are holes,
 * nested templates are scanned on their own.
 */
function templateText(found: readonly Literal[]): string[] {
  const out: string[] = [];
  for (const l of found) {
    if (l.kind !== 'template' || l.tag !== 'html') continue;
    const text = l.parts.join('\uFFFC');
    // A fragment of attributes (` class="primary"`, ` checked`) is markup, not text.
    if (/^(\s+[\w-]+(="[^"]*")?)+$/.test(text)) continue;
    for (const a of text.matchAll(/\b(?:alt|title|aria-label|placeholder)="([^"\uFFFC]*)"/g)) out.push(a[1] as string);
    out.push(
      text
        .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/g, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&[a-z]+;/g, ' '),
    );
  }
  return out;
}

/** Strings and untagged template text of two or more words: a sentence or label someone reads. */
function sentences(found: readonly Literal[]): string[] {
  const texts = found.flatMap((l) => (l.kind === 'string' ? [l.text] : l.tag === undefined ? l.parts : []));
  return texts.filter((text) => /[A-Za-z]{3,}[,.;:]? +[A-Za-z]{3,}/.test(text));
}

/** English words in a piece of text: runs of three letters or more that are not allowed terms. */
const englishWords = (text: string) => [...text.matchAll(/[A-Za-z][A-Za-z'’-]{2,}/g)].map((m) => m[0]).filter((w) => !ALLOWED_WORDS.has(w));

const parse = (path: string) => literals(readFileSync(path, 'utf8'));

/** Strings of page modules that are not text for a reader, by file: reviewed, with why. */
const NOT_TEXT: Record<string, RegExp> = {
  // The stylesheet and the inline scripts are code, not text.
  'layout.ts': /color-scheme|^\n:root/,
  'passkey-script.ts': /^\n\(function\(\)|function|PublicKeyCredential|credentials\./,
  'moderation.ts': /^\n\(function\(\)/,
  'wallet-pages.ts': /^\n\(function\(\)/,
  // Programming errors, thrown at a developer: a SafeHtml built by hand, a bundle not built.
  'html.ts': /^SafeHtml is made by/,
  'assets.ts': /is missing: run npm run web:build/,
};

const webDir = join(REPO_ROOT, 'src', 'web');
const PAGE_MODULES = readdirSync(webDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('no user-visible English outside the catalogue', () => {
  for (const file of PAGE_MODULES) {
    it(`src/web/${file}: its pages' text comes from the catalogue`, () => {
      const source = parse(join(webDir, file));
      const words = templateText(source).flatMap(englishWords);
      assert.deepEqual(words, [], `${file} writes English in a page: move it to src/web/i18n/en.ts (and every other catalogue)`);
      const allowed = NOT_TEXT[file];
      const literals = sentences(source).filter((s) => !allowed?.test(s));
      assert.deepEqual(literals, [], `${file} has English strings: move them to the catalogue`);
    });
  }

  it('the scan finds English where it is (the heuristic is not blind)', () => {
    const sample = literals(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source code, holes and all
      'const a = html`<p>Hello ${name}, <a title="Go back home">x</a> ${html`<b>Nested one</b>`}</p><code>mvid</code>${m.ok}`; const b = "Click here"; const r = /["`]/g; // it\'s',
    );
    assert.deepEqual(templateText(sample).flatMap(englishWords).sort(), ['Hello', 'Nested', 'back', 'home', 'one']);
    assert.deepEqual(sentences(sample), ['Click here']);
  });

  it('browser bundles hold no sentence of their own: they show the messages the page gives them', () => {
    const dir = join(webDir, 'browser');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !/shim/.test(f))) {
      // dom.ts: `the page lacks #id` is a programming error in a page, not a message.
      const found = sentences(parse(join(dir, file))).filter((s) => !/^the page lacks #/.test(s));
      assert.deepEqual(found, [], `src/web/browser/${file}`);
    }
  });
});

describe("the account page's moderation section", () => {
  const statement = {
    sanction: { type: 'suspension', startsAt: '2026-01-01T10:00:00.000Z', endsAt: '2026-01-08T10:00:00.000Z', features: [] },
    facts: 'Shouted.',
    rule: { category: 'harassment', text: 'Be kind.' },
    automated: { detection: false, decision: false },
    redress: { appeal: { until: '2026-02-01T10:00:00.000Z', how: 'From your account.' }, disputeSettlement: null, judicial: 'The courts.' },
    world: { name: 'World' },
    decidedAt: '2026-01-01T10:00:00.000Z',
  };
  const input = {
    csrf: 'c',
    worlds: [
      {
        worldId: 'w1',
        worldName: 'World',
        state: 'suspension',
        trust: {
          level: 'restricted',
          reasons: ['a suspension is in force until 2026-01-08T10:00:00.000Z'],
          why: [
            { kind: 'in_force' as const, sanction: 'suspension', until: '2026-01-08T10:00:00.000Z' },
            { kind: 'days' as const, days: 1 },
            { kind: 'shares' as const, claims: ['age_over_18', 'handle'] },
            { kind: 'sanctions' as const, total: 2, recent: 1 },
          ],
        },
        decisions: [{ id: 'd1', statement, appeal: null, appealable: true }],
      },
    ],
  };

  it('words the standing, the trust reasons (given as data) and the statement of reasons in German', () => {
    const out = accountModerationHtml({ ...input, t: translator('de') }).toString();
    for (const german of [
      'Stand: <strong>Sperre auf Zeit</strong>',
      'Vertrauensstufe: <strong>eingeschränkt</strong>',
      'eine Sperre auf Zeit gilt bis 8. Jan. 2026, 10:00 UTC',
      '1 Tag in dieser Welt',
      'Sie teilen 2 Merkmale mit dieser Welt (Über 18 und Anzeigename)',
      '2 Sanktionen in dieser Welt, davon 1 in den letzten 90 Tagen',
      '<dt>Tatsachen und Umstände</dt><dd>Shouted.</dd>',
      'Beschwerde bei World einlegen',
      // mvid's own redress sentences, stored in English, are said in German.
      'ein anderer Moderator von World entscheidet',
      'Sie können die Entscheidung auch vor ein Gericht bringen.',
    ])
      assert.ok(out.includes(german), german);
    assert.doesNotMatch(out, /in force|days in this world|Facts and circumstances|The courts/);
  });

  it('in English, the worded reasons read as the API has always given them', () => {
    const out = accountModerationHtml({ ...input, t: EN }).toString();
    assert.ok(out.includes('1 day in this world'));
    assert.ok(out.includes('you share 2 attributes with this world (Over 18 and Handle)'));
    assert.ok(out.includes('<dd>The courts.</dd>'), 'the statement as stored');
  });
});

describe('choosing the language of a page', () => {
  const pick = (url: string, headers: { cookie?: string; acceptLanguage?: string } = {}) =>
    negotiateRequestLang({ url, cookie: headers.cookie, acceptLanguage: headers.acceptLanguage });

  it('?lang= wins, and is remembered in a cookie only when it changes the remembered choice', () => {
    assert.deepEqual(pick('/account?lang=de', { acceptLanguage: 'en' }), {
      lang: 'de',
      setCookie: 'mvid_lang=de; Path=/; Max-Age=31536000; SameSite=Lax',
    });
    assert.deepEqual(pick('/account?lang=de', { cookie: 'mvid_lang=de' }), { lang: 'de', setCookie: undefined });
  });
  it('then the cookie, then Accept-Language, then English', () => {
    assert.equal(pick('/', { cookie: 'a=b; mvid_lang=de', acceptLanguage: 'en' }).lang, 'de');
    assert.equal(pick('/', { acceptLanguage: 'de-AT,de;q=0.9' }).lang, 'de');
    assert.equal(pick('/').lang, 'en');
  });
  it('an unknown or hostile ?lang= or cookie is ignored, never reflected into a cookie', () => {
    for (const bad of ['xx', 'de;Path=/x', '<script>', '', 'DE%0d%0aSet-Cookie:%20x=1']) {
      const r = pick(`/?lang=${bad}`, { acceptLanguage: 'en' });
      assert.deepEqual(r, { lang: 'en', setCookie: undefined }, bad);
    }
    assert.equal(pick('/', { cookie: 'mvid_lang=%3Cscript%3E', acceptLanguage: 'de' }).lang, 'de');
  });
});

describe('pages answer in the negotiated language', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await startTestRuntime('sqlite');
  });
  after(async () => rt.stop());

  it('Accept-Language: de gives a German page with lang, Content-Language and Vary', async () => {
    const r = await rt.app.inject({ method: 'GET', url: '/', headers: { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' } });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /<html lang="de">/);
    assert.ok(r.body.includes('Ihre Identität anlegen'));
    assert.equal(r.headers['content-language'], 'de');
    assert.match(String(r.headers.vary), /Accept-Language/);
    assert.match(String(r.headers.vary), /Cookie/);
    assert.equal(r.headers['set-cookie'], undefined, 'negotiation alone sets no cookie');
  });

  it('the switcher links every language, works without script, and its choice sticks in a cookie', async () => {
    const en = await rt.app.inject({ method: 'GET', url: '/transparency' });
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /<a href="\?lang=de" hreflang="de" lang="de">Deutsch<\/a>/);
    assert.match(en.body, /<a href="\?lang=en" hreflang="en" lang="en" aria-current="true">English<\/a>/);
    const switched = await rt.app.inject({ method: 'GET', url: '/transparency?lang=de', headers: { 'accept-language': 'en' } });
    assert.match(switched.body, /<html lang="de">/);
    assert.ok(switched.body.includes('<h1>Transparenzbericht</h1>'));
    const cookie = String(switched.headers['set-cookie']);
    assert.match(cookie, /^mvid_lang=de; Path=\/; Max-Age=\d+; SameSite=Lax$/);
    const later = await rt.app.inject({ method: 'GET', url: '/errors', headers: { 'accept-language': 'en', cookie: 'mvid_lang=de' } });
    assert.match(later.body, /<html lang="de">/);
    assert.ok(later.body.includes('<h1>Fehlercodes</h1>'));
  });

  it("a browser's error page is in its language; API clients still get problem+json", async () => {
    const page = await rt.app.inject({
      method: 'GET',
      url: '/errors/no_such_code',
      headers: { accept: 'text/html', 'accept-language': 'de' },
    });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /<html lang="de">/);
    assert.ok(page.body.includes('<h1>Nicht gefunden</h1>'));
    assert.match(page.body, /<p role="alert" lang="en">/, 'the English detail is marked as English');
    const api = await rt.app.inject({ method: 'GET', url: '/errors/no_such_code', headers: { 'accept-language': 'de' } });
    assert.match(String(api.headers['content-type']), /problem\+json/);
  });
});
