/**
 * The worlds HTTP surface on both engines: admin registration and its refusals, person
 * routes and their authentication, handles, CSRF on interaction forms, and closure
 * ending every grant and browser session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { enrolPerson, registerWorld, startWorldsRuntime, type TestPerson, type WorldsRuntime } from './support/worlds.ts';

const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

for (const engine of ENGINES) {
  describe(`worlds HTTP on ${engine}`, () => {
    let rt: WorldsRuntime;
    let ada: TestPerson;
    let worldId: string;
    before(async () => {
      rt = await startWorldsRuntime(engine);
      ada = await enrolPerson(rt);
      worldId = (
        await registerWorld(rt, { name: 'Http World', redirectUris: ['https://http-world.example/cb'], claims: [{ name: 'handle' }] })
      ).clientId;
    });
    after(async () => rt.stop());

    it('admin: registration needs an admin token, validates, refuses duplicates, hides the secret afterwards', async () => {
      const body = {
        name: 'Another',
        redirectUris: ['https://another.example/cb'],
        rules: [],
        purpose: 'p',
        claims: [{ name: 'age_over_18', required: true }],
      };
      const anon = await rt.app.inject({ method: 'POST', url: '/admin/v1/worlds', payload: body });
      assert.equal(anon.statusCode, 401);
      const person = await rt.app.inject({ method: 'POST', url: '/admin/v1/worlds', headers: json(ada.sessionToken), payload: body });
      assert.equal(person.statusCode, 401, 'a person session is not an admin token');
      const ok = await rt.app.inject({ method: 'POST', url: '/admin/v1/worlds', headers: json(rt.adminToken), payload: body });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.match(ok.json().clientSecret, /^mvcs_/);
      assert.equal(ok.json().issuer, `${rt.url}/oidc`);
      const dup = await rt.app.inject({ method: 'POST', url: '/admin/v1/worlds', headers: json(rt.adminToken), payload: body });
      assert.equal(dup.json().code, 'world_exists');
      for (const bad of [
        { ...body, name: 'B1', claims: [{ name: 'birthdate' }] },
        { ...body, name: 'B2', redirectUris: ['http://world.example/cb'] },
        { ...body, name: 'B3', redirectUris: ['https://a.example/cb', 'https://b.example/cb'] },
        { ...body, name: 'B4', redirectUris: ['https://a.example/cb#frag'] },
        { ...body, name: 'B5', authMethod: 'private_key_jwt' },
        { ...body, name: 'B6', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret' }] } },
      ]) {
        const r = await rt.app.inject({ method: 'POST', url: '/admin/v1/worlds', headers: json(rt.adminToken), payload: bad });
        assert.equal(r.json().code, 'validation_failed', bad.name);
      }
      const listed = await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: json(rt.adminToken) });
      assert.doesNotMatch(listed.body, /mvcs_|secret_hash|[0-9a-f]{64}/, 'no secret or hash is ever listed');
    });

    it('person routes need a person session; handles follow the rules', async () => {
      assert.equal((await rt.app.inject({ method: 'GET', url: '/worlds/v1/me/worlds' })).statusCode, 401);
      const put = (handle: string, id = worldId) =>
        rt.app.inject({ method: 'PUT', url: `/worlds/v1/me/worlds/${id}/handle`, headers: json(ada.sessionToken), payload: { handle } });
      assert.equal((await put('moderator')).json().code, 'handle_reserved');
      assert.equal((await put('tоm')).json().code, 'handle_invalid');
      assert.equal((await put('tom', 'w_nope')).json().code, 'world_not_found');
      assert.equal((await put('tom')).json().handle, 'tom');
      const bob = await enrolPerson(rt);
      const taken = await rt.app.inject({
        method: 'PUT',
        url: `/worlds/v1/me/worlds/${worldId}/handle`,
        headers: json(bob.sessionToken),
        payload: { handle: 'T0M' },
      });
      assert.equal(taken.json().code, 'handle_taken');
    });

    it('interaction forms and cookie-authenticated changes need their CSRF token', async () => {
      const r = await rt.app.inject({
        method: 'POST',
        url: '/interaction/abc/consent',
        payload: 'decision=allow',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(r.json().code, 'csrf_invalid');
      const { token } = await rt.worlds.webSessions.open(ada.personId);
      const cookie = `mvid_session=${token}`;
      const noToken = await rt.app.inject({ method: 'DELETE', url: `/worlds/v1/me/worlds/${worldId}`, headers: { cookie } });
      assert.equal(noToken.json().code, 'csrf_invalid');
      const listed = await rt.app.inject({ method: 'GET', url: '/worlds/v1/me/worlds', headers: { cookie } });
      assert.equal(listed.statusCode, 200, 'reading needs no token');
    });

    it('a closed account ends its browser sessions and every world grant', async () => {
      const carol = await enrolPerson(rt);
      const { token } = await rt.worlds.webSessions.open(carol.personId);
      await rt.store.db
        .insertInto('oidc_models')
        .values({
          model: 'Grant',
          id: 'g-carol',
          payload_json: JSON.stringify({ accountId: carol.personId, clientId: worldId }),
          grant_id: null,
          account_id: carol.personId,
          uid: null,
          user_code: null,
          consumed_at: null,
          expires_at: null,
        })
        .execute();
      await rt.store.db
        .insertInto('oidc_models')
        .values({
          model: 'RefreshToken',
          id: 'rt-carol',
          payload_json: '{}',
          grant_id: 'g-carol',
          account_id: carol.personId,
          uid: null,
          user_code: null,
          consumed_at: null,
          expires_at: null,
        })
        .execute();
      const principal = await rt.registry.sessions.authenticate(carol.sessionToken);
      assert.ok(principal);
      await rt.registry.self.close(principal);
      assert.equal(await rt.worlds.webSessions.resolve(token), undefined);
      const left = await rt.store.db.selectFrom('oidc_models').select('id').where('id', 'in', ['g-carol', 'rt-carol']).execute();
      assert.deepEqual(left, []);
      assert.equal(await rt.worlds.persons.isActive(carol.personId), false);
    });
  });
}
