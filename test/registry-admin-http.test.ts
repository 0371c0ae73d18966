/** Admin API (issuers, trustee sets), bearer authentication and the registry's OpenAPI document, on both engines. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateHolderKey, issueDevPid, presentPid, signJws } from '../src/registry/index.ts';
import { ENGINES } from './support/engines.ts';
import { AUDIENCE, personClaims } from './support/registry.ts';
import { bearer, nonce, problem, publishTrustees } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

for (const engine of ENGINES) {
  describe(`registry admin API on ${engine}`, () => {
    let rt: TestRuntime;
    let token: string;

    before(async () => {
      rt = await startTestRuntime(engine);
      token = (await rt.registry.adminTokens.create('test-admin')).token;
      await publishTrustees(rt);
    });
    after(async () => rt.stop());

    it('refuses missing, unknown, person and revoked tokens with 401 and a Bearer challenge', async () => {
      const none = await rt.app.inject({ method: 'GET', url: '/admin/v1/issuers' });
      problem(none, 401, 'unauthenticated');
      assert.match(String(none.headers['www-authenticate']), /^Bearer realm="mvid-admin"/);
      problem(await rt.app.inject({ method: 'GET', url: '/admin/v1/issuers', headers: bearer('mva_nope') }), 401, 'unauthenticated');
      problem(
        await rt.app.inject({ method: 'GET', url: '/admin/v1/issuers', headers: { authorization: `Basic ${token}` } }),
        401,
        'unauthenticated',
      );
      const temp = await rt.registry.adminTokens.create('temporary');
      assert.equal((await rt.app.inject({ method: 'GET', url: '/admin/v1/issuers', headers: bearer(temp.token) })).statusCode, 200);
      await rt.registry.adminTokens.revoke('temporary');
      problem(await rt.app.inject({ method: 'GET', url: '/admin/v1/issuers', headers: bearer(temp.token) }), 401, 'unauthenticated');
      const stored = await rt.store.db.selectFrom('admin_tokens').select('token_hash').execute();
      assert.ok(
        stored.every((row) => !row.token_hash.includes(token.slice(4, 20))),
        'tokens are stored hashed',
      );
    });

    it('lists the development issuer registered at start-up', async () => {
      const reply = await rt.app.inject({ method: 'GET', url: '/admin/v1/issuers', headers: bearer(token) });
      assert.equal(reply.statusCode, 200, reply.body);
      const { issuers } = reply.json() as { issuers: Array<{ iss: string; dev: boolean; jwks: { keys: Array<Record<string, unknown>> } }> };
      const dev = issuers.find((i) => i.dev);
      assert.equal(dev?.iss, 'urn:mvid:dev-pid-issuer');
      assert.equal(dev?.jwks.keys[0]?.d, undefined, 'only public keys are served');
    });

    it('registers an issuer whose PIDs then enrol, refuses duplicates and bad keys, and disables it', async () => {
      const issuerKey = generateHolderKey();
      const body = {
        name: 'Example PID provider',
        iss: 'https://pid.example',
        jwks: { keys: [{ ...issuerKey.publicJwk, kid: 'k1' }] },
        namespaces: ['GB:nino'],
      };
      const added = await rt.app.inject({ method: 'POST', url: '/admin/v1/issuers', headers: bearer(token), payload: body });
      assert.equal(added.statusCode, 201, added.body);
      const issuer = added.json() as { id: string; claims: string[]; vcts: string[] };
      assert.ok(issuer.claims.includes('unique_id'));
      assert.deepEqual(issuer.vcts, ['urn:eudi:pid:1']);
      problem(
        await rt.app.inject({ method: 'POST', url: '/admin/v1/issuers', headers: bearer(token), payload: body }),
        409,
        'issuer_exists',
      );
      const withPrivate = { ...body, name: 'leaky', iss: 'https://leaky.example', jwks: { keys: [{ ...issuerKey.privateJwk }] } };
      problem(
        await rt.app.inject({ method: 'POST', url: '/admin/v1/issuers', headers: bearer(token), payload: withPrivate }),
        400,
        'validation_failed',
      );
      const noNamespaces = { ...body, name: 'x', iss: 'https://x.example', namespaces: [] };
      problem(
        await rt.app.inject({ method: 'POST', url: '/admin/v1/issuers', headers: bearer(token), payload: noNamespaces }),
        400,
        'validation_failed',
      );
      const reserved = { ...body, name: 'fake-dev', iss: 'urn:mvid:dev-pid-issuer' };
      problem(
        await rt.app.inject({ method: 'POST', url: '/admin/v1/issuers', headers: bearer(token), payload: reserved }),
        400,
        'validation_failed',
      );

      // A PID signed by the new issuer enrols.
      const holder = generateHolderKey();
      const key = {
        privateJwk: { ...issuerKey.privateJwk, kid: 'k1' },
        publicJwk: { ...issuerKey.publicJwk, kid: 'k1', alg: 'ES256' as const, use: 'sig' as const },
      };
      const devShaped = await issueDevPid(key, personClaims(), holder.publicJwk, { now: rt.clock.now() });
      const [jwt, ...rest] = devShaped.split('~');
      const payload = {
        ...JSON.parse(Buffer.from((jwt as string).split('.')[1] as string, 'base64url').toString()),
        iss: 'https://pid.example',
      };
      const credential = [signJws({ typ: 'dc+sd-jwt', kid: 'k1' }, payload, key.privateJwk), ...rest].join('~');
      const enrol = async () =>
        rt.app.inject({
          method: 'POST',
          url: '/registry/v1/enrolments',
          payload: {
            presentation: await presentPid(credential, holder.privateJwk, {
              nonce: await nonce(rt),
              audience: AUDIENCE,
              now: rt.clock.now(),
            }),
          },
        });
      const disabled = await rt.app.inject({ method: 'DELETE', url: `/admin/v1/issuers/${issuer.id}`, headers: bearer(token) });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.notEqual((disabled.json() as { disabledAt: string | null }).disabledAt, null);
      problem(await enrol(), 401, 'issuer_untrusted');
      await rt.store.db.updateTable('registry_issuers').set({ disabled_at: null }).where('id', '=', issuer.id).execute();
      assert.equal((await enrol()).statusCode, 201);
      problem(
        await rt.app.inject({ method: 'DELETE', url: '/admin/v1/issuers/00000000-0000-4000-8000-000000000000', headers: bearer(token) }),
        404,
        'not_found',
      );
    });

    it('lists trustee sets for administrators and serves the active one publicly', async () => {
      const reply = await rt.app.inject({ method: 'GET', url: '/admin/v1/trustee-sets', headers: bearer(token) });
      assert.equal(reply.statusCode, 200, reply.body);
      const { trusteeSets } = reply.json() as { trusteeSets: Array<{ id: string; status: string }> };
      assert.equal(trusteeSets.length, 1);
      const pub = (await rt.app.inject({ method: 'GET', url: '/registry/v1/trustee-set' })).json() as { id: string };
      assert.equal(pub.id, trusteeSets[0]?.id);
    });

    it('documents every registry route in OpenAPI, with tags, summaries and security', async () => {
      const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, Record<string, { tags?: string[]; summary?: string; security?: unknown[] }>>;
        components: { securitySchemes: Record<string, unknown> };
      };
      const expected: Array<[string, string, boolean]> = [
        ['/registry/v1/nonces', 'post', false],
        ['/registry/v1/enrolments', 'post', false],
        ['/registry/v1/recoveries', 'post', false],
        ['/registry/v1/sessions', 'post', false],
        ['/registry/v1/trustee-set', 'get', false],
        ['/registry/v1/me', 'get', true],
        ['/registry/v1/me/keys', 'get', true],
        ['/registry/v1/me/keys', 'post', true],
        ['/registry/v1/me/keys/{kid}', 'delete', true],
        ['/registry/v1/me/close', 'post', true],
        ['/registry/v1/me/export', 'get', true],
        ['/admin/v1/issuers', 'get', true],
        ['/admin/v1/issuers', 'post', true],
        ['/admin/v1/issuers/{id}', 'delete', true],
        ['/admin/v1/trustee-sets', 'get', true],
      ];
      for (const [path, method, secured] of expected) {
        const op = doc.paths[path]?.[method];
        assert.ok(op, `${method} ${path} is documented`);
        assert.ok(op.summary && op.tags && op.tags.length > 0, `${method} ${path} has a summary and tags`);
        assert.equal(Array.isArray(op.security), secured, `${method} ${path} security`);
      }
      assert.ok(doc.components.securitySchemes.adminBearer);
      assert.ok(doc.components.securitySchemes.personBearer);
    });
  });
}
