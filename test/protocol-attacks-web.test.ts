/**
 * Protocol attacks on mvid's web pages, through a listening server on both engines
 * (browser sessions are stored): cross-site request forgery on every route that changes
 * something — enumerated from the route registry, so a new form nobody classified fails —
 * session fixation (mvid's session and oidc-provider's), clickjacking headers on every
 * HTML page (oidc-provider's own included), and open redirects through any `return_to`,
 * `next` or path trick on mvid's own pages.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { sessionCookieName } from '../src/http/oidc/cookies.ts';
import { ENGINES } from './support/engines.ts';
import { assertTableCovers, registeredRoutes } from './support/route-table.ts';
import {
  authorize,
  Browser,
  clientFor,
  csrfOf,
  enrolPerson,
  registerWorld,
  startWorldsRuntime,
  type TestPerson,
  walkSignIn,
  type WorldsRuntime,
} from './support/worlds.ts';

/**
 * Every route that changes something, by how a browser could be made to send it:
 * `session`: accepts mvid's session cookie, so the session's CSRF token is required (403
 * csrf_invalid without or with a wrong one, before the body is even validated);
 * `pre-session`: a form posted before sign-in, its token bound to the pre-session cookie;
 * `interaction`: the sign-in interaction, its token bound to oidc-provider's interaction;
 * `provider`: oidc-provider's endpoints (its logout form carries its own xsrf token,
 * worlds-oidc.test.ts; the rest take client credentials, never cookies);
 * `header`: the credential is a header (bearer, Basic, a ceremony token) a browser never
 * adds by itself, so a cookie alone is refused (401; 403 on a world's own moderation
 * settings, where a signed-in person is known but is not the world);
 * `public`: no credential at all (minting nonces, enrolling with a wallet's signed
 * presentation): nothing of a signed-in person to forge.
 */
type Forgery = 'session' | 'pre-session' | 'interaction' | 'provider' | 'header' | 'public';

