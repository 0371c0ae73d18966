/**
 * Enrolment in the browser, over HTTP: the development form issues a dev PID, enrols,
 * opens a browser session and asks for the first passkey; the form refuses posts
 * without its pre-session CSRF token (another site cannot enrol in a browser's name);
 * mistakes come back as the form with the person's values; production explains that a
 * wallet PID is needed and refuses the form. Browsers get human error pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';
import { walletAnswers } from './support/wallet.ts';
import { startWorldsRuntime, type WorldsRuntime } from './support/worlds.ts';

const HTML = 'text/html,application/xhtml+xml,*/*;q=0.8';

function cookiesOf(headers: Record<string, unknown>): string {
  const set = headers['set-cookie'];
  const list = Array.isArray(set) ? set : set ? [String(set)] : [];
  return list.map((c: string) => c.split(';')[0]).join('; ');
}

function csrfOf(body: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(body);
  assert.ok(m, 'the form carries a CSRF token');
  return m[1] as string;
}

const FORM = {
  given_name: 'Grace',
  family_name: 'Hopper',
  birthdate: '1990-12-09',
  nationality: 'us',
  residence: 'se',
  email: 'grace@example.org',
};

for (const engine of ENGINES) {
  describe(`enrolment in the browser on ${engine}`, () => {
    let rt: WorldsRuntime;
    before(async () => {
      rt = await startWorldsRuntime(engine, 'localhost');
    });
    after(async () => rt.stop());

    async function openForm() {
      const r = await rt.app.inject({ method: 'GET', url: '/account/enrol', headers: { accept: HTML } });
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-security-policy']), /script-src 'nonce-/);
      assert.match(r.body, /Development mode/);
      return { cookie: cookiesOf(r.headers), csrf: csrfOf(r.body) };
    }

    const post = (cookie: string, payload: Record<string, string>) =>
      rt.app.inject({
        method: 'POST',
        url: '/account/enrol',
        headers: { accept: HTML, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(payload).toString(),
      });

    it('enrols from the form, opens a browser session and asks for the first passkey', async () => {
      const { cookie, csrf } = await openForm();
      const r = await post(cookie, { csrf, ...FORM });
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/account/welcome');
      const session = cookiesOf(r.headers);
      assert.match(session, /^mvid_session=mvb_/);
      const welcome = await rt.app.inject({ method: 'GET', url: '/account/welcome', headers: { accept: HTML, cookie: session } });
      assert.equal(welcome.statusCode, 200);
      assert.match(welcome.body, /Add your first passkey/);
      const options = await rt.app.inject({
        method: 'POST',
        url: '/account/passkeys/options',
        headers: {
          cookie: session,
          'x-csrf-token': /data-csrf="([^"]+)"/.exec(welcome.body)?.[1] ?? '',
          'content-type': 'application/json',
        },
        payload: '{}',
      });
      assert.equal(options.statusCode, 200, 'the session may register a passkey');
      assert.equal(options.json().rp.id, 'localhost');
      const account = await rt.app.inject({ method: 'GET', url: '/account', headers: { accept: HTML, cookie: session } });
      assert.match(account.body, /Your mvid account/);
      // What the form said is what the registry holds (sealed), ready for the claims worlds may ask for.
      const session0 = await rt.worlds.webSessions.resolve(decodeURIComponent(session.split('=')[1] ?? ''));
      assert.ok(session0);
      const attributes = await rt.registry.self.serviceAttributes(session0.personId);
      // The registry keeps age milestones, not the birthdate (that stays in the name_birth envelope): past 21, only `true`s.
      assert.deepEqual(attributes.age_milestones, { over13: true, over16: true, over18: true, over21: true });
      assert.equal(attributes.birthdate, undefined);
      assert.equal(attributes.residence_country, 'SE');
      // Once signed in, the enrolment form sends the person to the account.
      const again = await rt.app.inject({ method: 'GET', url: '/account/enrol', headers: { accept: HTML, cookie: session } });
      assert.equal(again.statusCode, 303);
    });

    it('refuses a post without the CSRF token of its own pre-session, with a human page for a browser', async () => {
      const mine = await openForm();
      const theirs = await openForm();
      for (const attempt of [
        post(mine.cookie, { ...FORM }),
        post(mine.cookie, { csrf: theirs.csrf, ...FORM }),
        post('', { csrf: mine.csrf, ...FORM }),
      ]) {
        const r = await attempt;
        assert.equal(r.statusCode, 403);
        assert.match(String(r.headers['content-type']), /^text\/html/);
        assert.match(r.body, /reload the page and try again/);
        assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
      }
      const api = await rt.app.inject({ method: 'POST', url: '/account/enrol', headers: { accept: 'application/json' }, payload: FORM });
      assert.equal(api.statusCode, 403);
      assert.match(String(api.headers['content-type']), /problem\+json/);
    });

    const answer = (link: string, claims = personClaims(), nonce?: string) => walletAnswers(rt, link, claims, nonce);

    async function openWalletRequest() {
      const r = await rt.app.inject({ method: 'GET', url: '/account/enrol/wallet', headers: { accept: HTML } });
      assert.equal(r.statusCode, 200);
      const link = /href="(openid4vp:\/\/[^"]+)"/.exec(r.body)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(link, 'the page links to the wallet');
      return { link, cookie: cookiesOf(r.headers) };
    }

    it('enrols from a wallet on the same device: only the browser that started it, with the code, gets the session', async () => {
      const { link, cookie } = await openWalletRequest();
      const answered = await answer(link);
      assert.equal(answered.statusCode, 200, answered.body);
      const back = new URL(answered.json().redirect_uri);
      assert.equal(back.origin, rt.url);
      const done = `${back.pathname}${back.search}`;
      // Someone else's browser (no cookie, or another request's cookie) and a wrong code get nothing.
      const other = await openWalletRequest();
      for (const [c, url] of [
        ['', done],
        [other.cookie, done],
        [cookie, `${back.pathname}?response_code=wrong`],
      ] as const) {
        const r = await rt.app.inject({ method: 'GET', url, headers: { accept: HTML, cookie: c } });
        assert.ok([404, 409].includes(r.statusCode), r.body);
        assert.equal(cookiesOf(r.headers).includes('mvid_session'), false);
      }
      const r = await rt.app.inject({ method: 'GET', url: done, headers: { accept: HTML, cookie } });
      assert.equal(r.statusCode, 303, r.body);
      assert.equal(r.headers.location, '/account/welcome');
      assert.match(cookiesOf(r.headers), /mvid_session=mvb_/);
      const again = await rt.app.inject({ method: 'GET', url: done, headers: { accept: HTML, cookie } });
      assert.equal(again.statusCode, 404, 'the code is single use');
    });

    it("refuses a wallet's answer to another request, a second answer, and an unknown request", async () => {
      const { link } = await openWalletRequest();
      const other = await openWalletRequest();
      const wrongNonce = await answer(link, personClaims(), new URL(other.link).searchParams.get('nonce') as string);
      assert.equal(wrongNonce.statusCode, 401);
      assert.equal(wrongNonce.json().code, 'kb_nonce_mismatch');
      assert.equal((await answer(link)).statusCode, 200);
      const second = await answer(link);
      assert.equal(second.statusCode, 409, 'a request is answered once');
      const unknown = await answer(link.replace(/state=[^&]+/, 'state=nope'));
      assert.equal(unknown.statusCode, 404);
    });

    it('shows the form again, with what was typed, when a field is wrong', async () => {
      const { cookie, csrf } = await openForm();
      const r = await post(cookie, { csrf, ...FORM, birthdate: '2990-01-01', given_name: '<b>Grace</b>' });
      assert.equal(r.statusCode, 400);
      assert.match(r.body, /role="alert">Please check the form: PID claim \/birthdate is not a plausible date of birth/);
      assert.match(r.body, /value="&lt;b&gt;Grace&lt;\/b&gt;"/);
      assert.equal(cookiesOf(r.headers).includes('mvid_session'), false);
    });
  });
}

