import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MvidError, SeededRandom, ValidationError, fromBase64Url, toBase64Url } from '../core/index.ts';
import { computeTrusteeSetId, dealEscrowKey, evaluatePolynomial, parseTrusteeSet, verifyShare, verifyTrusteeSet } from './feldman.ts';
import type { TrusteeSet } from './feldman.ts';
import { GROUP_ORDER, encodePoint, encodeScalar, modL, multiplyBaseSecret, randomScalar, tryDecodeScalar } from './group.ts';
import { interpolateAtZero } from './threshold.ts';

const IDS = ['ombudsman', 'court', 'ngo', 'auditor', 'university'];
const deal = dealEscrowKey({ threshold: 3, trustees: IDS }, new SeededRandom(42));
const { trusteeSet, shares } = deal;
const secretOf = (i: number) => tryDecodeScalar(shares[i]!.secret)!;

test('deal: public shape', () => {
  assert.equal(trusteeSet.version, 1);
  assert.equal(trusteeSet.threshold, 3);
  assert.equal(trusteeSet.commitments.length, 3);
  assert.equal(trusteeSet.escrowPublicKey, trusteeSet.commitments[0]);
  assert.deepEqual(
    trusteeSet.trustees.map((t) => [t.index, t.id]),
    IDS.map((id, k) => [k + 1, id]),
  );
  assert.match(trusteeSet.id, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(shares.length, 5);
  shares.forEach((s, k) => {
    assert.equal(s.index, k + 1);
    assert.equal(s.trusteeSetId, trusteeSet.id);
    assert.equal(s.verificationKey, trusteeSet.trustees[k]!.verificationKey);
    assert.equal(toBase64Url(encodePoint(multiplyBaseSecret(secretOf(k)))), s.verificationKey);
    assert.equal(s.secret.length, 32);
  });
  // Nothing secret beyond the shares leaves the dealer.
  assert.deepEqual(Object.keys(deal).sort(), ['shares', 'trusteeSet']);
  assert.ok(verifyTrusteeSet(JSON.parse(JSON.stringify(trusteeSet))));
});

test('deal: any M shares interpolate to the secret behind Y; fewer do not', () => {
  const x = interpolateAtZero([0, 2, 4].map((k) => ({ index: k + 1, value: secretOf(k) })));
  assert.equal(toBase64Url(encodePoint(multiplyBaseSecret(x))), trusteeSet.escrowPublicKey);
  const x2 = interpolateAtZero([0, 2].map((k) => ({ index: k + 1, value: secretOf(k) })));
  assert.notEqual(toBase64Url(encodePoint(multiplyBaseSecret(x2))), trusteeSet.escrowPublicKey);
});

test('deal: injected randomness makes it reproducible, and different seeds differ', () => {
  const again = dealEscrowKey({ threshold: 3, trustees: IDS }, new SeededRandom(42));
  assert.deepEqual(again.trusteeSet, trusteeSet);
  const other = dealEscrowKey({ threshold: 3, trustees: IDS }, new SeededRandom(43));
  assert.notEqual(other.trusteeSet.id, trusteeSet.id);
});

test('deal: parameter validation', () => {
  assert.throws(() => dealEscrowKey({ threshold: 4, trustees: ['a', 'b', 'c'] }), ValidationError);
  assert.throws(() => dealEscrowKey({ threshold: 0, trustees: ['a'] }), ValidationError);
  assert.throws(() => dealEscrowKey({ threshold: 2, trustees: ['a', 'a', 'b'] }), ValidationError);
  assert.throws(() => dealEscrowKey({ threshold: 1, trustees: [] }), ValidationError);
  assert.throws(() => dealEscrowKey({ threshold: 1.5, trustees: ['a', 'b'] }), TypeError);
  assert.throws(() => dealEscrowKey({ threshold: 1, trustees: [''] }), TypeError);
  assert.throws(() => dealEscrowKey({ threshold: 1, trustees: ['a\nb'] }), TypeError);
});

test('verifyShare accepts real shares and catches wrong ones', () => {
  for (const s of shares) assert.ok(verifyShare(s, trusteeSet.commitments));
  const s0 = shares[0]!;
  const wrongSecret = { ...s0, secret: encodeScalar(modL(secretOf(0) + 1n)) };
  assert.equal(verifyShare(wrongSecret, trusteeSet.commitments), false);
  assert.equal(verifyShare({ ...s0, index: 2 }, trusteeSet.commitments), false);
  const otherDeal = dealEscrowKey({ threshold: 3, trustees: IDS }, new SeededRandom(99));
  assert.equal(verifyShare(s0, otherDeal.trusteeSet.commitments), false);
  assert.equal(verifyShare(s0, trusteeSet.commitments.slice(0, 2)), false);
  // Malformed input is false, never an exception.
  assert.equal(verifyShare({ ...s0, secret: new Uint8Array(5) }, trusteeSet.commitments), false);
  assert.equal(verifyShare({ ...s0, index: 0 }, trusteeSet.commitments), false);
  assert.equal(verifyShare(s0, ['not base64!', ...trusteeSet.commitments.slice(1)]), false);
  assert.equal(verifyShare(s0, [toBase64Url(new Uint8Array(32)), ...trusteeSet.commitments.slice(1)]), false);
  assert.equal(verifyShare(null as never, trusteeSet.commitments), false);
});

test('verifyTrusteeSet / parseTrusteeSet reject tampering', () => {
  const clone = (): TrusteeSet => JSON.parse(JSON.stringify(trusteeSet));
  const tampered: Array<[string, (s: TrusteeSet) => void]> = [
    ['id', (s) => (s.id = s.id.slice(0, -2) + (s.id.endsWith('AA') ? 'AB' : 'AA'))],
    ['threshold', (s) => (s.threshold = 2)],
    ['trustee id swap', (s) => ([s.trustees[0]!.id, s.trustees[1]!.id] = [s.trustees[1]!.id, s.trustees[0]!.id])],
    ['verification key swap', (s) => (s.trustees[0]!.verificationKey = s.trustees[1]!.verificationKey)],
    ['escrow key', (s) => (s.escrowPublicKey = s.commitments[1]!)],
    ['commitment', (s) => (s.commitments[2] = s.commitments[1]!)],
    ['identity top commitment', (s) => (s.commitments[2] = toBase64Url(new Uint8Array(32)))],
    ['duplicate ids', (s) => (s.trustees[1]!.id = s.trustees[0]!.id)],
    ['index gap', (s) => (s.trustees[4]!.index = 7)],
    ['version', (s) => ((s as { version: number }).version = 2)],
  ];
  for (const [name, mutate] of tampered) {
    const s = clone();
    mutate(s);
    assert.equal(verifyTrusteeSet(s), false, name);
    assert.throws(
      () => parseTrusteeSet(s),
      (e: unknown) => e instanceof MvidError && e.code === 'trustee_set_invalid',
      name,
    );
  }
  assert.equal(verifyTrusteeSet(null), false);
  assert.equal(verifyTrusteeSet('x'), false);
  const parsed = parseTrusteeSet({ ...clone(), extra: 'dropped' });
  assert.deepEqual(parsed, trusteeSet);
});

test('trustee-set id covers threshold, ids, order and commitments', () => {
  const c = trusteeSet.commitments.map(fromBase64Url);
  const t = trusteeSet.trustees;
  const base = computeTrusteeSetId(3, t, c);
  assert.equal(base, trusteeSet.id);
  assert.notEqual(computeTrusteeSetId(2, t, c), base);
  assert.notEqual(computeTrusteeSetId(3, t.slice(0, 4), c), base);
  assert.notEqual(computeTrusteeSetId(3, [{ ...t[0]!, id: 'x' }, ...t.slice(1)], c), base);
  assert.notEqual(computeTrusteeSetId(3, t, [c[1]!, c[0]!, c[2]!]), base);
});

test('property: Lagrange at 0 recovers f(0) from any M of N points', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }).chain((m) =>
        fc.record({
          m: fc.constant(m),
          n: fc.integer({ min: m, max: 12 }),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          pick: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        }),
      ),
      ({ m, n, seed, pick }) => {
        const random = new SeededRandom(seed);
        const coefficients = Array.from({ length: m }, () => randomScalar(random));
        // A random M-subset of 1..N, chosen by sorting indices by the random keys.
        const subset = Array.from({ length: n }, (_, k) => k + 1)
          .sort((a, b) => pick[a - 1]! - pick[b - 1]! || a - b)
          .slice(0, m);
        const points = subset.map((index) => ({ index, value: evaluatePolynomial(coefficients, index) }));
        assert.equal(interpolateAtZero(points), coefficients[0]);
        if (m > 1) assert.notEqual(interpolateAtZero(points.slice(1)), coefficients[0]);
      },
    ),
    { numRuns: 200 },
  );
});

test('property: evaluatePolynomial stays in [0, L)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.bigInt({ min: 0n, max: GROUP_ORDER - 1n }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 255 }),
      (coefficients, i) => {
        const v = evaluatePolynomial(coefficients, i);
        assert.ok(v >= 0n && v < GROUP_ORDER);
      },
    ),
  );
});
