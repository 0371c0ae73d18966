/**
 * Protocol attacks on mvid's OpenID provider, through a listening server on both engines
 * (codes, grants, replay records and sessions are stored): PKCE downgrade, authorization
 * code replay (the tokens it gave are revoked), redirect URIs that are not exactly the
 * registered one, post-logout redirects, forged client assertions and DPoP proofs
 * (`alg: none`, HS256 keyed with the public key, expired, replayed), request objects, a
 * forged `id_token_hint`, and one world's tokens at another world.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type JsonWebKey, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { signJws } from '../src/registry/index.ts';
import { ENGINES } from './support/engines.ts';
import { algNone, forgeries, hmacWithPublicKey } from './support/protocol-attacks.ts';
import {
  authorize,
  Browser,
  clientFor,
  enrolPerson,
  registerWorld,
  signIn,
  startWorldsRuntime,
  type TestPerson,
  walkSignIn,
  type WorldsRuntime,
} from './support/worlds.ts';

const REDIRECT_A = 'http://127.0.0.1:9/world-a/callback';
const LOGOUT_A = 'http://127.0.0.1:9/world-a/signed-out';
const REDIRECT_B = 'http://127.0.0.1:9/world-b/callback';
const LOGOUT_B = 'http://127.0.0.1:9/world-b/signed-out';
/** Any S256 challenge (RFC 7636's example): these requests never get as far as a code. */
const S256_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

