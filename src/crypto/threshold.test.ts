import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MvidError, SeededRandom, fromBase64Url, toBase64Url, utf8 } from '../core/index.ts';
import { computeTrusteeSetId, dealEscrowKey, evaluatePolynomial, verifyTrusteeSet } from './feldman.ts';
import type { TrusteeSet, TrusteeShare } from './feldman.ts';
import { openEnvelopeWithSharedPoint, sealEnvelope } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { GENERATOR, decodePoint, encodePoint, encodeScalar, modL, multiplyBaseSecret, randomScalar, tryDecodeScalar } from './group.ts';
import { combinePartials, interpolateInExponent, partialDecrypt, thresholdOpen, verifyPartial } from './threshold.ts';
import type { PartialDecryption } from './threshold.ts';

const IDS = ['ombudsman', 'court', 'ngo', 'auditor', 'university'];
const { trusteeSet, shares } = dealEscrowKey({ threshold: 3, trustees: IDS });
const PLAINTEXT = utf8('{"legalName":"Ada Lovelace","born":"1815-12-10"}');
const seal = (set: TrusteeSet, envelopeId = 'env-1'): Envelope =>
  sealEnvelope({
    escrowPublicKey: set.escrowPublicKey,
    envelopeId,
    personId: 'p-1',
    trusteeSetId: set.id,
    fieldGroup: 'legal-name',
    plaintext: PLAINTEXT,
  });
const envelope = seal(trusteeSet);
const REQ = 'req-A';
const partialOf = (share: TrusteeShare, requestId = REQ, e: Envelope = envelope) =>
  partialDecrypt({ share, c1: e.c1, requestId, envelopeId: e.envelopeId });
const partials = shares.map((s) => partialOf(s));
const ctxOf = (k: number, overrides: Partial<Parameters<typeof verifyPartial>[1]> = {}) => ({
  verificationKey: trusteeSet.trustees[k]!.verificationKey,
  c1: envelope.c1,
  requestId: REQ,
  envelopeId: envelope.envelopeId,
  ...overrides,
});
const combineOptions = {
  threshold: 3,
  verificationKeys: trusteeSet.trustees,
  c1: envelope.c1,
  requestId: REQ,
  envelopeId: envelope.envelopeId,
};
const isCode = (code: string) => (e: unknown) => e instanceof MvidError && e.code === code;

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((s) => [first, ...s]), ...subsets(rest, size)];
}

const flipFirstByte = (b64: string) => {
  const bytes = fromBase64Url(b64);
  bytes[0]! ^= 1;
  return toBase64Url(bytes);
};

test('every partial verifies for its own trustee, envelope and request', () => {
  partials.forEach((p, k) => {
    assert.ok(verifyPartial(p, ctxOf(k)));
    assert.ok(verifyPartial(JSON.parse(JSON.stringify(p)), ctxOf(k, { trusteeIndex: k + 1 })));
    assert.equal(p.trusteeId, IDS[k]);
  });
});

test('every 3-subset of 5 opens the envelope, to the same shared point', () => {
  const all = subsets(partials, 3);
  assert.equal(all.length, 10);
  const points = new Set<string>();
  for (const subset of all) {
    const { plaintext, usedTrustees, badTrustees } = thresholdOpen(envelope, subset, { trusteeSet, requestId: REQ });
    assert.deepEqual(plaintext, PLAINTEXT);
    assert.deepEqual(
      usedTrustees,
      subset.map((p) => p.trusteeIndex),
    );
    assert.deepEqual(badTrustees, []);
    points.add(toBase64Url(combinePartials(subset, combineOptions).point));
  }
  assert.equal(points.size, 1);
});

test('no 2-subset opens: combine refuses, and forced interpolation fails the AEAD', () => {
  const all = subsets(partials, 2);
  assert.equal(all.length, 10);
  for (const subset of all) {
    assert.throws(() => combinePartials(subset, combineOptions), isCode('threshold_not_met'));
    assert.throws(() => thresholdOpen(envelope, subset, { trusteeSet, requestId: REQ }), isCode('threshold_not_met'));
    // A caller lying about the threshold gets a point, but the wrong one.
    const { point } = combinePartials(subset, { ...combineOptions, threshold: 2 });
    assert.throws(() => openEnvelopeWithSharedPoint(envelope, point), isCode('envelope_invalid'));
    const forced = interpolateInExponent(subset.map((p) => ({ index: p.trusteeIndex, point: decodePoint(fromBase64Url(p.d)) })));
    assert.throws(() => openEnvelopeWithSharedPoint(envelope, encodePoint(forced)), isCode('envelope_invalid'));
  }
});