describe('enrolment in the browser before any trustee set exists', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await startTestRuntime('sqlite');
  });
  after(async () => rt.stop());

  it('says so on the form, before the person types anything', async () => {
    const page = await rt.app.inject({ method: 'GET', url: '/account/enrol', headers: { accept: HTML } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /role="alert">This server cannot enrol anyone yet: it has no trustee set/);
  });
});

describe('enrolment in the browser in production mode', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await startTestRuntime('sqlite', { mode: 'production', publicUrl: 'https://id.example' });
  });
  after(async () => rt.stop());

  it('explains that a wallet PID is needed and refuses the development form', async () => {
    const page = await rt.app.inject({ method: 'GET', url: '/account/enrol', headers: { accept: HTML } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /href="\/account\/enrol\/wallet"/);
    assert.match(page.body, /OpenID for Verifiable Presentations/);
    assert.doesNotMatch(page.body, /Development mode|<form/);
    // A valid pre-session token (the sign-in page's) still enrols no one with a development PID.
    const signIn = await rt.app.inject({ method: 'GET', url: '/account', headers: { accept: HTML } });
    const csrf = /data-csrf="([^"]+)"/.exec(signIn.body)?.[1] ?? '';
    const r = await rt.app.inject({
      method: 'POST',
      url: '/account/enrol',
      headers: { cookie: cookiesOf(signIn.headers), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      payload: new URLSearchParams({ csrf, ...FORM }).toString(),
    });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().code, 'dev_issuer_disabled');
  });
});
