import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

for (const engine of ENGINES) {
  describe(`front page on ${engine}`, () => {
    let rt: TestRuntime;
    before(async () => {
      rt = await startTestRuntime(engine);
    });
    after(async () => rt.stop());

    it('tells each audience where to go, under a strict CSP, with no external asset', async () => {
      const r = await rt.app.inject({ method: 'GET', url: '/' });
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      const csp = String(r.headers['content-security-policy']);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-/);
      for (const href of ['/account', '/oidc/.well-known/openid-configuration', '/openapi.json', '/log/checkpoint', '/transparency']) {
        assert.ok(r.body.includes(`href="${href}"`), `links ${href}`);
      }
      assert.doesNotMatch(r.body, /(src|href)="https?:\/\//, 'no external asset or link');
      assert.match(r.body, new RegExp(`storage: ${engine}`));
    });
  });
}