test('forged proofs are detected and the trustee named', () => {
  const p2 = partials[1]!;
  const p3 = partials[2]!;
  const wrongShare = { ...shares[1]!, secret: encodeScalar(modL(tryDecodeScalar(shares[1]!.secret)! + 1n)) };
  const forgeries: Array<[string, PartialDecryption]> = [
    ['tampered D', { ...p2, d: toBase64Url(encodePoint(decodePoint(fromBase64Url(p2.d)).add(GENERATOR))) }],
    ['tampered challenge', { ...p2, proof: { ...p2.proof, c: flipFirstByte(p2.proof.c) } }],
    ['tampered response', { ...p2, proof: { ...p2.proof, z: flipFirstByte(p2.proof.z) } }],
    ["another trustee's partial relabelled", { ...p3, trusteeIndex: 2, trusteeId: 'court' }],
    ["another trustee's D with own proof", { ...p2, d: p3.d }],
    [
      'proof made with a wrong share',
      partialDecrypt({
        share: {
          ...wrongShare,
          verificationKey: toBase64Url(encodePoint(multiplyBaseSecret(modL(tryDecodeScalar(shares[1]!.secret)! + 1n)))),
        },
        c1: envelope.c1,
        requestId: REQ,
        envelopeId: envelope.envelopeId,
      }),
    ],
    ['identity D', { ...p2, d: toBase64Url(new Uint8Array(32)) }],
    ['non-canonical scalar', { ...p2, proof: { ...p2.proof, z: toBase64Url(new Uint8Array(32).fill(0xff)) } }],
  ];
  for (const [name, forged] of forgeries) {
    assert.equal(verifyPartial(forged, ctxOf(1)), false, name);
    // One bad among four: the three good ones still open, and the bad one is named.
    const result = thresholdOpen(envelope, [partials[0]!, forged, partials[3]!, partials[4]!], { trusteeSet, requestId: REQ });
    assert.deepEqual(result.plaintext, PLAINTEXT, name);
    assert.deepEqual(result.badTrustees, [{ index: 2, trusteeId: 'court', reason: 'invalid_proof' }], name);
    assert.deepEqual(result.usedTrustees, [1, 4, 5]);
    // One bad among three: share_invalid naming it.
    assert.throws(
      () => combinePartials([partials[0]!, forged, partials[3]!], combineOptions),
      (e: unknown) =>
        isCode('share_invalid')(e) &&
        /court/.test((e as Error).message) &&
        JSON.stringify((e as MvidError).extensions.badTrustees) ===
          JSON.stringify([{ index: 2, trusteeId: 'court', reason: 'invalid_proof' }]),
      name,
    );
  }
});

test('a partial made for request A does not verify for request B or another envelope', () => {
  const p = partials[0]!;
  assert.equal(verifyPartial(p, ctxOf(0, { requestId: 'req-B' })), false);
  // Even a relabelled copy fails: the request id is inside the Fiat–Shamir challenge.
  assert.equal(verifyPartial({ ...p, requestId: 'req-B' }, ctxOf(0, { requestId: 'req-B' })), false);
  const other = seal(trusteeSet, 'env-2');
  assert.equal(verifyPartial(p, ctxOf(0, { envelopeId: 'env-2', c1: other.c1 })), false);
  assert.equal(verifyPartial({ ...p, envelopeId: 'env-2' }, ctxOf(0, { envelopeId: 'env-2' })), false);
  assert.equal(verifyPartial(p, ctxOf(0, { c1: other.c1 })), false);
  assert.equal(verifyPartial(p, ctxOf(0, { trusteeIndex: 2 })), false);
  assert.equal(verifyPartial(p, ctxOf(1)), false);
  // Three partials for request A cannot open for request B.
  assert.throws(() => thresholdOpen(envelope, partials.slice(0, 3), { trusteeSet, requestId: 'req-B' }), isCode('share_invalid'));
  // Nor can partials for envelope 1 open envelope 2, even relabelled.
  const relabelled = partials.slice(0, 3).map((q) => ({ ...q, envelopeId: 'env-2' }));
  assert.throws(() => thresholdOpen(other, relabelled, { trusteeSet, requestId: REQ }), isCode('share_invalid'));
});

test('verifyPartial never throws on junk', () => {
  const p = partials[0]!;
  const junk: unknown[] = [
    null,
    undefined,
    0,
    'x',
    [],
    {},
    { ...p, version: 2 },
    { ...p, trusteeIndex: -1 },
    { ...p, trusteeIndex: 1.5 },
    { ...p, d: 42 },
    { ...p, proof: null },
    { ...p, proof: { c: 1, z: 2 } },
    { ...p, d: 'A'.repeat(10_000) },
  ];
  for (const j of junk) assert.equal(verifyPartial(j, ctxOf(0)), false);
  assert.equal(verifyPartial(p, { ...ctxOf(0), verificationKey: 'bad' }), false);
  assert.equal(verifyPartial(p, { ...ctxOf(0), c1: toBase64Url(new Uint8Array(32)) }), false);
  assert.equal(verifyPartial(p, null as never), false);
});

