import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { ValidationError, toHex } from '../core/index.ts';
import { normalizeIdentifier, uniquenessTag } from './tag.ts';

const KEY = new Uint8Array(32).fill(7);

test('normalisation: trim, NFKC, uppercase, strip spaces, hyphens and invisibles', () => {
  const cases: Array<[string, string]> = [
    [' ab-12 34 ', 'AB1234'],
    ['ＡＢ１２３４', 'AB1234'], // full-width
    ['ab\u00a012\u200b34', 'AB1234'], // no-break space, zero-width space
    ['ab\u201012\u201334\u2212', 'AB1234'], // hyphen, en dash, minus sign
    ['ab\u00ad1234', 'AB1234'], // soft hyphen
    ['\tAb 12\n34\r', 'AB1234'],
    ['straße', 'STRASSE'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeIdentifier(input), expected, JSON.stringify(input));
  assert.throws(() => normalizeIdentifier(' - '), ValidationError);
  assert.throws(() => normalizeIdentifier(5 as never), TypeError);
});

test('the same identifier typed differently gives the same tag', () => {
  const t = uniquenessTag(KEY, 'passport:FR', '12ab 34567');
  assert.equal(t.length, 32);
  assert.deepEqual(uniquenessTag(KEY, 'passport:FR', ' 12AB-34567 '), t);
  assert.deepEqual(uniquenessTag(KEY, 'passport:FR', '１２ＡＢ３４５６７'), t);
});

test('tag = HMAC-SHA256(secret, len ‖ namespace ‖ len ‖ id) (known answer)', () => {
  const expected = createHmac('sha256', KEY)
    .update(Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('ns'), Buffer.from([0, 0, 0, 3]), Buffer.from('ABC')]))
    .digest('hex');
  assert.equal(toHex(uniquenessTag(KEY, 'ns', 'abc')), expected);
});

test('length prefixes separate namespace from id; namespace and key matter', () => {
  assert.notDeepEqual(uniquenessTag(KEY, 'AB', 'C'), uniquenessTag(KEY, 'A', 'BC'));
  assert.notDeepEqual(uniquenessTag(KEY, 'passport:FR', 'X1'), uniquenessTag(KEY, 'passport:DE', 'X1'));
  assert.notDeepEqual(uniquenessTag(KEY, 'ns', 'X1'), uniquenessTag(new Uint8Array(32).fill(8), 'ns', 'X1'));
  assert.throws(() => uniquenessTag(new Uint8Array(16), 'ns', 'X1'), TypeError);
  assert.throws(() => uniquenessTag(KEY, '', 'X1'), TypeError);
});

test('property: normalisation is idempotent and tags are deterministic', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (id) => {
      let n: string;
      try {
        n = normalizeIdentifier(id);
      } catch (e) {
        assert.ok(e instanceof ValidationError);
        return;
      }
      assert.equal(normalizeIdentifier(n), n);
      assert.deepEqual(uniquenessTag(KEY, 'ns', id), uniquenessTag(KEY, 'ns', n));
    }),
    { numRuns: 500 },
  );
});
