/**
 * BBS against the published fixtures of draft-irtf-cfrg-bbs-signatures (BLS12-381-SHA-256,
 * test/fixtures/vectors/bbs/core): generators, hash to scalar, key generation, every
 * signature and proof case (valid and invalid, proofs replayed with the draft's mocked
 * randomness), and attacks beyond them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { utf8 } from '../core/index.ts';
import {
  BBS_API_ID,
  bbsKeyGen,
  bbsProofGen,
  bbsProofVerify,
  bbsPublicKey,
  bbsSign,
  bbsVerify,
  createGenerators,
  generateBbsKeyPair,
  hashToScalar,
  messagesToScalars,
  seededRandomScalars,
} from './bbs.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/vectors/bbs/core');
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fixture = <T>(name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8')) as T;
const cases = (prefix: string) =>
  readdirSync(DIR)
    .filter((f) => f.startsWith(prefix))
    .sort();

interface SignatureCase {
  caseName: string;
  signerKeyPair: { secretKey: string; publicKey: string };
  header: string;
  messages: string[];
  signature: string;
  result: { valid: boolean };
}
interface ProofCase {
  caseName: string;
  signerPublicKey: string;
  signature: string;
  header: string;
  presentationHeader: string;
  messages: string[];
  disclosedIndexes: number[];
  proof: string;
  result: { valid: boolean };
}
const MOCK_SEED = utf8('3.141592653589793238462643383279');
const MOCK_DST = utf8('BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_H2G_HM2S_MOCK_RANDOM_SCALARS_DST_');

describe('BBS (BLS12-381-SHA-256) against the draft fixtures', () => {
  it('derives the generators', () => {
    const g = fixture<{ Q1: string; MsgGenerators: string[] }>('generators.json');
    const [Q1, ...H] = createGenerators(g.MsgGenerators.length + 1, BBS_API_ID).map((p) => toHex(p.toBytes(true)));
    assert.equal(Q1, g.Q1);
    assert.deepEqual(H, g.MsgGenerators);
  });

  it('hashes to scalars and maps messages', () => {
    const h = fixture<{ message: string; dst: string; scalar: string }>('h2s.json');
    assert.equal(hashToScalar(hex(h.message), hex(h.dst)).toString(16).padStart(64, '0'), h.scalar);
    const m = fixture<{ cases: Array<{ message: string; scalar: string }> }>('MapMessageToScalarAsHash.json');
    const got = messagesToScalars(
      m.cases.map((c) => hex(c.message)),
      BBS_API_ID,
    );
    assert.deepEqual(
      got.map((s) => s.toString(16).padStart(64, '0')),
      m.cases.map((c) => c.scalar),
    );
  });

  it('generates the key pair', () => {
    const k = fixture<{ keyMaterial: string; keyInfo: string; keyDst: string; keyPair: { secretKey: string; publicKey: string } }>(
      'keypair.json',
    );
    const sk = bbsKeyGen(hex(k.keyMaterial), hex(k.keyInfo), hex(k.keyDst));
    assert.equal(sk.toString(16).padStart(64, '0'), k.keyPair.secretKey);
    assert.equal(toHex(bbsPublicKey(sk)), k.keyPair.publicKey);
  });

  for (const name of cases('signature-')) {
    const c = fixture<SignatureCase>(name);
    it(`signature: ${c.caseName}`, () => {
      const messages = c.messages.map(hex);
      const pk = hex(c.signerKeyPair.publicKey);
      assert.equal(bbsVerify(pk, hex(c.signature), hex(c.header), messages), c.result.valid);
      if (c.result.valid) assert.equal(toHex(bbsSign(BigInt(`0x${c.signerKeyPair.secretKey}`), pk, hex(c.header), messages)), c.signature);
    });
  }

  for (const name of cases('proof-')) {
    const c = fixture<ProofCase>(name);
    it(`proof: ${c.caseName}`, () => {
      const pk = hex(c.signerPublicKey);
      const disclosed = c.disclosedIndexes.map((i) => hex(c.messages[i] as string));
      assert.equal(
        bbsProofVerify(pk, hex(c.proof), hex(c.header), hex(c.presentationHeader), disclosed, c.disclosedIndexes),
        c.result.valid,
      );
      if (c.result.valid) {
        const proof = bbsProofGen(
          pk,
          hex(c.signature),
          hex(c.header),
          hex(c.presentationHeader),
          c.messages.map(hex),
          c.disclosedIndexes,
          seededRandomScalars(MOCK_SEED, MOCK_DST),
        );
        assert.equal(toHex(proof as Uint8Array), c.proof);
      }
    });
  }
});

describe('BBS against attacks', () => {
  const { secretKey, publicKey } = generateBbsKeyPair();
  const header = utf8('mvid test');
  const messages = ['age_over_18=true', 'residence=DE', 'nym'].map(utf8);
  const signature = bbsSign(secretKey, publicKey, header, messages);
  const ph = utf8('challenge-1');
  const proof = bbsProofGen(publicKey, signature, header, ph, messages, [0]) as Uint8Array;

  it('a fresh proof verifies, and two proofs of one signature share no bytes of the signature', () => {
    assert.ok(bbsProofVerify(publicKey, proof, header, ph, [messages[0] as Uint8Array], [0]));
    const again = bbsProofGen(publicKey, signature, header, ph, messages, [0]) as Uint8Array;
    assert.notEqual(toHex(again.subarray(0, 48)), toHex(proof.subarray(0, 48)));
    assert.ok(!toHex(proof).includes(toHex(signature.subarray(0, 48))));
  });

  it('refuses a replay under another presentation header, a lie about a disclosed message, another index', () => {
    assert.ok(!bbsProofVerify(publicKey, proof, header, utf8('challenge-2'), [messages[0] as Uint8Array], [0]));
    assert.ok(!bbsProofVerify(publicKey, proof, header, ph, [utf8('age_over_18=false')], [0]));
    assert.ok(!bbsProofVerify(publicKey, proof, header, ph, [messages[0] as Uint8Array], [1]));
  });

  it('refuses every single flipped byte, a truncated proof and another key', () => {
    for (let i = 0; i < proof.length; i += 7) {
      const tampered = proof.slice();
      tampered[i] = (tampered[i] as number) ^ 0x01;
      assert.ok(!bbsProofVerify(publicKey, tampered, header, ph, [messages[0] as Uint8Array], [0]), `byte ${i}`);
    }
    assert.ok(!bbsProofVerify(publicKey, proof.subarray(0, proof.length - 32), header, ph, [messages[0] as Uint8Array], [0]));
    assert.ok(!bbsProofVerify(generateBbsKeyPair().publicKey, proof, header, ph, [messages[0] as Uint8Array], [0]));
  });

  it('refuses malformed keys and signatures without throwing', () => {
    assert.equal(bbsVerify(new Uint8Array(96), signature, header, messages), false);
    assert.equal(bbsVerify(publicKey, new Uint8Array(80), header, messages), false);
    const zeroE = signature.slice();
    zeroE.fill(0, 48);
    assert.equal(bbsVerify(publicKey, zeroE, header, messages), false);
    assert.equal(bbsProofGen(publicKey, signature, header, ph, messages, [2, 0]), undefined, 'indexes must ascend');
    assert.equal(bbsProofGen(publicKey, signature, header, ph, messages, [3]), undefined);
  });
});
