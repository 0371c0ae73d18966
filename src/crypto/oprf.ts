/**
 * Uniqueness tags through an oblivious PRF (RFC 9497, ristretto255-SHA512, verifiable
 * mode). The tag of an identifier is VOPRF(k, namespace ‖ normalised id), where k is
 * held only by a separate tag service. The enrolment server blinds the input, the tag
 * service evaluates it without seeing it and proves (DLEQ) that it used the key behind
 * its published public key, and the enrolment server unblinds. Neither side alone can
 * compute a tag: the enrolment server lacks k, the tag service never sees an input.
 * So a copy of the database and the main key directory is no longer an offline oracle
 * for guessing national numbers; every guess costs a rate-limited, counted evaluation.
 *
 * The protocol's group work (blind, evaluate and prove, verify and unblind) runs on
 * libsodium (./sodium.ts), checked against RFC 9497's test vectors; key generation, once
 * per service, stays on noble.
 */
import { createHash } from 'node:crypto';
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from '../core/index.ts';
import { type Random, systemRandom } from '../core/index.ts';
import { decodeBase64UrlStrict, fail, frame, wipe } from './encoding.ts';
import { encodePoint, encodeScalar, GROUP_ORDER, multiplyBaseSecret, tryDecodeScalar } from './group.ts';
import { isNonIdentityPoint, type Sodium, sodium } from './sodium.ts';
import { normalizeIdentifier } from './tag.ts';

const VOPRF = ristretto255_oprf.voprf;
const TAG_DOMAIN = 'mvid uniqueness tag v2';
/** RFC 9497 key-derivation info for tag-service keys. */
const KEY_INFO = utf8('mvid tag service key v1');

// RFC 9497 §3.1 / §4.1: the VOPRF mode (0x01) of ristretto255-SHA512.
const CONTEXT = new Uint8Array([...utf8('OPRFV1-'), 0x01, ...utf8('-ristretto255-SHA512')]);
const HASH_TO_GROUP_DST = new Uint8Array([...utf8('HashToGroup-'), ...CONTEXT]);
const HASH_TO_SCALAR_DST = new Uint8Array([...utf8('HashToScalar-'), ...CONTEXT]);
const SEED_DST = new Uint8Array([...utf8('Seed-'), ...CONTEXT]);

/** RFC 9497's length-prefixed encoding: byte strings with a 2-byte length, numbers as 2 bytes, labels as ASCII. */
function encode(...parts: ReadonlyArray<Uint8Array | number | string>): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    if (typeof part === 'number') chunks.push(Uint8Array.of((part >> 8) & 0xff, part & 0xff));
    else if (typeof part === 'string') chunks.push(utf8(part));
    else chunks.push(Uint8Array.of((part.length >> 8) & 0xff, part.length & 0xff), part);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const hash = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha512').update(bytes).digest());

/** HashToGroup (RFC 9380 expand_message_xmd with SHA-512, then RFC 9496's one-way map). */
function hashToGroup(na: Sodium, input: Uint8Array): Uint8Array {
  return na.crypto_core_ristretto255_from_hash(expand_message_xmd(input, HASH_TO_GROUP_DST, 64, sha512));
}

function hashToScalar(na: Sodium, message: Uint8Array): Uint8Array {
  return na.crypto_core_ristretto255_scalar_reduce(expand_message_xmd(message, HASH_TO_SCALAR_DST, 64, sha512));
}

