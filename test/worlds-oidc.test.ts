/**
 * End to end, on both engines: a stock OpenID Connect client (openid-client) signs a
 * person in through a listening mvid — discovery, authorization code + PKCE, passkey
 * sign-in from a software authenticator, consent, token exchange, ID token verified
 * against the JWKS, userinfo — and the attacks: unregistered claims, missing or wrong
 * PKCE, foreign redirect URIs, refresh-token reuse, withdrawn consent.
 */
import assert from 'node:assert/strict';
import type { webcrypto } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { pseudonymInput, vrfVerify } from '../src/crypto/index.ts';
import { mvidJwks, verifyWorldIdToken } from '../src/sdk/index.ts';
import { ENGINES } from './support/engines.ts';
import {
  authorize,
  Browser,
  clientFor,
  enrolPerson,
  recoverPerson,
  registerWorld,
  signIn,
  startWorldsRuntime,
  type TestPerson,
  walkSignIn,
  type WorldsRuntime,
} from './support/worlds.ts';

const REDIRECT_A = 'http://127.0.0.1:9/world-a/callback';
const REDIRECT_B = 'http://localhost:9/world-b/callback';

for (const engine of ENGINES) {
  describe(`worlds: OpenID Connect end to end on ${engine}`, () => {
    let rt: WorldsRuntime;
    let a: { clientId: string; clientSecret?: string };
    let b: { clientId: string };
    let configA: oidc.Configuration;
    let configB: oidc.Configuration;
    let ada: TestPerson;

    before(async () => {
      rt = await startWorldsRuntime(engine);
      a = await registerWorld(rt, {
        name: 'World A',
        redirectUris: [REDIRECT_A],
        claims: [
          { name: 'age_over_18', required: true },
          { name: 'handle', required: false },
        ],
      });
      const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
      b = await registerWorld(rt, {
        name: 'World B',
        redirectUris: [REDIRECT_B],
        claims: [{ name: 'age_over_18', required: true }],
        jwks: { keys: [{ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y, alg: 'ES256', use: 'sig' }] },
      });
      configA = await clientFor(rt, a.clientId, oidc.ClientSecretBasic(a.clientSecret as string));
      configB = await clientFor(rt, b.clientId, oidc.PrivateKeyJwt(pair.privateKey));
      ada = await enrolPerson(rt);
      const handle = await fetch(`${rt.url}/worlds/v1/me/worlds/${a.clientId}/handle`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ada.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handle: 'Ada' }),
      });
      assert.equal(handle.status, 200, await handle.clone().text());
    });
    after(async () => rt.stop());

    it('publishes discovery: issuer under /oidc, pairwise subjects only, PKCE S256', async () => {
      const meta = configA.serverMetadata();
      assert.equal(meta.issuer, `${rt.url}/oidc`);
      assert.deepEqual(meta.subject_types_supported, ['pairwise']);
      assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
      assert.ok(meta.dpop_signing_alg_values_supported?.includes('ES256'));
      assert.equal(meta.jwks_uri, `${rt.url}/oidc/jwks`);
    });

    it('signs a person in with code + PKCE; the ID token verifies against the JWKS; userinfo answers the consented claims', async () => {
      const { tokens } = await signIn(rt, configA, ada, REDIRECT_A, 'openid age_over_18 handle');
      const idToken = tokens.id_token as string;
      const { payload, protectedHeader } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${rt.url}/oidc/jwks`)), {
        issuer: `${rt.url}/oidc`,
        audience: a.clientId,
      });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.age_over_18, true);
      assert.equal(payload.handle, 'Ada');
      assert.notEqual(payload.sub, ada.personId, 'the world never sees the person id');
      const who = await verifyWorldIdToken(idToken, { issuer: `${rt.url}/oidc`, clientId: a.clientId, jwks: mvidJwks(`${rt.url}/oidc`) });
      assert.deepEqual(who.claims, { age_over_18: true, handle: 'Ada' });
      const info = await oidc.fetchUserInfo(configA, tokens.access_token, who.sub);
      assert.equal(info.handle, 'Ada');
      assert.equal(info.age_over_18, true);
      assert.equal(info.birthdate, undefined);
    });

    it('gives two worlds different subjects for one person, and the same subject after recovery', async () => {
      const inA = (await signIn(rt, configA, ada, REDIRECT_A, 'openid age_over_18')).tokens.claims()?.sub;
      const inB = (await signIn(rt, configB, ada, REDIRECT_B, 'openid age_over_18')).tokens.claims()?.sub;
      assert.ok(inA && inB);
      assert.notEqual(inA, inB);
      // The OIDC pairwise subject is the pseudonym VRF's output, provable to be this person's (issue 12).
      const published = (await (await fetch(`${rt.url}/disclosure/v1/log`)).json()) as { pseudonymKey: string };
      const { subject, proof } = rt.worlds.subjectProof(a.clientId, ada.personId);
      assert.equal(subject, inA);
      assert.equal(vrfVerify(published.pseudonymKey, pseudonymInput(a.clientId, ada.personId), proof), inA);
      assert.equal(vrfVerify(published.pseudonymKey, pseudonymInput(b.clientId, ada.personId), proof), undefined);
      // Each sign-in indexed its subject (issue 18): a disclosure request resolves it by one indexed read.
      assert.equal(await rt.worlds.personOfSubject(a.clientId, inA), ada.personId);
      assert.equal(await rt.worlds.personOfSubject(b.clientId, inB), ada.personId);
      assert.equal(await rt.worlds.personOfSubject(a.clientId, inB), undefined, 'a subject belongs to its own world only');
      rt.clock.advanceDays(2);
      const recovered = await recoverPerson(rt, ada);
      assert.equal(recovered.personId, ada.personId);
      const again = await signIn(rt, configA, recovered, REDIRECT_A, 'openid age_over_18 handle');
      assert.equal(again.tokens.claims()?.sub, inA);
      assert.equal(again.tokens.claims()?.handle, 'Ada', 'the handle follows the person through recovery');
      ada = recovered;
    });

    it('refuses a claim the world did not register', async () => {
      const req = await authorize(configA, REDIRECT_A, 'openid age_over_18 residence_country');
      const { url } = await new Browser(rt.url).follow(req.url);
      const callback = new URL(url);
      assert.equal(callback.origin + callback.pathname, REDIRECT_A);
      assert.equal(callback.searchParams.get('error'), 'invalid_scope');
    });

    it('refuses an authorization request without PKCE, and a token request with the wrong verifier', async () => {
      const url = oidc.buildAuthorizationUrl(configA, { redirect_uri: REDIRECT_A, scope: 'openid', state: 's' });
      const { url: landed } = await new Browser(rt.url).follow(url.href);
      assert.equal(new URL(landed).searchParams.get('error'), 'invalid_request');
      const req = await authorize(configA, REDIRECT_A, 'openid age_over_18');
      const callback = await walkSignIn(rt, new Browser(rt.url), ada, req.url);
      await assert.rejects(
        oidc.authorizationCodeGrant(configA, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: req.state }),
        (e: Error & { error?: string }) => {
          assert.equal(e.error, 'invalid_grant');
          return true;
        },
      );
    });

    it('refuses a redirect URI that is not registered, without redirecting', async () => {
      const req = await authorize(configA, 'http://127.0.0.1:9/evil', 'openid');
      const r = await new Browser(rt.url).fetch(req.url);
      assert.equal(r.status, 400);
      assert.equal(r.headers.get('location'), null);
      assert.match(await r.text(), /redirect_uri/);
    });

    it('rotates refresh tokens; reusing a rotated one revokes the grant', async () => {
      const { tokens } = await signIn(rt, configA, ada, REDIRECT_A, 'openid offline_access age_over_18');
      const first = tokens.refresh_token as string;
      assert.ok(first);
      const second = await oidc.refreshTokenGrant(configA, first);
      assert.ok(second.refresh_token && second.refresh_token !== first);
      await assert.rejects(oidc.refreshTokenGrant(configA, first), { error: 'invalid_grant' });
      await assert.rejects(
        oidc.refreshTokenGrant(configA, second.refresh_token as string),
        { error: 'invalid_grant' },
        'the whole grant is gone',
      );
      await assert.rejects(oidc.fetchUserInfo(configA, second.access_token, oidc.skipSubjectCheck));
    });

    it('lists the worlds a person uses; withdrawn consent stops the release', async () => {
      const { tokens } = await signIn(rt, configA, ada, REDIRECT_A, 'openid offline_access age_over_18 handle');
      const auth = { authorization: `Bearer ${ada.sessionToken}` };
      const listed = (await (await fetch(`${rt.url}/worlds/v1/me/worlds`, { headers: auth })).json()) as {
        worlds: Array<{ world: { id: string }; consented: string[]; received: string[] }>;
      };
      const inA = listed.worlds.find((w) => w.world.id === a.clientId);
      assert.deepEqual(inA?.received, ['age_over_18', 'handle']);
      assert.ok(inA?.consented.includes('handle'));
      assert.ok(listed.worlds.some((w) => w.world.id === b.clientId));
      // Withdraw one claim: a refreshed token no longer carries it.
      assert.equal(
        (await fetch(`${rt.url}/worlds/v1/me/worlds/${a.clientId}?claim=handle`, { method: 'DELETE', headers: auth })).status,
        204,
      );
      const refreshed = await oidc.refreshTokenGrant(configA, tokens.refresh_token as string);
      const info = await oidc.fetchUserInfo(configA, refreshed.access_token, oidc.skipSubjectCheck);
      assert.equal(info.handle, undefined);
      assert.equal(info.age_over_18, true);
      // Withdraw everything: tokens die with the grant.
      assert.equal((await fetch(`${rt.url}/worlds/v1/me/worlds/${a.clientId}`, { method: 'DELETE', headers: auth })).status, 204);
      await assert.rejects(oidc.fetchUserInfo(configA, refreshed.access_token, oidc.skipSubjectCheck));
      await assert.rejects(oidc.refreshTokenGrant(configA, refreshed.refresh_token as string), { error: 'invalid_grant' });
    });

    it('binds tokens to a DPoP key when the world sends proofs', async () => {
      const dpop = oidc.getDPoPHandle(configB, await oidc.randomDPoPKeyPair('ES256'));
      const req = await authorize(configB, REDIRECT_B, 'openid age_over_18');
      const callback = await walkSignIn(rt, new Browser(rt.url), ada, req.url);
      const tokens = await oidc.authorizationCodeGrant(
        configB,
        callback,
        { pkceCodeVerifier: req.verifier, expectedState: req.state },
        undefined,
        { DPoP: dpop },
      );
      assert.equal(tokens.token_type.toLowerCase(), 'dpop');
      const sub = tokens.claims()?.sub as string;
      assert.equal((await oidc.fetchUserInfo(configB, tokens.access_token, sub, { DPoP: dpop })).age_over_18, true);
      await assert.rejects(oidc.fetchUserInfo(configB, tokens.access_token, sub), 'a stolen DPoP-bound token is useless without the key');
    });

    it('signs out through RP-initiated logout, with its own CSRF-protected form', async () => {
      const { tokens, browser } = await signIn(rt, configA, ada, REDIRECT_A, 'openid age_over_18');
      const end = oidc.buildEndSessionUrl(configA, { id_token_hint: tokens.id_token as string });
      const page = await browser.fetch(end.href);
      assert.equal(page.status, 200);
      assert.match(String(page.headers.get('content-security-policy')), /script-src 'nonce-/);
      const html = await page.text();
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      assert.ok(xsrf, html);
      const forged = await browser.fetch('/oidc/session/end/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'logout=yes&xsrf=forged',
      });
      assert.equal(forged.status, 400);
      const { response } = await browser.follow('/oidc/session/end/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `logout=yes&xsrf=${xsrf}`,
      });
      assert.match(await response.text(), /Signed out/);
    });

    it('issues JWT access tokens for mvid API to a world by client credentials', async () => {
      const api = `${rt.url}/api`;
      const token = await oidc.clientCredentialsGrant(configB, { scope: 'mvid:world', resource: api });
      const { payload } = await jwtVerify(token.access_token, createRemoteJWKSet(new URL(`${rt.url}/oidc/jwks`)), {
        issuer: `${rt.url}/oidc`,
        audience: api,
      });
      assert.equal(payload.client_id, b.clientId);
      assert.equal(payload.scope, 'mvid:world');
    });
  });
}
