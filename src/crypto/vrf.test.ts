/** The pseudonym VRF: deterministic outputs, proofs that verify, and forgeries that do not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toBase64Url, utf8 } from '../core/index.ts';
import { encodePoint, multiplyBaseSecret } from './group.ts';
import { vrfKeyFromSecret, vrfVerify } from './vrf.ts';

const key = vrfKeyFromSecret(new Uint8Array(32).fill(7));
const other = vrfKeyFromSecret(new Uint8Array(32).fill(8));
const alpha = utf8('world:moonbase\0person-a');

test('the output is deterministic, 32 bytes, and the proof verifies to it', () => {
  const a = key.prove(alpha);
  const b = key.prove(alpha);
  assert.equal(a.output, b.output);
  assert.equal(a.output, key.evaluate(alpha));
  assert.match(a.output, /^[A-Za-z0-9_-]{43}$/);
  assert.notDeepEqual(a.proof, b.proof, 'hedged nonces: two proofs of one output differ');
  assert.equal(vrfVerify(key.publicKey, alpha, a.proof), a.output);
  assert.equal(vrfVerify(key.publicKey, alpha, b.proof), a.output);
  assert.notEqual(key.evaluate(utf8('world:moonbase\0person-b')), a.output);
  assert.notEqual(key.evaluate(utf8('world:marsbase\0person-a')), a.output, 'another world, another pseudonym');
  assert.notEqual(other.evaluate(alpha), a.output);
});

test('a proof for one input, key or point is refused for any other', () => {
  const { proof } = key.prove(alpha);
  assert.equal(vrfVerify(key.publicKey, utf8('world:moonbase\0person-b'), proof), undefined, 'the person id is bound');
  assert.equal(vrfVerify(other.publicKey, alpha, proof), undefined, 'the key is bound');
  // Another person's point with this person's proof (the substitution a lying server would want).
  const gammaB = key.prove(utf8('world:moonbase\0person-b')).proof.gamma;
  assert.equal(vrfVerify(key.publicKey, alpha, { ...proof, gamma: gammaB }), undefined);
  // A point the server makes up, with a made-up proof.
  const made = toBase64Url(encodePoint(multiplyBaseSecret(12345n)));
  assert.equal(vrfVerify(key.publicKey, alpha, { ...proof, gamma: made }), undefined);
  assert.equal(vrfVerify(key.publicKey, alpha, { ...proof, c: proof.s }), undefined);
  for (const bad of ['', 'AA', '_'.repeat(43), 'x'.repeat(44)]) {
    assert.equal(vrfVerify(key.publicKey, alpha, { ...proof, gamma: bad }), undefined, bad);
    assert.equal(vrfVerify(bad, alpha, proof), undefined, bad);
  }
  assert.equal(vrfVerify(key.publicKey, alpha, null as never), undefined);
  // The identity as Γ (sk·H = 0 would make every output equal) is refused.
  assert.equal(vrfVerify(key.publicKey, alpha, { ...proof, gamma: toBase64Url(new Uint8Array(32)) }), undefined);
});