for (const engine of ENGINES) {
  describe(`protocol attacks on the OpenID provider on ${engine}`, () => {
    let rt: WorldsRuntime;
    let a: { clientId: string; clientSecret?: string };
    let b: { clientId: string; clientSecret?: string };
    let configA: oidc.Configuration;
    let configB: oidc.Configuration;
    let keyed: { clientId: string; privateJwk: JsonWebKey; publicJwk: JsonWebKey };
    let ada: TestPerson;

    before(async () => {
      // Every refusal here would count against world A's abuse limits (tested in abuse-limits.test.ts).
      const off = { limit: 0, windowSeconds: 60 };
      rt = await startWorldsRuntime(engine, '127.0.0.1', {
        abuseLimits: { credentialIp: off, credentialPrincipal: off, mintIp: off, enrolIp: off },
      });
      const claims = [{ name: 'age_over_18', required: true }];
      a = await registerWorld(rt, { name: 'World A', redirectUris: [REDIRECT_A], postLogoutRedirectUris: [LOGOUT_A], claims });
      b = await registerWorld(rt, { name: 'World B', redirectUris: [REDIRECT_B], postLogoutRedirectUris: [LOGOUT_B], claims });
      configA = await clientFor(rt, a.clientId, oidc.ClientSecretBasic(a.clientSecret as string));
      configB = await clientFor(rt, b.clientId, oidc.ClientSecretBasic(b.clientSecret as string));
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'world-key', alg: 'ES256', use: 'sig' };
      const k = await registerWorld(rt, {
        name: 'Keyed World',
        redirectUris: ['http://127.0.0.1:9/keyed/callback'],
        claims,
        jwks: { keys: [publicJwk] },
      });
      keyed = { clientId: k.clientId, privateJwk: { ...privateKey.export({ format: 'jwk' }), kid: 'world-key' }, publicJwk };
      ada = await enrolPerson(rt);
    });
    after(async () => rt.stop());

    const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${rt.url}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      });
    const basicOf = (w: { clientId: string; clientSecret?: string }) => ({
      authorization: `Basic ${Buffer.from(`${w.clientId}:${w.clientSecret}`).toString('base64')}`,
    });
    const basicA = () => basicOf(a);

    /** An authorization request of world A by hand (the client library would refuse to build the bad ones); '' leaves a parameter out. */
    const authUrl = (params: Record<string, string>) => {
      const url = new URL(`${rt.url}/oidc/auth`);
      const all: Record<string, string> = { client_id: a.clientId, response_type: 'code', scope: 'openid', state: 's', ...params };
      for (const [k, v] of Object.entries(all)) if (v !== '') url.searchParams.set(k, v);
      return url;
    };

    /** The browser's walk up to the callback at world A, with these authorization parameters. */
    async function codeFor(extra: Record<string, string> = {}) {
      const req = await authorize(configA, REDIRECT_A, 'openid age_over_18', extra);
      const callback = await walkSignIn(rt, new Browser(rt.url), ada, req.url);
      return { ...req, code: callback.searchParams.get('code') as string, callback };
    }

    it('PKCE downgrade: plain, no challenge, and a missing or wrong verifier are refused', async () => {
      for (const extra of [
        { code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) },
        { code_challenge: '', code_challenge_method: '' },
      ]) {
        const url = authUrl({ redirect_uri: REDIRECT_A, ...extra });
        const { url: landed } = await new Browser(rt.url).follow(url.href);
        assert.equal(new URL(landed).searchParams.get('error'), 'invalid_request', `${JSON.stringify(extra)} → ${landed}`);
      }
      const { code } = await codeFor();
      const noVerifier = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_A }, basicA());
      assert.equal(noVerifier.status, 400);
      assert.equal(((await noVerifier.json()) as { error: string }).error, 'invalid_grant');
      const second = await codeFor();
      const wrong = await token(
        { grant_type: 'authorization_code', code: second.code, redirect_uri: REDIRECT_A, code_verifier: oidc.randomPKCECodeVerifier() },
        basicA(),
      );
      assert.equal(wrong.status, 400);
    });

    it('an authorization code used twice is refused, and the tokens it gave are revoked', async () => {
      const { code, verifier } = await codeFor();
      const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_A, code_verifier: verifier };
      const first = await token(form, basicA());
      assert.equal(first.status, 200);
      const tokens = (await first.json()) as { access_token: string };
      assert.equal((await oidc.tokenIntrospection(configA, tokens.access_token)).active, true);
      const again = await token(form, basicA());
      assert.equal(again.status, 400);
      assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
      assert.equal((await oidc.tokenIntrospection(configA, tokens.access_token)).active, false, 'the first exchange’s token is revoked');
      // World B cannot redeem world A's code either.
      const other = await codeFor();
      for (const redirect_uri of [REDIRECT_A, REDIRECT_B]) {
        const byB = await token(
          { grant_type: 'authorization_code', code: other.code, redirect_uri, code_verifier: other.verifier },
          basicOf(b),
        );
        assert.equal(byB.status, 400);
        assert.equal(((await byB.json()) as { error: string }).error, 'invalid_grant');
      }
    });

    it('open redirect: a redirect_uri that only resembles the registered one is refused without redirecting', async () => {
      for (const evil of [
        'http://127.0.0.1:9/world-a/callback/',
        'http://127.0.0.1:9/world-a/callbackx',
        'http://127.0.0.1:9/world-a/callback/../../evil',
        'http://127.0.0.1:9/world-a/callback?next=https://evil.example',
        'http://127.0.0.1:9/world-a/callback%2F..%2Fevil',
        'http://127.0.0.1:9@evil.example/world-a/callback',
        'http://127.0.0.1:90/world-a/callback',
        'http://127.0.0.1.evil.example:9/world-a/callback',
        'https://127.0.0.1:9/world-a/callback',
        'http://127.0.0.1:9/WORLD-A/callback',
        REDIRECT_B,
        'javascript:alert(1)//127.0.0.1:9/world-a/callback',
      ]) {
        const url = authUrl({ redirect_uri: evil, code_challenge: S256_CHALLENGE, code_challenge_method: 'S256' });
        const r = await new Browser(rt.url).fetch(url.href);
        assert.equal(r.status, 400, `${evil} → ${r.status} ${r.headers.get('location')}`);
        assert.equal(r.headers.get('location'), null, evil);
      }
    });

    it('post_logout_redirect_uri: only the world’s own registered one is followed', async () => {
      const { tokens, browser } = await signIn(rt, configA, ada, REDIRECT_A, 'openid age_over_18');
      const idToken = tokens.id_token as string;
      for (const evil of [LOGOUT_B, 'https://evil.example/', `${LOGOUT_A}/x`, `${LOGOUT_A}?next=https://evil.example`]) {
        const url = new URL(`${rt.url}/oidc/session/end`);
        url.searchParams.set('id_token_hint', idToken);
        url.searchParams.set('post_logout_redirect_uri', evil);
        const r = await browser.fetch(url.href);
        assert.equal(r.status, 400, `${evil}: ${r.status} ${r.headers.get('location')}`);
        assert.equal(r.headers.get('location'), null);
      }
      // World B's client id with world A's ID token, and a forged (unsigned) hint.
      const mixed = new URL(`${rt.url}/oidc/session/end`);
      mixed.searchParams.set('id_token_hint', idToken);
      mixed.searchParams.set('client_id', (configB.clientMetadata().client_id as string) ?? '');
      mixed.searchParams.set('post_logout_redirect_uri', LOGOUT_B);
      assert.equal((await browser.fetch(mixed.href)).status, 400, 'A’s ID token with B’s client id');
      for (const forged of [algNone(idToken), ...hmacWithPublicKey(idToken, (await jwks())[0] as JsonWebKey)]) {
        const url = new URL(`${rt.url}/oidc/session/end`);
        url.searchParams.set('id_token_hint', forged);
        url.searchParams.set('post_logout_redirect_uri', LOGOUT_A);
        const r = await browser.fetch(url.href);
        assert.equal(r.status, 400, 'a forged id_token_hint');
        assert.equal(r.headers.get('location'), null);
      }
    });

    async function jwks(): Promise<JsonWebKey[]> {
      return ((await (await fetch(`${rt.url}/oidc/jwks`)).json()) as { keys: JsonWebKey[] }).keys;
    }

    it('the ID token names its world as audience; another world’s access token is nothing at userinfo or introspection', async () => {
      const { tokens } = await signIn(rt, configA, ada, REDIRECT_A, 'openid age_over_18');
      const claims = tokens.claims() as { aud: string | string[]; azp?: string };
      assert.deepEqual([claims.aud].flat(), [a.clientId]);
      // World B's client refuses the ID token (its aud is A), as any OpenID client must.
      assert.deepEqual(await oidc.tokenIntrospection(configB, tokens.access_token), { active: false });
      // A client-credentials token (audience: mvid's API) is no user access token at userinfo.
      const api = await oidc.clientCredentialsGrant(configA, { scope: 'mvid:world', resource: `${rt.url}/api` });
      const info = await fetch(`${rt.url}/oidc/me`, { headers: { authorization: `Bearer ${api.access_token}` } });
      assert.ok(info.status === 401 || info.status === 400, `userinfo with an API token: ${info.status}`);
    });

    it('client assertions (private_key_jwt): forged, expired, misaddressed and replayed assertions are refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      const assertion = (claims: Record<string, unknown> = {}) =>
        signJws(
          { kid: 'world-key', typ: 'JWT' },
          { iss: keyed.clientId, sub: keyed.clientId, aud: `${rt.url}/oidc`, jti: randomUUID(), iat: now, exp: now + 60, ...claims },
          keyed.privateJwk,
        );
      const grant = (clientAssertion: string) =>
        token({
          grant_type: 'client_credentials',
          scope: 'mvid:world',
          resource: `${rt.url}/api`,
          client_id: keyed.clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientAssertion,
        });
      const honest = assertion();
      const ok = await grant(honest);
      assert.equal(ok.status, 200, await ok.text());
      assert.equal((await grant(honest)).status, 401, 'the same assertion (jti) twice');
      for (const [name, forged] of forgeries(assertion(), keyed.publicJwk)) {
        const r = await grant(forged);
        assert.equal(r.status, 401, `${name}: ${r.status}`);
        assert.equal(((await r.json()) as { error: string }).error, 'invalid_client', name);
      }
      for (const [name, claims] of [
        ['expired', { iat: now - 600, exp: now - 300 }],
        ['not yet valid', { nbf: now + 600, iat: now + 600, exp: now + 900 }],
        ['another audience', { aud: 'https://other-issuer.example' }],
        ['another issuer', { iss: a.clientId, sub: a.clientId }],
      ] as const) {
        const r = await grant(assertion(claims));
        assert.ok(r.status === 401 || r.status === 400, `${name}: ${r.status}`);
      }
    });

    it('DPoP: proofs with alg none, HS256 keyed with the public key, stale, for another URL or replayed are refused', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const now = Math.floor(Date.now() / 1000);
      const proof = (claims: Record<string, unknown> = {}) =>
        signJws({ typ: 'dpop+jwt', jwk }, { jti: randomUUID(), htm: 'POST', htu: `${rt.url}/oidc/token`, iat: now, ...claims }, privateKey);
      const grant = (dpop: string) =>
        token({ grant_type: 'client_credentials', scope: 'mvid:world', resource: `${rt.url}/api` }, { ...basicA(), dpop });
      const honest = proof();
      const ok = await grant(honest);
      const body = await ok.text();
      assert.equal(ok.status, 200, body);
      assert.equal((JSON.parse(body) as { token_type: string }).token_type, 'DPoP');
      assert.equal((await grant(honest)).status, 400, 'a replayed DPoP proof');
      for (const forged of [algNone(proof()), ...hmacWithPublicKey(proof(), jwk)]) assert.equal((await grant(forged)).status, 400);
      for (const claims of [{ iat: now - 3600 }, { iat: now + 3600 }, { htu: `${rt.url}/oidc/other` }, { htm: 'GET' }]) {
        assert.equal((await grant(proof(claims))).status, 400, JSON.stringify(claims));
      }
    });

    it('a client kept between token requests still needs its secret, and a disabled world stops at once', async () => {
      const w = await registerWorld(rt, { name: 'Disabled Soon', redirectUris: ['http://127.0.0.1:9/soon/callback'], claims: [] });
      const form = { grant_type: 'client_credentials', scope: 'mvid:world', resource: `${rt.url}/api` };
      for (let i = 0; i < 3; i++) assert.equal((await token(form, basicOf(w))).status, 200, 'served, then served from the kept client');
      const wrong = await token(form, basicOf({ clientId: w.clientId, clientSecret: `${w.clientSecret}x` }));
      assert.equal(wrong.status, 401, 'a wrong secret for a kept client');
      assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_client');
      await rt.worlds.registry.disable(w.clientId);
      const refused = await token(form, basicOf(w));
      assert.equal(refused.status, 401, 'disabled: no token on the very next request');
      assert.equal(((await refused.json()) as { error: string }).error, 'invalid_client');
    });

    it('request objects (JAR) are not accepted, signed or not', async () => {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: a.clientId,
        aud: `${rt.url}/oidc`,
        client_id: a.clientId,
        response_type: 'code',
        redirect_uri: 'https://evil.example/cb',
        scope: 'openid',
        iat: now,
        exp: now + 60,
      };
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
      for (const request of [unsigned]) {
        const url = new URL(`${rt.url}/oidc/auth`);
        url.searchParams.set('client_id', a.clientId);
        url.searchParams.set('request', request);
        const r = await new Browser(rt.url).fetch(url.href);
        const location = r.headers.get('location') ?? '';
        assert.ok(!location.startsWith('https://evil.example'), `a request object steered the redirect: ${location}`);
        assert.ok(r.status === 400 || new URL(location, rt.url).searchParams.get('error') !== null, `${r.status} ${location}`);
      }
    });
  });
}
