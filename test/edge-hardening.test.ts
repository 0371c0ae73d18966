/**
 * Issue 14's edge findings as regression tests, on both engines: authentication before a
 * large body is read, malformed cookies, NUL bytes (PostgreSQL refuses them in text), and
 * the shape of every error the server or Node itself produces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { bearer, problem } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

for (const engine of ENGINES) {
  describe(`edge hardening on ${engine}`, () => {
    let rt: TestRuntime;
    let admin: string;

    before(async () => {
      rt = await startTestRuntime(engine);
      admin = (await rt.registry.adminTokens.create('edge-admin')).token;
    });
    after(async () => rt.stop());

    it('finding 1: a stranger posting a large body is refused 401 before it is parsed', async () => {
      // Invalid JSON: were the body parsed first, this would be a 400 bad_request.
      const payload = `{"x":"${'a'.repeat(2 * 1024 * 1024)}`;
      for (const url of [
        '/disclosure/v1/requests',
        '/admin/v1/worlds',
        '/disclosure/v1/trustee/requests/x/shares',
        '/registry/v1/me/keys',
      ]) {
        const r = await rt.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
        problem(r, 401, 'unauthenticated');
      }
      const forged = await rt.app.inject({
        method: 'POST',
        url: '/disclosure/v1/requests',
        headers: { ...bearer('mvau_forged'), 'content-type': 'application/json' },
        payload,
      });
      problem(forged, 401, 'unauthenticated');
    });

    it('finding 1: an authenticated caller still meets the route body limit', async () => {
      const r = await rt.app.inject({
        method: 'POST',
        url: '/admin/v1/worlds',
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        payload: `{"name":"${'a'.repeat(256 * 1024)}"}`,
      });
      problem(r, 413, 'payload_too_large');
    });

    it('finding 2: a malformed cookie is no session (401 or a page), never a 500', async () => {
      const cookie = 'mvid_session=%E0%A4%A; other=%';
      for (const [method, url] of [
        ['GET', '/worlds/v1/me/worlds'],
        ['GET', '/worlds/v1/me/passkeys'],
        ['POST', '/account/sign-out'],
        ['POST', '/account/passkeys/options'],
        ['GET', '/account/disclosures'],
      ] as const) {
        const r = await rt.app.inject({ method, url, headers: { cookie } });
        problem(r, 401, 'unauthenticated');
      }
      const account = await rt.app.inject({ method: 'GET', url: '/account', headers: { cookie } });
      assert.ok(account.statusCode < 500, account.body);
      const interaction = await rt.app.inject({ method: 'GET', url: '/interaction/abc', headers: { cookie } });
      assert.ok(interaction.statusCode < 500 && interaction.statusCode >= 400, interaction.body);
      const consent = await rt.app.inject({
        method: 'POST',
        url: '/interaction/abc/consent',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'csrf=x',
      });
      assert.ok(consent.statusCode < 500 && consent.statusCode >= 400, consent.body);
    });

    it('finding 3: NUL bytes in path ids, query and bodies are bad input, not a database error', async () => {
      for (const url of ['/admin/v1/worlds/abc%00def', '/admin/v1/worlds/%00', '/log/v1/entries?start=%00']) {
        const r = await rt.app.inject({ method: 'GET', url, headers: bearer(admin) });
        problem(r, 400, 'bad_request');
      }
      for (const url of ['/admin/v1/issuers/a%00b', '/admin/v1/authorities/a%00b', '/credentials/v1/attribute-issuers/a%00']) {
        problem(await rt.app.inject({ method: 'DELETE', url, headers: bearer(admin) }), 400, 'bad_request');
      }
      const body = await rt.app.inject({
        method: 'POST',
        url: '/admin/v1/issuers',
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'a\u0000b', iss: 'https://x\u0000', jwks: { keys: [] }, namespaces: ['GB:x'] }),
      });
      problem(body, 400, 'bad_request');
      const basic = `Basic ${Buffer.from('world\u0000id:secret').toString('base64')}`;
      const verify = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/presentation-requests',
        headers: { authorization: basic },
        payload: { claims: ['age_over_18'] },
      });
      assert.ok([400, 401].includes(verify.statusCode), verify.body);
    });

    it('finding 3: NUL bytes in OpenID Connect client ids are refused by the provider, not a 500', async () => {
      const token = await rt.app.inject({
        method: 'POST',
        url: '/oidc/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials&client_id=a%00b&client_secret=x',
      });
      assert.ok(token.statusCode >= 400 && token.statusCode < 500, `${token.statusCode} ${token.body}`);
      const basic = await rt.app.inject({
        method: 'POST',
        url: '/oidc/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('a%00b:x').toString('base64')}`,
        },
        payload: 'grant_type=client_credentials',
      });
      assert.ok(basic.statusCode >= 400 && basic.statusCode < 500, `${basic.statusCode} ${basic.body}`);
      const auth = await rt.app.inject({ method: 'GET', url: '/oidc/auth?client_id=a%00b&response_type=code&scope=openid' });
      assert.ok(auth.statusCode >= 400 && auth.statusCode < 500, `${auth.statusCode} ${auth.body}`);
      const raw = await rt.app.inject({ method: 'GET', url: '/oidc/auth?client_id=a\u0000b&response_type=code&scope=openid' });
      assert.ok(raw.statusCode >= 400 && raw.statusCode < 500, `${raw.statusCode} ${raw.body}`);
    });
  });
}
