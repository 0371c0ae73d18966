/** Handles: confusable skeletons, script and repertoire rules, reserved names, per-world uniqueness on both engines. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { createTestStore, ENGINES } from '../../test/support/engines.ts';
import { Handles, normaliseHandle } from './handles.ts';
import { confusableCount, handleKey, skeleton } from './skeleton.ts';

describe('handle rules', () => {
  it('loads the whole UTS #39 confusables table', () => {
    assert.ok(confusableCount() > 6000);
  });

  it('gives look-alikes one key: digits, case, Cyrillic, Greek and fullwidth forms', () => {
    const tom = handleKey('tom');
    for (const lookalike of ['t0m', 'T0M', 'tоm' /* Cyrillic о */, 'Tom', 'ｔｏｍ' /* fullwidth */])
      assert.equal(handleKey(lookalike), tom, lookalike);
    assert.equal(handleKey('paypal'), handleKey('раураl'), 'all-Cyrillic look-alike of a Latin name');
    assert.equal(handleKey('ada1'), handleKey('adal'), '1 and l');
    assert.notEqual(handleKey('tom'), handleKey('tim'));
    assert.equal(skeleton('ℌ'), skeleton('H'));
  });

  it('refuses mixed scripts, symbols, spaces, invisible characters and bad lengths', () => {
    assert.throws(() => normaliseHandle('tоm'), { code: 'handle_invalid' }, 'Latin t+m with a Cyrillic о');
    assert.throws(() => normaliseHandle('ab'), { code: 'handle_invalid' });
    assert.throws(() => normaliseHandle('a'.repeat(33)), { code: 'handle_invalid' });
    for (const bad of ['to m', 'tom!', 'to\u200bm', '.tom', 'to..m', '123', 'tom\u202e'])
      assert.throws(() => normaliseHandle(bad), { code: 'handle_invalid' }, bad);
    assert.equal(normaliseHandle('Ωμέγα').handle, 'Ωμέγα', 'one non-Latin script is fine');
    assert.equal(normaliseHandle('東京たろう').handle, '東京たろう', 'Han with Hiragana is one writing system');
    assert.equal(normaliseHandle('ｔｏｍ_2').handle, 'tom_2', 'NFKC folds fullwidth forms');
  });

  it('refuses reserved names and their look-alikes', () => {
    for (const name of ['admin', 'ADMIN', '0wner', 'mvid', 'm0derator'])
      assert.throws(() => normaliseHandle(name), { code: 'handle_reserved' }, name);
  });
});

for (const engine of ENGINES) {
  describe(`handles in storage on ${engine}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let handles: Handles;
    before(async () => {
      ({ store, close } = await createTestStore(engine));
      handles = new Handles(store, new ManualClock('2026-06-01T12:00:00Z'));
      const now = '2026-06-01T12:00:00.000Z';
      for (const id of ['w_a', 'w_b']) {
        await store.db
          .insertInto('worlds')
          .values({
            id,
            name: id,
            metadata_json: '{}',
            purpose: 'p',
            auth_method: 'client_secret_basic',
            jwks_json: null,
            secret_hash: null,
            created_at: now,
            updated_at: now,
            disabled_at: null,
          })
          .execute();
      }
    });
    after(async () => close());

    it('keeps handles unique per world by skeleton, lets another world reuse them, and lets a person rename', async () => {
      assert.equal(await handles.claim('w_a', 'p1', 'tom'), 'tom');
      await assert.rejects(handles.claim('w_a', 'p2', 't0m'), { code: 'handle_taken' });
      await assert.rejects(handles.claim('w_a', 'p2', 'TOM'), { code: 'handle_taken' });
      await assert.rejects(handles.claim('w_a', 'p2', 'том'.replace('м', 'm').replace('т', 't')), { code: 'handle_invalid' });
      assert.equal(await handles.claim('w_b', 'p2', 'tom'), 'tom', 'another world, another namespace');
      assert.equal(await handles.claim('w_a', 'p1', 'thomas'), 'thomas');
      assert.equal(await handles.claim('w_a', 'p2', 't0m'), 't0m', 'the old handle is free again');
      assert.equal(await handles.of('w_a', 'p1'), 'thomas');
    });
  });
}
