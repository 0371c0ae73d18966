import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MvidError, SeededRandom, fromBase64Url, toBase64Url, utf8 } from '../core/index.ts';
import { dealEscrowKey } from './feldman.ts';
import { MAX_ENVELOPE_PLAINTEXT_BYTES, openEnvelopeWithSharedPoint, parseEnvelope, sealEnvelope } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { GENERATOR, decodePoint, encodePoint, multiplyPublic, multiplySecret, tryDecodeScalar } from './group.ts';
import { sodium, sodiumIfLoaded } from './sodium.ts';
import { interpolateAtZero } from './threshold.ts';

const { trusteeSet, shares } = dealEscrowKey({ threshold: 2, trustees: ['a', 'b', 'c'] }, new SeededRandom(11));
// Test-only: the escrow secret, reconstructed so the envelope layer can be tested on its own.
const x = interpolateAtZero(shares.slice(0, 2).map((s) => ({ index: s.index, value: tryDecodeScalar(s.secret)! })));
const input = {
  escrowPublicKey: trusteeSet.escrowPublicKey,
  envelopeId: 'env-1',
  personId: 'person-1',
  trusteeSetId: trusteeSet.id,
  fieldGroup: 'legal-name',
  plaintext: utf8('{"given":"Ada","family":"Lovelace"}'),
};
const sharedPointOf = (e: Envelope) => encodePoint(multiplySecret(decodePoint(fromBase64Url(e.c1)), x));
const isCode = (code: string) => (e: unknown) => e instanceof MvidError && e.code === code;

test('seal then open with S = x·C1', () => {
  const envelope = sealEnvelope(input);
  assert.deepEqual(Object.keys(envelope).sort(), [
    'c1',
    'ciphertext',
    'envelopeId',
    'fieldGroup',
    'nonce',
    'personId',
    'trusteeSetId',
    'version',
  ]);
  const reparsed = parseEnvelope(JSON.parse(JSON.stringify(envelope)));
  assert.deepEqual(openEnvelopeWithSharedPoint(reparsed, sharedPointOf(envelope)), input.plaintext);
});

test('each envelope uses fresh randomness', () => {
  const a = sealEnvelope(input);
  const b = sealEnvelope(input);
  assert.notEqual(a.c1, b.c1);
  assert.notEqual(a.ciphertext, b.ciphertext);
  const c = sealEnvelope(input, new SeededRandom(1));
  assert.deepEqual(sealEnvelope(input, new SeededRandom(1)), c);
});

test('AAD binding: swapping any id or the field group makes it fail', () => {
  const envelope = sealEnvelope(input);
  const s = sharedPointOf(envelope);
  for (const field of ['envelopeId', 'personId', 'trusteeSetId', 'fieldGroup'] as const) {
    const swapped = { ...envelope, [field]: `${envelope[field]}-other` };
    assert.throws(() => openEnvelopeWithSharedPoint(swapped, s), isCode('envelope_invalid'), field);
  }
});

test('tampering and wrong keys fail with envelope_invalid', () => {
  const envelope = sealEnvelope(input);
  const s = sharedPointOf(envelope);
  const ct = fromBase64Url(envelope.ciphertext);
  ct[0]! ^= 0x80;
  assert.throws(() => openEnvelopeWithSharedPoint({ ...envelope, ciphertext: toBase64Url(ct) }, s), isCode('envelope_invalid'));
  // Another envelope's C1 changes K even with a consistent S.
  const other = sealEnvelope(input);
  assert.throws(() => openEnvelopeWithSharedPoint({ ...envelope, c1: other.c1 }, sharedPointOf(other)), isCode('envelope_invalid'));
  assert.throws(() => openEnvelopeWithSharedPoint(envelope, encodePoint(GENERATOR)), isCode('envelope_invalid'));
  assert.throws(() => openEnvelopeWithSharedPoint(envelope, new Uint8Array(32)), isCode('envelope_invalid'));
  assert.throws(() => openEnvelopeWithSharedPoint(envelope, new Uint8Array(3)), TypeError);
});

test('parseEnvelope rejects malformed envelopes', () => {
  const envelope = sealEnvelope(input);
  const bad: unknown[] = [
    null,
    [],
    { ...envelope, version: 2 },
    { ...envelope, c1: toBase64Url(new Uint8Array(32)) }, // identity C1 would make every share irrelevant
    { ...envelope, c1: 'not-a-point' },
    { ...envelope, nonce: toBase64Url(new Uint8Array(11)) },
    { ...envelope, ciphertext: '' },
    { ...envelope, personId: '' },
    { ...envelope, envelopeId: 7 },
    { ...envelope, ciphertext: toBase64Url(new Uint8Array(MAX_ENVELOPE_PLAINTEXT_BYTES + 17)) },
  ];
  for (const e of bad) assert.throws(() => parseEnvelope(e), isCode('envelope_invalid'));
});

test('sealing refuses an invalid or identity escrow key and bad input', () => {
  assert.throws(() => sealEnvelope({ ...input, escrowPublicKey: toBase64Url(new Uint8Array(32)) }), isCode('crypto_encoding_invalid'));
  assert.throws(() => sealEnvelope({ ...input, escrowPublicKey: 'AAAA' }), isCode('crypto_encoding_invalid'));
  assert.throws(() => sealEnvelope({ ...input, personId: '' }), TypeError);
  assert.throws(() => sealEnvelope({ ...input, plaintext: 'text' as never }), TypeError);
  assert.throws(() => sealEnvelope({ ...input, plaintext: new Uint8Array(MAX_ENVELOPE_PLAINTEXT_BYTES + 1) }), RangeError);
});

test('the operator view: envelope, Y and every verification key, but no shares, open nothing', () => {
  const envelope = sealEnvelope(input);
  const y = decodePoint(fromBase64Url(trusteeSet.escrowPublicKey));
  const c1 = decodePoint(fromBase64Url(envelope.c1));
  const vks = trusteeSet.trustees.map((t) => decodePoint(fromBase64Url(t.verificationKey)));
  const commitments = trusteeSet.commitments.map((c) => decodePoint(fromBase64Url(c)));
  // Everything the operator can compute from public values without a discrete log.
  const candidates = [
    y,
    c1,
    y.add(c1),
    vks.reduce((a, b) => a.add(b)),
    commitments.reduce((a, b) => a.add(b)),
    multiplyPublic(y, 2n),
    ...vks,
    ...commitments,
  ];
  for (const candidate of candidates) {
    assert.throws(() => openEnvelopeWithSharedPoint(envelope, encodePoint(candidate)), isCode('envelope_invalid'));
  }
  // The ciphertext does not contain the plaintext.
  assert.ok(!Buffer.from(fromBase64Url(envelope.ciphertext)).includes(Buffer.from(input.plaintext)));
});

test('sealing on libsodium (as the workers do) gives the same envelope as on noble, byte for byte', async () => {
  const onNoble = sealEnvelope(input, new SeededRandom(42));
  assert.equal(sodiumIfLoaded(), undefined, 'this test file has not loaded libsodium before');
  await sodium();
  const onSodium = sealEnvelope(input, new SeededRandom(42));
  assert.deepEqual(onSodium, onNoble);
  assert.deepEqual(openEnvelopeWithSharedPoint(onSodium, sharedPointOf(onSodium)), input.plaintext);
});
