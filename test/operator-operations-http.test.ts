/**
 * Key rotation and sweeps over the admin API (what the operator console's buttons call),
 * on both engines: only an administrator may run them, bad input is a problem document,
 * a rotation records a new token-signing key as `mvid keys rotate` does, and a sweep
 * deletes what has expired and answers with the lines `mvid sweep` prints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';
import { bearer, devKeyOf, presentation, problem, publishTrustees } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

for (const engine of ENGINES) {
  describe(`operator operations over HTTP on ${engine}`, () => {
    let rt: TestRuntime;
    let token: string;
    const keyNames = async () => (await rt.store.db.selectFrom('service_keys').select('name').execute()).map((r) => r.name).sort();

    before(async () => {
      rt = await startTestRuntime(engine);
      token = (await rt.registry.adminTokens.create('ops-admin')).token;
      await publishTrustees(rt);
    });
    after(async () => rt.stop());

    it('refuses anyone but an administrator, as problem documents', async () => {
      for (const url of ['/admin/v1/keys/rotations', '/admin/v1/sweeps']) {
        const none = await rt.app.inject({ method: 'POST', url, payload: {} });
        problem(none, 401, 'unauthenticated');
        problem(await rt.app.inject({ method: 'POST', url, headers: bearer('mvat_nope'), payload: {} }), 401, 'unauthenticated');
      }
      const enrolled = await rt.app.inject({
        method: 'POST',
        url: '/registry/v1/enrolments',
        payload: { presentation: (await presentation(rt, devKeyOf(rt), personClaims())).presentation },
      });
      assert.equal(enrolled.statusCode, 201, enrolled.body);
      const person = (enrolled.json() as { session: { token: string } }).session.token;
      problem(
        await rt.app.inject({ method: 'POST', url: '/admin/v1/sweeps', headers: bearer(person), payload: {} }),
        401,
        'unauthenticated',
      );
    });

    it('rotates the token-signing key: a new key is recorded, the old ones stay; bad input is refused', async () => {
      const before = await keyNames();
      const reply = await rt.app.inject({ method: 'POST', url: '/admin/v1/keys/rotations', headers: bearer(token), payload: {} });
      assert.equal(reply.statusCode, 201, reply.body);
      const body = reply.json() as { key: string; activateAfterSeconds: number; notice: string };
      assert.equal(body.activateAfterSeconds, 0);
      assert.equal(body.notice, `created ${body.key}; restart every node to sign with it`);
      const after = await keyNames();
      assert.deepEqual(after, [...before, body.key].sort(), 'one key more, none gone');
      const later = await rt.app.inject({
        method: 'POST',
        url: '/admin/v1/keys/rotations',
        headers: bearer(token),
        payload: { activateAfterSeconds: 3600 },
      });
      assert.equal(later.statusCode, 201, later.body);
      assert.match((later.json() as { notice: string }).notice, /and again after 3600 s to sign with it$/);
      for (const payload of [
        { activateAfterSeconds: -1 },
        { activateAfterSeconds: 40 * 86_400 },
        { activateAfterSeconds: 'soon' },
        { other: 1 },
      ]) {
        const bad = await rt.app.inject({ method: 'POST', url: '/admin/v1/keys/rotations', headers: bearer(token), payload });
        assert.equal(bad.statusCode, 400, JSON.stringify(payload));
        assert.match(String(bad.headers['content-type']), /^application\/problem\+json/);
      }
      assert.equal((await keyNames()).length, after.length + 1, 'a refused rotation adds nothing');
    });

    it('sweeps: expired sessions and nonces go, and the answer says so in the CLI’s words', async () => {
      rt.clock.advance(40 * 86_400 * 1000);
      const reply = await rt.app.inject({ method: 'POST', url: '/admin/v1/sweeps', headers: bearer(token) });
      assert.equal(reply.statusCode, 200, reply.body);
      const body = reply.json() as { summary: string[]; report: { registry: { nonces: number; sessions: number } } };
      assert.ok(body.report.registry.sessions >= 1, reply.body);
      assert.ok(body.report.registry.nonces >= 1, reply.body);
      assert.equal(body.summary.length, 3);
      assert.match(
        body.summary[0] ?? '',
        new RegExp(`expired ${body.report.registry.nonces} nonce\\(s\\), ${body.report.registry.sessions} session\\(s\\)$`),
      );
      assert.match(body.summary[1] ?? '', /^disclosure: expired \d+ disclosure request/);
      const again = await rt.app.inject({ method: 'POST', url: '/admin/v1/sweeps', headers: bearer(token) });
      assert.equal((again.json() as { report: { registry: { sessions: number } } }).report.registry.sessions, 0, 'nothing left to sweep');
    });
  });
}