test('duplicates, unknown trustees and other trustee sets do not count', () => {
  const [p1, p2] = partials as [PartialDecryption, PartialDecryption];
  assert.throws(() => combinePartials([p1, p2, p1, { ...p2 }], combineOptions), isCode('threshold_not_met'));
  const r = combinePartials([p1, p2, partials[2]!, { ...p1, trusteeIndex: 9 }, 'junk'], combineOptions);
  assert.deepEqual(r.badTrustees, [{ index: 9, reason: 'unknown_trustee' }, { reason: 'malformed' }]);
  const doubled = [...trusteeSet.trustees, { ...trusteeSet.trustees[0]!, verificationKey: trusteeSet.trustees[1]!.verificationKey }];
  assert.throws(
    () => combinePartials([p1, p2, partials[2]!], { ...combineOptions, verificationKeys: doubled }),
    isCode('trustee_set_invalid'),
  );
  const wrongSet = { ...partials[3]!, trusteeSetId: 'other-set' };
  const opened = thresholdOpen(envelope, [p1, p2, wrongSet, partials[4]!], { trusteeSet, requestId: REQ });
  assert.deepEqual(opened.badTrustees, [{ index: 4, trusteeId: 'auditor', reason: 'wrong_trustee_set' }]);
});

test('thresholdOpen refuses an envelope sealed to another trustee set', () => {
  const other = dealEscrowKey({ threshold: 3, trustees: IDS });
  assert.throws(() => thresholdOpen(seal(other.trusteeSet), partials, { trusteeSet, requestId: REQ }), isCode('envelope_invalid'));
});

test('partialDecrypt refuses inconsistent shares and bad C1', () => {
  const s = shares[0]!;
  assert.throws(
    () => partialDecrypt({ share: { ...s, secret: shares[1]!.secret }, c1: envelope.c1, requestId: REQ, envelopeId: 'env-1' }),
    TypeError,
  );
  assert.throws(
    () => partialDecrypt({ share: s, c1: toBase64Url(new Uint8Array(32)), requestId: REQ, envelopeId: 'env-1' }),
    isCode('crypto_encoding_invalid'),
  );
  assert.throws(() => partialDecrypt({ share: s, c1: envelope.c1, requestId: '', envelopeId: 'env-1' }), TypeError);
});

test('a dealerless-DKG-shaped trustee set (summed dealings) has the same shape and works', () => {
  // Each of 3 participants deals a degree-1 polynomial; shares and commitments are summed.
  const ids = ['p1', 'p2', 'p3'];
  const random = new SeededRandom(77);
  const polys = ids.map(() => [randomScalar(random), randomScalar(random)]);
  const commitments = [0, 1].map((j) => polys.map((f) => multiplyBaseSecret(f[j]!)).reduce((a, b) => a.add(b)));
  const commitmentBytes = commitments.map(encodePoint);
  const secrets = ids.map((_, k) => modL(polys.reduce((acc, f) => acc + evaluatePolynomial(f, k + 1), 0n)));
  const trustees = ids.map((id, k) => ({ index: k + 1, id, verificationKey: toBase64Url(encodePoint(multiplyBaseSecret(secrets[k]!))) }));
  const id = computeTrusteeSetId(2, trustees, commitmentBytes);
  const commitmentText = commitmentBytes.map(toBase64Url);
  const set: TrusteeSet = { version: 1, id, threshold: 2, escrowPublicKey: commitmentText[0]!, commitments: commitmentText, trustees };
  assert.ok(verifyTrusteeSet(set));
  const e = seal(set);
  const dkgShares: TrusteeShare[] = trustees.map((t, k) => ({
    trusteeSetId: id,
    trusteeId: t.id,
    index: t.index,
    threshold: 2,
    verificationKey: t.verificationKey,
    commitments: commitmentText,
    secret: encodeScalar(secrets[k]!),
  }));
  const ps = [dkgShares[0]!, dkgShares[2]!].map((s) => partialDecrypt({ share: s, c1: e.c1, requestId: 'r', envelopeId: e.envelopeId }));
  assert.deepEqual(thresholdOpen(e, ps, { trusteeSet: set, requestId: 'r' }).plaintext, PLAINTEXT);
});

test('property: random M-of-N sets open from any random M-subset, never from M−1', () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 5 })
        .chain((m) =>
          fc.record({ m: fc.constant(m), n: fc.integer({ min: m, max: 6 }), keys: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }) }),
        ),
      ({ m, n, keys }) => {
        const deal = dealEscrowKey({ threshold: m, trustees: Array.from({ length: n }, (_, k) => `t${k}`) });
        const e = seal(deal.trusteeSet);
        const order = deal.shares.map((_, k) => k).sort((a, b) => keys[a]! - keys[b]! || a - b);
        const ps = order.slice(0, m).map((k) => partialOf(deal.shares[k]!, 'r', e));
        assert.deepEqual(thresholdOpen(e, ps, { trusteeSet: deal.trusteeSet, requestId: 'r' }).plaintext, PLAINTEXT);
        if (m > 1) {
          const options = {
            threshold: m - 1,
            verificationKeys: deal.trusteeSet.trustees,
            c1: e.c1,
            requestId: 'r',
            envelopeId: e.envelopeId,
          };
          const { point } = combinePartials(ps.slice(1), options);
          assert.throws(() => openEnvelopeWithSharedPoint(e, point), isCode('envelope_invalid'));
        }
      },
    ),
    { numRuns: 25 },
  );
});
