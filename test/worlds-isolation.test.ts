/**
 * Issue 14 findings 7 and 8, end to end through a listening mvid on both engines: token
 * introspection and revocation never cross worlds, and consent is remembered per person
 * and world (another browser, or after signing out) until the person withdraws it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { ENGINES } from './support/engines.ts';
import {
  Browser,
  enrolPerson,
  registerWorld,
  startWorldsRuntime,
  type TestPerson,
  walkSignIn,
  type WorldsRuntime,
} from './support/worlds.ts';

const REDIRECT_A = 'http://127.0.0.1:9/world-a/callback';
const REDIRECT_C = 'http://127.0.0.1:9/world-c/callback';

async function clientFor(rt: WorldsRuntime, clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(`${rt.url}/oidc`), clientId, undefined, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
  });
}

async function signIn(rt: WorldsRuntime, config: oidc.Configuration, person: TestPerson, browser: Browser, expectConsent?: boolean) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_A,
    scope: 'openid age_over_18',
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const callback = await walkSignIn(rt, browser, person, url.href, expectConsent === undefined ? {} : { expectConsent });
  assert.equal(callback.searchParams.get('error'), null, callback.href);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
}

for (const engine of ENGINES) {
  describe(`worlds isolation and remembered consent on ${engine}`, () => {
    let rt: WorldsRuntime;
    let configA: oidc.Configuration;
    let configC: oidc.Configuration;
    let ada: TestPerson;

    before(async () => {
      rt = await startWorldsRuntime(engine);
      const a = await registerWorld(rt, { name: 'World A', redirectUris: [REDIRECT_A], claims: [{ name: 'age_over_18', required: true }] });
      const c = await registerWorld(rt, { name: 'World C', redirectUris: [REDIRECT_C], claims: [{ name: 'age_over_18', required: true }] });
      configA = await clientFor(rt, a.clientId, a.clientSecret as string);
      configC = await clientFor(rt, c.clientId, c.clientSecret as string);
      ada = await enrolPerson(rt);
    });
    after(async () => rt.stop());

    it('finding 7: a world introspecting or revoking another world’s token learns nothing and changes nothing', async () => {
      const tokens = await signIn(rt, configA, ada, new Browser(rt.url));
      const own = await oidc.tokenIntrospection(configA, tokens.access_token);
      assert.equal(own.active, true);
      assert.equal(typeof own.sub, 'string');
      const foreign = await oidc.tokenIntrospection(configC, tokens.access_token);
      assert.deepEqual(foreign, { active: false });
      await oidc.tokenRevocation(configC, tokens.access_token);
      assert.equal((await oidc.tokenIntrospection(configA, tokens.access_token)).active, true, 'C could not revoke A’s token');
    });

    it('finding 8: consent is remembered across browsers and sign-outs, until the person withdraws it', async () => {
      const bob = await enrolPerson(rt);
      const first = new Browser(rt.url);
      const tokens = await signIn(rt, configA, bob, first, true);
      await signIn(rt, configA, bob, new Browser(rt.url), false);
      // Signing out of the world (RP-initiated logout drops the session's grant) is not withdrawing consent.
      const end = oidc.buildEndSessionUrl(configA, { id_token_hint: tokens.id_token as string });
      const page = await first.fetch(end.href);
      assert.match(String(page.headers.get('content-security-policy')), /default-src 'none'|script-src 'nonce-/);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
      const { response } = await first.follow('/oidc/session/end/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `logout=yes&xsrf=${xsrf}`,
      });
      assert.ok(response.headers.get('content-security-policy'), 'the signed-out page has a CSP too');
      await signIn(rt, configA, bob, first, false);
      const mine = await fetch(`${rt.url}/worlds/v1/me/worlds`, { headers: { authorization: `Bearer ${bob.sessionToken}` } });
      const listed = (await mine.json()) as { worlds: Array<{ world: { name: string }; consented: string[] }> };
      assert.deepEqual(listed.worlds.find((w) => w.world.name === 'World A')?.consented, ['age_over_18']);
      const worldId = configA.clientMetadata().client_id;
      const withdrawn = await fetch(`${rt.url}/worlds/v1/me/worlds/${worldId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${bob.sessionToken}` },
      });
      assert.equal(withdrawn.status, 204);
      await signIn(rt, configA, bob, new Browser(rt.url), true);
    });
  });
}