const UNSAFE: Record<string, Forgery> = {
  'POST /credentials/v1/issue': 'header',
  'POST /credentials/v1/offers': 'header',
  'POST /credentials/oid4vci/token': 'public',
  'POST /credentials/oid4vci/nonce': 'public',
  'POST /credentials/oid4vci/credential': 'header',
  'POST /credentials/v1/attribute-issuers': 'header',
  'DELETE /credentials/v1/attribute-issuers/:id': 'header',
  'POST /credentials/v1/revocations': 'header',
  'POST /credentials/v1/attribute-issuers/revocations': 'public',
  'POST /credentials/v1/presentation-requests': 'header',
  'POST /credentials/v1/verify': 'header',
  'POST /registry/v1/nonces': 'public',
  'POST /registry/v1/enrolments': 'public',
  'POST /registry/v1/recoveries': 'public',
  'POST /registry/v1/sessions': 'public',
  'DELETE /registry/v1/sessions/current': 'header',
  'POST /registry/v1/me/keys': 'header',
  'DELETE /registry/v1/me/keys/:kid': 'header',
  'POST /registry/v1/me/close': 'header',
  'POST /admin/v1/issuers': 'header',
  'DELETE /admin/v1/issuers/:id': 'header',
  'POST /oidc/token': 'provider',
  'POST /oidc/token/*': 'provider',
  'POST /oidc/*': 'provider',
  'POST /interaction/:uid/passkey/options': 'interaction',
  'POST /interaction/:uid/passkey': 'interaction',
  'POST /interaction/:uid/continue': 'interaction',
  'POST /interaction/:uid/consent': 'interaction',
  'POST /interaction/:uid/abort': 'interaction',
  'POST /admin/v1/worlds': 'header',
  'DELETE /admin/v1/worlds/:worldId': 'header',
  'PUT /admin/v1/worlds/:worldId/pseudonyms': 'header',
  'DELETE /worlds/v1/me/worlds/:worldId': 'session',
  'PUT /worlds/v1/me/worlds/:worldId/handle': 'session',
  'POST /worlds/v1/me/passkeys': 'session',
  'POST /worlds/v1/me/passkeys/options': 'session',
  'POST /worlds/v1/me/blind-credentials': 'session',
  'DELETE /worlds/v1/me/passkeys/:id': 'session',
  'POST /account/sign-in/options': 'pre-session',
  'POST /account/sign-in': 'pre-session',
  'POST /account/passkeys/options': 'session',
  'POST /account/passkeys': 'session',
  'POST /account/worlds/:worldId/revoke': 'session',
  'POST /account/sign-out': 'session',
  'POST /account/passkeys/rename': 'session',
  'POST /account/passkeys/remove': 'session',
  'POST /account/export': 'session',
  'POST /account/close': 'session',
  'POST /account/credentials/revoke': 'session',
  'POST /account/credentials/offer': 'session',
  'POST /account/enrol/wallet/finish': 'pre-session',
  'POST /account/recover': 'pre-session',
  'POST /account/enrol': 'pre-session',
  'POST /account/enrol/wallet/response': 'public',
  'POST /admin/v1/authorities': 'header',
  'DELETE /admin/v1/authorities/:id': 'header',
  'POST /admin/v1/disclosure/trustee-credentials': 'header',
  'POST /disclosure/v1/requests': 'header',
  'POST /disclosure/v1/requests/:id/receipt': 'header',
  'POST /disclosure/v1/requests/:id/delay-extensions': 'header',
  'PUT /disclosure/v1/trustee/me/encryption-key': 'header',
  'POST /disclosure/v1/trustee/requests/:id/decisions': 'header',
  'POST /disclosure/v1/trustee/requests/:id/extensions/:extensionId/decisions': 'header',
  'POST /disclosure/v1/trustee/requests/:id/shares': 'header',
  'POST /disclosure/v1/trustee/escrow-epochs/:id/destruction': 'header',
  'POST /moderation/v1/worlds/:worldId/evidence': 'session',
  'POST /moderation/v1/worlds/:worldId/reports': 'session',
  'PUT /moderation/v1/worlds/:worldId/roles': 'header',
  'DELETE /moderation/v1/worlds/:worldId/roles/:role/:subject': 'header',
  'PUT /moderation/v1/worlds/:worldId/settings': 'header',
  'POST /moderation/v1/worlds/:worldId/cases/:caseId/assign': 'session',
  'POST /moderation/v1/worlds/:worldId/cases/:caseId/notes': 'session',
  'POST /moderation/v1/worlds/:worldId/cases/:caseId/decision': 'session',
  'POST /moderation/v1/worlds/:worldId/appeals/:appealId/decision': 'session',
  'POST /admin/v1/dkg': 'header',
  'POST /admin/v1/reshare': 'header',
  'POST /admin/v1/dkg/epochs': 'header',
  'POST /admin/v1/keys/rotations': 'header',
  'POST /admin/v1/sweeps': 'header',
  'POST /registry/v1/dkg/:id/messages/:round': 'header',
  'POST /moderation/console/:worldId/cases/:caseId/assign': 'session',
  'POST /moderation/console/:worldId/cases/:caseId/notes': 'session',
  'POST /moderation/console/:worldId/cases/:caseId/decision': 'session',
  'POST /moderation/console/:worldId/appeals/:appealId/decision': 'session',
  'POST /moderation/report/:worldId': 'session',
  'POST /account/moderation/decisions/:decisionId/appeal': 'session',
  'POST /moderation/v1/me/decisions/:decisionId/appeal': 'session',
};
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const REDIRECT = 'http://127.0.0.1:9/web-world/callback';

