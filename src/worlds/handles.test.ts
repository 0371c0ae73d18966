/** Handles: confusable skeletons, script and repertoire rules, reserved names, per-world uniqueness on both engines. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { createTestStore, ENGINES } from '../../test/support/engines.ts';
import { Handles, normaliseHandle } from './handles.ts';
import { confusableCount, handleKey, handleKeys, skeleton } from './skeleton.ts';

/**
 * Attack 6 of issue 12: look-alikes in one world. Every row is one handle as a reader sees it,
 * whatever case the world displays it in; the first column is held, the others must be refused.
 */
const CONFUSABLE_TABLE: ReadonlyArray<readonly [string, ...string[]]> = [
  // All-Cyrillic ТОМ / том / Том (Т U+0422, О U+041E, М U+041C), digits, case and fullwidth forms.
  ['Tom', 'TOM', 'tom', 'T0M', 't0m', '\u0422\u041e\u041c', '\u0442\u043e\u043c', '\u0422\u043e\u043c', '\uff54\uff4f\uff4d'],
  ['\u0422\u041e\u041c', 'Tom', 'TOM', 'T0M'],
  // Cyrillic р а у (and a Latin l: mixed, refused anyway), upper case.
  ['paypal', '\u0440\u0430\u0443\u0440\u0430l', 'PAYPAL'],
  // Greek ν ο ν.
  ['vov', 'VOV', '\u03bd\u03bf\u03bd'],
  ['ada1', 'adal', 'ADAL', 'AdaI'],
  // Cyrillic С О Р, upper and lower.
  ['cop', '\u0421\u041e\u0420', '\u0441\u043e\u0440', 'COP'],
  // Cyrillic ѕ с о р е.
  ['scope', '\u0455\u0441\u043e\u0440\u0435', 'SCOPE'],
  ['mom', 'rnorn', 'MOM'],
  // Cyrillic В О В, Greek Β Ο Β.
  ['BOB', '\u0412\u041e\u0412', '\u0392\u039f\u0392', 'b0b', 'bob'],
];

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

  it('gives every row of the confusables table one key set that collides, in whatever case it is shown', () => {
    for (const [held, ...lookalikes] of CONFUSABLE_TABLE) {
      const keys = new Set(handleKeys(held));
      for (const other of lookalikes)
        assert.ok(
          handleKeys(other).some((k) => keys.has(k)),
          `${other} (${[...other].map((c) => c.codePointAt(0)?.toString(16)).join(' ')}) passes beside ${held}`,
        );
    }
    for (const [a, b] of [
      ['tom', 'tim'],
      ['tom', 'tomas'],
      ['anna', 'hanna'],
      ['bob', 'rob'],
    ] as const)
      assert.ok(!handleKeys(a).some((k) => handleKeys(b).includes(k)), `${a} and ${b} are different handles`);
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

    it('refuses every look-alike of a held handle in the confusables table, all-Cyrillic ТОМ included (issue 12, attack 6)', async () => {
      for (const [i, [held, ...lookalikes]] of CONFUSABLE_TABLE.entries()) {
        const world = i % 2 === 0 ? 'w_a' : 'w_b';
        await handles.release('w_a', 'p1');
        await handles.release('w_a', 'p2');
        await handles.release('w_b', 'p1');
        await handles.release('w_b', 'p2');
        assert.equal(await handles.claim(world, 'p1', held), held.normalize('NFKC'));
        for (const other of lookalikes) {
          let code = 'accepted';
          try {
            await handles.claim(world, 'p2', other);
          } catch (error) {
            code = (error as { code?: string }).code ?? String(error);
          }
          assert.ok(code === 'handle_taken' || code === 'handle_invalid', `${other} beside ${held}: ${code}`);
        }
      }
      await handles.release('w_a', 'p1');
      await handles.release('w_b', 'p1');
      await handles.release('w_a', 'p2');
      await handles.release('w_b', 'p2');
    });
  });
}