/** RFC 9497 RandomScalar as noble draws it (48 bytes x, x mod (L − 1) + 1), so fixed-randomness vectors carry over. */
function randomScalarBytes(random: Random): Uint8Array {
  const wide = random.bytes(48);
  let x = 0n;
  for (let i = wide.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(wide[i] as number);
  wipe(wide);
  return encodeScalar((x % (GROUP_ORDER - 1n)) + 1n);
}

/** The composite weight d of a one-element batch (RFC 9497 §2.2.1 ComputeComposites, m = 1). */
function compositeWeight(na: Sodium, publicKey: Uint8Array, blinded: Uint8Array, evaluated: Uint8Array): Uint8Array {
  const seed = hash(encode(publicKey, SEED_DST));
  return hashToScalar(na, encode(seed, 0, blinded, evaluated, 'Composite'));
}

function challenge(na: Sodium, ...elements: Uint8Array[]): Uint8Array {
  return hashToScalar(na, encode(...elements, 'Challenge'));
}

export interface TagServiceKeyPair {
  /** 32-byte scalar; only the tag service holds it. */
  secretKey: Uint8Array;
  /** 32-byte ristretto255 point, base64url: pinned by the enrolment server to check proofs. */
  publicKey: string;
}

export interface BlindedIdentifier {
  /** The OPRF input; stays on the enrolment server. */
  input: Uint8Array;
  /** The blinding scalar; stays on the enrolment server (wipe after use). */
  blind: Uint8Array;
  /** What the tag service sees: a uniformly random group element, base64url. */
  blinded: string;
}

export interface TagEvaluation {
  evaluated: string;
  proof: string;
}

function bytesField(value: unknown, field: string, length: number): Uint8Array {
  const bytes = typeof value === 'string' ? decodeBase64UrlStrict(value) : undefined;
  if (bytes === undefined || bytes.length !== length)
    fail('crypto_encoding_invalid', `${field} is not ${length} bytes of base64url`, { field });
  return bytes;
}

/**
 * A fresh tag-service key (RFC 9497 DeriveKeyPair from 32 random bytes).
 * @example
 * const { secretKey, publicKey } = generateTagServiceKey();
 */
export function generateTagServiceKey(random: Random = systemRandom): TagServiceKeyPair {
  const seed = random.bytes(32);
  try {
    const keys = VOPRF.deriveKeyPair(seed, KEY_INFO);
    return { secretKey: keys.secretKey, publicKey: toBase64Url(keys.publicKey) };
  } finally {
    wipe(seed);
  }
}

/** The public key of a tag-service secret key (`secretKey`·G), base64url. */
export function tagServicePublicKey(secretKey: Uint8Array): string {
  const k = tryDecodeScalar(secretKey);
  if (k === undefined) throw new TypeError('secretKey is not a valid tag-service key');
  return toBase64Url(encodePoint(multiplyBaseSecret(k)));
}

/**
 * Enrolment server, step 1: blinds the normalised identifier of `namespace`.
 * @example
 * const b = await blindIdentifier('passport:FR', '12AB 34567'); // send b.blinded
 */
export async function blindIdentifier(namespace: string, id: string, random: Random = systemRandom): Promise<BlindedIdentifier> {
  if (typeof namespace !== 'string' || namespace.length === 0) throw new TypeError('namespace must be a non-empty string');
  return blindInput(frame(TAG_DOMAIN, utf8(namespace), utf8(normalizeIdentifier(id))), random);
}

/** RFC 9497 Blind of raw input bytes (exported for the RFC's test vectors; callers use `blindIdentifier`). */
export async function blindInput(input: Uint8Array, random: Random = systemRandom): Promise<BlindedIdentifier> {
  const na = await sodium();
  const blind = randomScalarBytes(random);
  const blinded = na.crypto_scalarmult_ristretto255(blind, hashToGroup(na, input));
  return { input, blind, blinded: toBase64Url(blinded) };
}

/**
 * Tag service: evaluates a blinded element with its key and proves it (RFC 9497 BlindEvaluate
 * and GenerateProof, one element).
 * @throws MvidError crypto_encoding_invalid for anything but a valid, non-identity point
 */
export async function evaluateBlinded(keys: TagServiceKeyPair, blinded: unknown, random: Random = systemRandom): Promise<TagEvaluation> {
  const point = bytesField(blinded, 'blinded', 32);
  const publicKey = bytesField(keys.publicKey, 'publicKey', 32);
  const na = await sodium();
  // A point received over the wire: canonical, and not the identity (RFC 9497 §3.3).
  if (!isNonIdentityPoint(na, point)) fail('crypto_encoding_invalid', 'blinded is not a valid ristretto255 element', { field: 'blinded' });
  const k = keys.secretKey;
  const evaluated = na.crypto_scalarmult_ristretto255(k, point);
  // ComputeCompositesFast: M = d·C, Z = k·M.
  const m = na.crypto_scalarmult_ristretto255(compositeWeight(na, publicKey, point, evaluated), point);
  const z = na.crypto_scalarmult_ristretto255(k, m);
  const r = randomScalarBytes(random);
  try {
    const c = challenge(na, publicKey, m, z, na.crypto_scalarmult_ristretto255_base(r), na.crypto_scalarmult_ristretto255(r, m));
    const product = na.crypto_core_ristretto255_scalar_mul(c, k);
    const s = na.crypto_core_ristretto255_scalar_sub(r, product);
    wipe(product);
    return { evaluated: toBase64Url(evaluated), proof: toBase64Url(new Uint8Array([...c, ...s])) };
  } finally {
    wipe(r);
  }
}

/**
 * Enrolment server, step 2: checks the proof against the pinned public key and
 * unblinds; returns the 32-byte tag (the first half of the RFC 9497 output).
 * @throws MvidError crypto_encoding_invalid when the evaluation or its proof is wrong
 */
export async function finalizeTag(blinded: BlindedIdentifier, evaluation: TagEvaluation, publicKey: string): Promise<Uint8Array> {
  const evaluated = bytesField(evaluation?.evaluated, 'evaluated', 32);
  const proof = bytesField(evaluation?.proof, 'proof', 64);
  const blindedPoint = bytesField(blinded.blinded, 'blinded', 32);
  const key = bytesField(publicKey, 'publicKey', 32);
  const na = await sodium();
  let output: Uint8Array;
  try {
    if (!isNonIdentityPoint(na, evaluated) || !isNonIdentityPoint(na, blindedPoint) || !isNonIdentityPoint(na, key))
      throw new Error('not a group element');
    const c = proof.slice(0, 32);
    const s = proof.slice(32);
    if (tryDecodeScalar(c) === undefined || tryDecodeScalar(s) === undefined) throw new Error('not a canonical non-zero scalar');
    // VerifyProof: M = d·C, Z = d·D, t2 = s·G + c·pkS, t3 = s·M + c·Z, and c must be the challenge.
    const d = compositeWeight(na, key, blindedPoint, evaluated);
    const m = na.crypto_scalarmult_ristretto255(d, blindedPoint);
    const z = na.crypto_scalarmult_ristretto255(d, evaluated);
    const t2 = na.crypto_core_ristretto255_add(na.crypto_scalarmult_ristretto255_base(s), na.crypto_scalarmult_ristretto255(c, key));
    const t3 = na.crypto_core_ristretto255_add(na.crypto_scalarmult_ristretto255(s, m), na.crypto_scalarmult_ristretto255(c, z));
    if (Buffer.compare(challenge(na, key, m, z, t2, t3), c) !== 0) throw new Error('proof verification failed');
    const inverse = na.crypto_core_ristretto255_scalar_invert(blinded.blind);
    const unblinded = na.crypto_scalarmult_ristretto255(inverse, evaluated);
    wipe(inverse);
    output = hash(encode(blinded.input, unblinded, 'Finalize'));
  } catch {
    fail('crypto_encoding_invalid', 'the tag service’s evaluation does not verify against its public key', { field: 'proof' });
  }
  const tag = output.slice(0, 32);
  wipe(output);
  return tag;
}
