import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { SeededRandom, fromBase64Url, toBase64Url } from '../core/index.ts';
import { blindIdentifier, blindInput, evaluateBlinded, finalizeTag, generateTagServiceKey, tagServicePublicKey } from './oprf.ts';

interface Vector {
  Batch: number;
  Blind: string;
  BlindedElement: string;
  EvaluationElement: string;
  Input: string;
  Output: string;
  Proof?: { proof: string; r: string };
}
interface Suite {
  identifier: string;
  mode: number;
  seed: string;
  keyInfo: string;
  skSm: string;
  pkSm?: string;
  vectors: Vector[];
}

const SUITES = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'vectors', 'rfc9497-ristretto255-sha512.json'), 'utf8'),
) as Suite[];
const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** An RNG whose next scalar (noble maps 48 bytes x to x mod (L−1) + 1) is exactly `scalarHex`. */
function fixedScalarRng(scalarHex: string): () => Uint8Array {
  let s = 0n;
  const le = hex(scalarHex);
  for (let k = le.length - 1; k >= 0; k--) s = (s << 8n) | BigInt(le[k] as number);
  let v = (s - 1n + (L - 1n)) % (L - 1n);
  const out = new Uint8Array(48);
  for (let k = 0; k < 48; k++) {
    out[k] = Number(v & 0xffn);
    v >>= 8n;
  }
  return () => out.slice();
}

test('RFC 9497 A.1.1 (OPRF, ristretto255-SHA512): key derivation, blind, evaluate, finalize', () => {
  const suite = SUITES.find((s) => s.mode === 0) as Suite;
  const keys = ristretto255_oprf.oprf.deriveKeyPair(hex(suite.seed), hex(suite.keyInfo));
  assert.equal(toHex(keys.secretKey), suite.skSm);
  for (const v of suite.vectors) {
    const { blind, blinded } = ristretto255_oprf.oprf.blind(hex(v.Input), fixedScalarRng(v.Blind));
    assert.equal(toHex(blind), v.Blind);
    assert.equal(toHex(blinded), v.BlindedElement);
    const evaluated = ristretto255_oprf.oprf.blindEvaluate(keys.secretKey, blinded);
    assert.equal(toHex(evaluated), v.EvaluationElement);
    assert.equal(toHex(ristretto255_oprf.oprf.finalize(hex(v.Input), blind, evaluated)), v.Output);
  }
});

test('RFC 9497 A.1.2 (VOPRF, ristretto255-SHA512): the proofs and outputs mvid relies on', () => {
  const suite = SUITES.find((s) => s.mode === 1) as Suite;
  const keys = ristretto255_oprf.voprf.deriveKeyPair(hex(suite.seed), hex(suite.keyInfo));
  assert.equal(toHex(keys.secretKey), suite.skSm);
  assert.equal(toHex(keys.publicKey), suite.pkSm);
  assert.equal(tagServicePublicKey(keys.secretKey), toBase64Url(keys.publicKey));
  for (const v of suite.vectors.filter((x) => x.Batch === 1)) {
    const { blind, blinded } = ristretto255_oprf.voprf.blind(hex(v.Input), fixedScalarRng(v.Blind));
    assert.equal(toHex(blinded), v.BlindedElement);
    const out = ristretto255_oprf.voprf.blindEvaluate(keys.secretKey, keys.publicKey, blinded, fixedScalarRng(v.Proof?.r as string));
    assert.equal(toHex(out.evaluated), v.EvaluationElement);
    assert.equal(toHex(out.proof), v.Proof?.proof);
    const output = ristretto255_oprf.voprf.finalize(hex(v.Input), blind, out.evaluated, blinded, keys.publicKey, out.proof);
    assert.equal(toHex(output), v.Output);
  }
});