for (const engine of ENGINES) {
  describe(`protocol attacks on the web pages on ${engine}`, () => {
    let rt: WorldsRuntime;
    let world: { clientId: string; clientSecret?: string };
    let moderator: TestPerson;
    let cookieName: string;

    before(async () => {
      const off = { limit: 0, windowSeconds: 60 };
      rt = await startWorldsRuntime(engine, '127.0.0.1', {
        abuseLimits: { credentialIp: off, credentialPrincipal: off, mintIp: off, enrolIp: off },
      });
      cookieName = sessionCookieName(rt.url);
      world = await registerWorld(rt, { name: 'Web World', redirectUris: [REDIRECT], claims: [{ name: 'age_over_18', required: true }] });
      moderator = await enrolPerson(rt);
      const claimed = await fetch(`${rt.url}/worlds/v1/me/worlds/${world.clientId}/handle`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${moderator.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handle: 'webmod' }),
      });
      assert.equal(claimed.status, 200, await claimed.text());
      const granted = await fetch(`${rt.url}/moderation/v1/worlds/${world.clientId}/roles`, {
        method: 'PUT',
        headers: {
          authorization: `Basic ${Buffer.from(`${world.clientId}:${world.clientSecret}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ subject: 'webmod', role: 'moderator' }),
      });
      assert.equal(granted.status, 200, await granted.text());
    });
    after(async () => rt.stop());

    /** Signs `person` in to mvid's account pages with their passkey in `browser` (`plant` runs once the sign-in page is open). */
    async function signInBrowser(person: TestPerson, browser = new Browser(rt.url), plant?: () => void): Promise<Browser> {
      const csrf = csrfOf(await (await browser.fetch('/account')).text());
      plant?.();
      const headers = { 'x-csrf-token': csrf, 'content-type': 'application/json' };
      const options = await (await browser.fetch('/account/sign-in/options', { method: 'POST', headers, body: '{}' })).json();
      const signedIn = await browser.fetch('/account/sign-in', {
        method: 'POST',
        headers,
        body: JSON.stringify(person.authenticator.get(options as never, rt.url)),
      });
      assert.equal(signedIn.status, 200, await signedIn.text());
      return browser;
    }

    /** The Location a request for this exact path (not normalised by a URL parser) is answered with. */
    function rawLocation(path: string, cookie: string): Promise<string | undefined> {
      return new Promise((resolve, reject) => {
        const url = new URL(rt.url);
        const req = request(
          { host: url.hostname, port: url.port, path, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.headers.location));
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    const registered = () => registeredRoutes(rt.app);
    const urlOf = (pattern: string) =>
      pattern
        .replace(':worldId', world.clientId)
        .replace(/:[A-Za-z]+/g, 'x')
        .replace('*', 'x');

    it('every route that changes something is classified for CSRF (a new form without a row fails)', () => {
      const unsafe = registered().filter((key) => !SAFE.has(key.split(' ')[0] as string));
      assertTableCovers(UNSAFE, unsafe, 'classify each new state-changing route in UNSAFE');
    });

    it('CSRF: a signed-in browser’s form without, or with a wrong, token is refused on every route; a cookie never stands in for a header credential', async () => {
      const browser = await signInBrowser(moderator);
      const session = browser.cookies.get(cookieName);
      assert.ok(session, 'signed in');
      const failures: string[] = [];
      for (const [key, kind] of Object.entries(UNSAFE)) {
        const [method = 'POST', pattern = '/'] = key.split(' ');
        for (const [type, body] of [
          ['application/x-www-form-urlencoded', 'text=forged&subject=webmod&csrf=forged'],
          ['application/json', '{"text":"forged"}'],
          ['text/plain', 'forged'],
        ] as const) {
          for (const token of [undefined, 'forged']) {
            const headers: Record<string, string> = {
              'content-type': type,
              ...(token && type === 'application/json' ? { 'x-csrf-token': token } : {}),
            };
            const r = await browser.fetch(urlOf(pattern), { method, headers, body });
            const text = await r.text();
            const code = /problem\+json/.test(r.headers.get('content-type') ?? '')
              ? (JSON.parse(text) as { code?: string }).code
              : undefined;
            const where = `${key} (${kind}, ${type}, token ${token ?? 'none'}) → ${r.status} ${code ?? ''}`;
            if (r.status >= 500) failures.push(where);
            else if (kind === 'session' || kind === 'pre-session') {
              // Refused as a forgery; JSON-only routes may refuse a form's content type first (a browser's form cannot send JSON).
              if (!(r.status === 403 && code === 'csrf_invalid') && !(r.status === 415 && type !== 'application/json'))
                failures.push(where);
            } else if (kind === 'header') {
              if (r.status !== 401 && r.status !== 415 && !(r.status === 403 && code === 'forbidden')) failures.push(where);
            } else if (kind === 'interaction' || kind === 'provider') {
              if (r.status < 400) failures.push(where);
            }
          }
        }
      }
      assert.deepEqual(failures, []);
      // Nothing happened: still signed in (sign-out and close were refused).
      assert.equal((await browser.fetch('/worlds/v1/me/worlds')).status, 200);
      assert.equal(browser.cookies.get(cookieName), session);
    });

    it('CSRF: the sign-in interaction’s forms need the token of that interaction', async () => {
      const config = await clientFor(rt, world.clientId, oidc.ClientSecretBasic(world.clientSecret as string));
      const req = await authorize(config, REDIRECT, 'openid age_over_18');
      const browser = new Browser(rt.url);
      const { url } = await browser.follow(req.url);
      const uid = /\/interaction\/([^/?#]+)/.exec(url)?.[1];
      assert.ok(uid, url);
      for (const path of ['passkey/options', 'passkey', 'continue', 'consent', 'abort']) {
        for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'application/json', 'x-csrf-token': 'forged' }]) {
          const r = await browser.fetch(`/interaction/${uid}/${path}`, { method: 'POST', headers, body: '{}' });
          assert.equal(r.status, 403, `${path}: ${r.status}`);
        }
      }
    });

    it('session fixation: a session id planted before sign-in is never the one after it, and a planted real session is revoked', async () => {
      const planted = new Browser(rt.url);
      planted.cookies.set(cookieName, 'attacker-chosen-session-id');
      await signInBrowser(moderator, planted, () => planted.cookies.set(cookieName, 'attacker-chosen-session-id'));
      const after = planted.cookies.get(cookieName);
      assert.ok(after && after !== 'attacker-chosen-session-id', 'a fresh session id on sign-in');

      // Login CSRF / fixation with the attacker's own live session planted in the victim's browser.
      const attacker = await signInBrowser(await enrolPerson(rt));
      const attackerSession = attacker.cookies.get(cookieName) as string;
      const victim = new Browser(rt.url);
      await signInBrowser(moderator, victim, () => victim.cookies.set(cookieName, attackerSession));
      assert.notEqual(victim.cookies.get(cookieName), attackerSession);
      assert.equal((await attacker.fetch('/worlds/v1/me/worlds')).status, 401, 'the planted session was rotated out');

      // oidc-provider's own session: rotated when the interaction signs the person in.
      const config = await clientFor(rt, world.clientId, oidc.ClientSecretBasic(world.clientSecret as string));
      const browser = new Browser(rt.url);
      await browser.fetch((await authorize(config, REDIRECT, 'openid age_over_18')).url);
      const before = browser.cookies.get('_session');
      const req = await authorize(config, REDIRECT, 'openid age_over_18');
      await walkSignIn(rt, browser, moderator, req.url);
      assert.ok(browser.cookies.get('_session'), 'oidc-provider keeps a session');
      assert.notEqual(browser.cookies.get('_session'), before, 'oidc-provider’s session id changes at sign-in');
    });

    it('clickjacking: every HTML page — mvid’s and oidc-provider’s — refuses to be framed', async () => {
      const browser = await signInBrowser(moderator);
      const config = await clientFor(rt, world.clientId, oidc.ClientSecretBasic(world.clientSecret as string));
      const pages = registered()
        .filter((key) => key.startsWith('GET '))
        .map((key) => urlOf(key.slice(4)));
      const signIn = (await browser.follow((await authorize(config, REDIRECT, 'openid age_over_18')).url)).url;
      pages.push(
        signIn,
        `/oidc/auth?client_id=${world.clientId}&redirect_uri=https://evil.example/&response_type=code&scope=openid`,
        '/oidc/session/end',
        `/oidc/auth?client_id=${world.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&response_mode=form_post&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256`,
        '/errors/forbidden',
        '/no-such-page',
      );
      let html = 0;
      const failures: string[] = [];
      for (const page of pages) {
        const r = await browser.fetch(page, { headers: { accept: 'text/html' } });
        await r.arrayBuffer();
        if (!/text\/html/.test(r.headers.get('content-type') ?? '')) continue;
        html++;
        if (r.headers.get('x-frame-options') !== 'DENY') failures.push(`${page}: X-Frame-Options ${r.headers.get('x-frame-options')}`);
        if (!/frame-ancestors 'none'/.test(r.headers.get('content-security-policy') ?? ''))
          failures.push(`${page}: CSP ${r.headers.get('content-security-policy')}`);
      }
      assert.deepEqual(failures, []);
      assert.ok(html >= 15, `only ${html} HTML pages seen`);
    });

    it('open redirect: return_to, next and path tricks on mvid’s own pages never send the browser elsewhere', async () => {
      const browser = await signInBrowser(moderator);
      const evil = 'https://evil.example/steal';
      const gets = registered()
        .filter((key) => key.startsWith('GET ') && !key.startsWith('GET /oidc'))
        .map((key) => urlOf(key.slice(4)));
      const tricks = [
        '//evil.example/',
        '/\\evil.example/',
        '/%2F%2Fevil.example/',
        '/account//evil.example',
        '/account/',
        '/account/?next=//evil.example',
      ];
      const failures: string[] = [];
      for (const path of [
        ...gets.map(
          (p) =>
            `${p}${p.includes('?') ? '&' : '?'}return_to=${encodeURIComponent(evil)}&next=${encodeURIComponent(evil)}&redirect=${encodeURIComponent(evil)}&redirect_uri=${encodeURIComponent(evil)}`,
        ),
        ...tricks,
      ]) {
        for (const cookie of [[...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), '']) {
          const location = await rawLocation(path, cookie);
          if (location !== undefined && new URL(location, rt.url).origin !== new URL(rt.url).origin) failures.push(`${path} → ${location}`);
        }
      }
      // The POST forms that redirect (sign-out, appeal, revoke) go to fixed pages whatever they are sent.
      const csrf = csrfOf(await (await browser.fetch('/account')).text());
      const out = await browser.fetch(`/account/sign-out?return_to=${encodeURIComponent(evil)}&next=${encodeURIComponent(evil)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, return_to: evil, next: evil }).toString(),
      });
      const location = out.headers.get('location');
      assert.ok(location === null || new URL(location, rt.url).origin === new URL(rt.url).origin, `sign-out → ${location}`);
      assert.deepEqual(failures, []);
    });
  });
}
