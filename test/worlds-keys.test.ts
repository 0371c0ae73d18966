/**
 * Token-signing keys come from the key directory: every key is published in the JWKS,
 * the newest signs, and `mvid keys rotate` (rotateServiceTokenKey) takes effect on restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { systemRandom } from '../src/core/index.ts';
import { keyDirOf, rotateServiceTokenKey } from '../src/keys/index.ts';
import { createLogger, startRuntime } from '../src/server/index.ts';
import { ENGINES } from './support/engines.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

for (const engine of ENGINES) {
  describe(`worlds signing keys on ${engine}`, () => {
    let rt: TestRuntime;
    before(async () => {
      rt = await startTestRuntime(engine, {}, { ready: true });
    });
    after(async () => rt.stop());

    it('publishes every key and signs with the newest after a rotation', async () => {
      const registered = await rt.worlds.registry.add({
        name: 'Keys World',
        redirectUris: ['https://keys.example/cb'],
        rules: [],
        purpose: 'p',
        claims: [],
      });
      const basic = `Basic ${Buffer.from(`${registered.clientId}:${registered.clientSecret}`).toString('base64')}`;
      const token = async (app: TestRuntime['app']) => {
        const r = await app.inject({
          method: 'POST',
          url: '/oidc/token',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          payload: `grant_type=client_credentials&scope=mvid:world&resource=${encodeURIComponent('http://mvid.test/api')}`,
        });
        assert.equal(r.statusCode, 200, r.body);
        return decodeProtectedHeader(r.json().access_token).kid;
      };
      const before = (await rt.app.inject({ method: 'GET', url: '/oidc/jwks' })).json().keys as Array<{ kid: string }>;
      assert.equal(before.length, 1);
      assert.equal(await token(rt.app), before[0]?.kid);

      rt.clock.advanceDays(1);
      await rotateServiceTokenKey({ store: rt.store, keyDir: keyDirOf(rt.config.dataDir), clock: rt.clock, random: systemRandom });
      const restarted = await startRuntime(rt.config, {
        store: rt.store,
        clock: rt.clock,
        logger: createLogger('silent'),
        background: false,
      });
      try {
        await restarted.app.ready();
        const after = (await restarted.app.inject({ method: 'GET', url: '/oidc/jwks' })).json().keys as Array<{ kid: string }>;
        assert.equal(after.length, 2, 'the old key stays published for tokens it signed');
        assert.ok(after.some((k) => k.kid === before[0]?.kid));
        const newest = restarted.keys.tokenSigning[0]?.kid;
        assert.notEqual(newest, before[0]?.kid);
        assert.equal(await token(restarted.app), newest);
      } finally {
        await restarted.app.close();
      }
    });
  });
}