test('RFC 9497 A.1.2 (VOPRF): mvid’s own blind, evaluate-with-proof and finalize (libsodium) reproduce the vectors', async () => {
  const suite = SUITES.find((s) => s.mode === 1) as Suite;
  const keys = { secretKey: hex(suite.skSm), publicKey: toBase64Url(hex(suite.pkSm as string)) };
  const fixed = (scalarHex: string) => {
    const next = fixedScalarRng(scalarHex);
    return { bytes: () => next(), uuid: () => 'unused' };
  };
  for (const v of suite.vectors.filter((x) => x.Batch === 1)) {
    const b = await blindInput(hex(v.Input), fixed(v.Blind));
    assert.equal(toHex(b.blind), v.Blind);
    assert.equal(toHex(fromBase64Url(b.blinded)), v.BlindedElement);
    const out = await evaluateBlinded(keys, b.blinded, fixed(v.Proof?.r as string));
    assert.equal(toHex(fromBase64Url(out.evaluated)), v.EvaluationElement);
    assert.equal(toHex(fromBase64Url(out.proof)), v.Proof?.proof);
    assert.equal(toHex(await finalizeTag(b, out, keys.publicKey)), v.Output.slice(0, 64));
  }
});

test('a tag round trip: deterministic per identifier, typing-insensitive, namespace-separated; the server sees only random points', async () => {
  const keys = generateTagServiceKey();
  const tagOf = async (ns: string, id: string) => {
    const b = await blindIdentifier(ns, id);
    return toBase64Url(await finalizeTag(b, await evaluateBlinded(keys, b.blinded), keys.publicKey));
  };
  assert.equal(await tagOf('passport:FR', '12AB 34567'), await tagOf('passport:FR', '12ab-34567'));
  assert.notEqual(await tagOf('passport:FR', '12AB34567'), await tagOf('passport:DE', '12AB34567'));
  assert.notEqual(await tagOf('passport:FR', '12AB34567'), await tagOf('passport:FR', '12AB34568'));
  assert.notEqual(
    (await blindIdentifier('passport:FR', '1')).blinded,
    (await blindIdentifier('passport:FR', '1')).blinded,
    'blinding is fresh',
  );
});

test('a wrong key or a forged evaluation is refused by the proof, not silently turned into another tag', async () => {
  const keys = generateTagServiceKey();
  const other = generateTagServiceKey(new SeededRandom(7));
  const b = await blindIdentifier('passport:FR', '12AB34567');
  const refused = { code: 'crypto_encoding_invalid' };
  await assert.rejects(finalizeTag(b, await evaluateBlinded(other, b.blinded), keys.publicKey), refused);
  const good = await evaluateBlinded(keys, b.blinded);
  assert.equal((await finalizeTag(b, good, keys.publicKey)).length, 32);
  const forged = await evaluateBlinded(keys, (await blindIdentifier('passport:FR', 'x')).blinded);
  await assert.rejects(finalizeTag(b, { evaluated: forged.evaluated, proof: good.proof }, keys.publicKey), refused);
  // A proof with c or s out of range, a zero proof, the identity as the evaluation, or a tampered proof byte.
  const proof = fromBase64Url(good.proof);
  const L32 = new Uint8Array(32);
  let l = L;
  for (let k = 0; k < 32; k++) {
    L32[k] = Number(l & 0xffn);
    l >>= 8n;
  }
  for (const bad of [new Uint8Array([...L32, ...proof.slice(32)]), new Uint8Array([...proof.slice(0, 32), ...L32]), new Uint8Array(64)]) {
    await assert.rejects(finalizeTag(b, { evaluated: good.evaluated, proof: toBase64Url(bad) }, keys.publicKey), refused);
  }
  const tampered = proof.slice();
  tampered[40] = (tampered[40] as number) ^ 1;
  await assert.rejects(finalizeTag(b, { evaluated: good.evaluated, proof: toBase64Url(tampered) }, keys.publicKey), refused);
  await assert.rejects(finalizeTag(b, { evaluated: toBase64Url(new Uint8Array(32)), proof: good.proof }, keys.publicKey), refused);
  await assert.rejects(evaluateBlinded(keys, toBase64Url(new Uint8Array(32))), refused);
  await assert.rejects(evaluateBlinded(keys, toBase64Url(new Uint8Array(32).fill(0xff))), refused);
  await assert.rejects(evaluateBlinded(keys, 'not a point'), refused);
});
