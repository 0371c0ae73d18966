/**
 * Issue 14's edge findings as regression tests, on both engines: authentication before a
 * large body is read, malformed cookies, NUL bytes (PostgreSQL refuses them in text), and
 * the shape of every error the server or Node itself produces.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
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
        '/credentials/v1/verify',
        '/credentials/v1/presentation-requests',
      ]) {
        const r = await rt.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
        problem(r, 401, 'unauthenticated');
      }
      // Moderation's world routes and the key ceremony, likewise (they used to validate first).
      for (const [method, url] of [
        ['POST', '/admin/v1/dkg'],
        ['POST', '/admin/v1/reshare'],
        ['POST', '/registry/v1/dkg/x/messages/announce'],
        ['POST', '/registry/v1/dkg/x/messages/not-a-round'],
        ['POST', '/moderation/v1/worlds/x/reports'],
        ['POST', '/moderation/v1/worlds/x/evidence'],
        ['PUT', '/moderation/v1/worlds/x/roles'],
        ['PUT', '/moderation/v1/worlds/x/settings'],
        ['POST', '/moderation/v1/worlds/x/cases/y/assign'],
        ['POST', '/moderation/v1/worlds/x/cases/y/notes'],
        ['POST', '/moderation/v1/worlds/x/cases/y/decision'],
        ['POST', '/moderation/v1/worlds/x/appeals/y/decision'],
        ['POST', '/moderation/console/x/cases/y/notes'],
        ['POST', '/moderation/console/x/appeals/y/decision'],
        ['POST', '/moderation/report/x'],
        ['POST', '/account/moderation/decisions/x/appeal'],
      ] as const) {
        const r = await rt.app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload });
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

    it('finding 1: every route a stranger may post to has a body limit that fits it, far below the app-wide one', async () => {
      const payload = `{"x":"${'a'.repeat(200 * 1024)}"}`;
      for (const url of [
        '/registry/v1/nonces',
        '/registry/v1/enrolments',
        '/registry/v1/recoveries',
        '/registry/v1/sessions',
        '/credentials/oid4vci/token',
        '/credentials/oid4vci/nonce',
        '/credentials/v1/attribute-issuers/revocations',
        '/account/sign-in/options',
        '/account/sign-in',
        '/interaction/abc/passkey',
        '/interaction/abc/consent',
      ]) {
        const r = await rt.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
        problem(r, 413, 'payload_too_large');
      }
      const stranger = await rt.app.inject({
        method: 'POST',
        url: '/credentials/oid4vci/credential',
        headers: { 'content-type': 'application/json' },
        payload: '{"proofs":',
      });
      problem(stranger, 401, 'unauthenticated');
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

    it('found by the hostile-input suite: a query number too large for a double is refused, not coerced to Infinity', async () => {
      for (const url of [
        `/log/v1/proof/inclusion?index=${'9'.repeat(400)}`,
        '/log/v1/proof/inclusion?index=1e400',
        '/log/v1/entries?start=1e400',
        '/log/v1/proof/consistency?first=1&second=1e999',
      ]) {
        problem(await rt.app.inject({ method: 'GET', url }), 400, 'validation_failed');
      }
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

/** Sends raw bytes to a listening server and returns everything it answers before closing. */
async function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let out = '';
    socket.on('data', (chunk) => {
      out += chunk.toString();
    });
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
  });
}

function rawProblem(response: string, status: number, code: string): void {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  assert.match(head, new RegExp(`^HTTP/1.1 ${status} `));
  assert.match(head, /content-type: application\/problem\+json/i);
  assert.match(head, /x-content-type-options: nosniff/i);
  const doc = JSON.parse(body) as Record<string, unknown>;
  assert.equal(doc.code, code);
  assert.equal(doc.status, status);
  assert.equal(doc.type, `https://mvid.test/errors/${code}`);
}

for (const engine of ENGINES) {
  describe(`finding 5: every answer is problem+json with the security headers, on ${engine}`, () => {
    let rt: TestRuntime;
    let admin: string;
    let port: number;

    before(async () => {
      rt = await startTestRuntime(engine, { publicUrl: 'https://mvid.test', metricsToken: 'metrics-scraper-token-0123456789abcdef' });
      admin = (await rt.registry.adminTokens.create('edge-admin')).token;
      await rt.app.listen({ host: '127.0.0.1', port: 0 });
      const address = rt.app.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    after(async () => rt.stop());

    const httpsProblem = (r: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string) => {
      assert.equal(r.statusCode, status, r.body);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      assert.equal((JSON.parse(r.body) as { code: string }).code, code);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.match(String(r.headers['strict-transport-security']), /^max-age=\d+/);
    };

    it("Fastify's own 400 (bad URL encoding) and 414 (long path parameter) are problem documents", async () => {
      httpsProblem(await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds/%E0%A4%A' }), 400, 'bad_request');
      httpsProblem(await rt.app.inject({ method: 'GET', url: '/%' }), 400, 'bad_request');
      httpsProblem(await rt.app.inject({ method: 'GET', url: `/admin/v1/worlds/${'a'.repeat(600)}` }), 414, 'uri_too_long');
    });

    it("Node's own 400 (malformed HTTP) and 431 (headers too large) are problem documents", async () => {
      rawProblem(await rawExchange(port, 'GARBAGE\r\n\r\n'), 400, 'bad_request');
      rawProblem(await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`), 431, 'header_too_large');
    });

    it('sends HSTS (https public URL) and nosniff on every response, pages and oidc-provider included', async () => {
      for (const url of ['/healthz', '/', '/openapi.json', '/oidc/.well-known/openid-configuration', '/oidc/jwks', '/nope']) {
        const r = await rt.app.inject({ method: 'GET', url });
        assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
        assert.match(String(r.headers['strict-transport-security']), /^max-age=\d+; includeSubDomains$/, url);
      }
    });

    it('/metrics is not public: an admin token or the configured scraper token', async () => {
      httpsProblem(await rt.app.inject({ method: 'GET', url: '/metrics' }), 401, 'unauthenticated');
      httpsProblem(
        await rt.app.inject({ method: 'GET', url: '/metrics', headers: bearer('metrics-scraper-token-0123456789abcdeX') }),
        401,
        'unauthenticated',
      );
      const scraper = await rt.app.inject({ method: 'GET', url: '/metrics', headers: bearer('metrics-scraper-token-0123456789abcdef') });
      assert.equal(scraper.statusCode, 200);
      assert.match(scraper.body, /mvid_http_requests_total/);
      assert.equal((await rt.app.inject({ method: 'GET', url: '/metrics', headers: bearer(admin) })).statusCode, 200);
    });

    it('personal responses are never cached: Cache-Control no-store whenever a credential was presented', async () => {
      const session = await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: bearer('mvs_unknown') });
      assert.equal(session.headers['cache-control'], 'no-store');
      const admins = await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(admin) });
      assert.equal(admins.statusCode, 200);
      assert.equal(admins.headers['cache-control'], 'no-store');
    });
  });
}
