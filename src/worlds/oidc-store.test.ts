/** oidc-provider's storage adapter on both engines: the contract oidc-provider relies on. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { createTestStore, ENGINES } from '../../test/support/engines.ts';
import { destroyGrant, grantsOfPerson, kyselyOidcAdapter, SESSION_RESAVE_SLACK_SECONDS, sweepOidcModels } from './oidc-store.ts';

for (const engine of ENGINES) {
  describe(`oidc-provider adapter on ${engine}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    const clock = new ManualClock('2026-06-01T12:00:00Z');
    before(async () => {
      ({ store, close } = await createTestStore(engine));
    });
    after(async () => close());

    const adapter = (model: string) =>
      new (kyselyOidcAdapter(store, clock, async (id) => (id === 'w_1' ? { client_id: 'w_1' } : undefined)))(model);

    it('upserts, finds, consumes and destroys, keyed by model and id', async () => {
      const codes = adapter('AuthorizationCode');
      const tokens = adapter('AccessToken');
      await codes.upsert('x', { grantId: 'g1', accountId: 'p1', scope: 'openid' }, 60);
      await tokens.upsert('x', { grantId: 'g1', accountId: 'p1', kind: 'AccessToken' }, 60);
      assert.deepEqual(await codes.find('x'), { grantId: 'g1', accountId: 'p1', scope: 'openid' });
      assert.equal((await tokens.find('x'))?.kind, 'AccessToken', 'same id, other model: another row');
      await codes.upsert('x', { grantId: 'g1', accountId: 'p1', scope: 'openid handle' }, 60);
      assert.equal((await codes.find('x'))?.scope, 'openid handle');
      await codes.consume('x');
      assert.equal(typeof (await codes.find('x'))?.consumed, 'number');
      await codes.destroy('x');
      assert.equal(await codes.find('x'), undefined);
      assert.ok(await tokens.find('x'));
    });

    it('finds sessions by uid and device codes by user code', async () => {
      await adapter('Session').upsert('s1', { uid: 'u-1', accountId: 'p1' }, 600);
      assert.equal((await adapter('Session').findByUid('u-1'))?.accountId, 'p1');
      await adapter('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH' }, 600);
      assert.ok(await adapter('DeviceCode').findByUserCode('ABCD-EFGH'));
      assert.equal(await adapter('DeviceCode').findByUserCode('nope'), undefined);
    });

    it('skips a Session re-save that only slides its expiry by less than the slack', async () => {
      const sessions = adapter('Session');
      const expiresAt = async () =>
        (
          await store.db
            .selectFrom('oidc_models')
            .select('expires_at')
            .where('model', '=', 'Session')
            .where('id', '=', 's2')
            .executeTakeFirstOrThrow()
        ).expires_at;
      const exp = Math.floor(clock.now().getTime() / 1000) + 600;
      await sessions.upsert('s2', { uid: 'u-2', accountId: 'p1', exp }, 600);
      const first = await expiresAt();
      clock.advance(30_000);
      await sessions.upsert('s2', { uid: 'u-2', accountId: 'p1', exp: exp + 30 }, 600);
      assert.equal(await expiresAt(), first, 'unchanged payload, expiry 30 s later: not written');
      assert.equal((await sessions.find('s2'))?.exp, exp);
      await sessions.upsert('s2', { uid: 'u-2', accountId: 'p1', exp: exp + 30, loginTs: 1 }, 600);
      assert.equal((await sessions.find('s2'))?.loginTs, 1, 'a changed payload is written at once');
      clock.advance(SESSION_RESAVE_SLACK_SECONDS * 1000);
      const later = exp + 30 + SESSION_RESAVE_SLACK_SECONDS;
      await sessions.upsert('s2', { uid: 'u-2', accountId: 'p1', exp: later, loginTs: 1 }, 600);
      assert.equal((await sessions.find('s2'))?.exp, later, 'an expiry that moved by the slack is written');
      assert.notEqual(await expiresAt(), first);
    });

    it('revokes by grant id per model, and destroyGrant removes a grant with all it issued', async () => {
      await adapter('RefreshToken').upsert('r1', { grantId: 'g2', accountId: 'p2' }, 600);
      await adapter('AccessToken').upsert('a1', { grantId: 'g2', accountId: 'p2' }, 600);
      await adapter('Grant').upsert('g2', { accountId: 'p2', clientId: 'w_1', openid: { scope: 'openid handle' } }, 600);
      await adapter('RefreshToken').revokeByGrantId('g2');
      assert.equal(await adapter('RefreshToken').find('r1'), undefined);
      assert.ok(await adapter('AccessToken').find('a1'));
      assert.deepEqual(
        (await grantsOfPerson(store, clock, 'p2')).map((g) => g.id),
        ['g2'],
      );
      await destroyGrant(store, 'g2');
      assert.equal(await adapter('AccessToken').find('a1'), undefined);
      assert.deepEqual(await grantsOfPerson(store, clock, 'p2'), []);
    });

    it('hides expired rows and sweeps them', async () => {
      await adapter('Interaction').upsert('i1', { uid: 'i-1' }, 30);
      assert.ok(await adapter('Interaction').find('i1'));
      clock.advance(31_000);
      assert.equal(await adapter('Interaction').find('i1'), undefined);
      assert.ok((await sweepOidcModels(store, clock)) >= 1);
      const left = await store.db.selectFrom('oidc_models').select('id').where('id', '=', 'i1').execute();
      assert.equal(left.length, 0);
    });

    it('reads clients from the worlds registry, never stores them', async () => {
      assert.deepEqual(await adapter('Client').find('w_1'), { client_id: 'w_1' });
      assert.equal(await adapter('Client').find('w_2'), undefined);
      await assert.rejects(adapter('Client').upsert('w_3', {}, 0), TypeError);
    });
  });
}
