/**
 * Uniqueness tags through an oblivious PRF (RFC 9497, ristretto255-SHA512, verifiable
 * mode). The tag of an identifier is VOPRF(k, namespace ‖ normalised id), where k is
 * held only by a separate tag service. The enrolment server blinds the input, the tag
 * service evaluates it without seeing it and proves (DLEQ) that it used the key behind
 * its published public key, and the enrolment server unblinds. Neither side alone can
 * compute a tag: the enrolment server lacks k, the tag service never sees an input.
 * So a copy of the database and the main key directory is no longer an offline oracle
 * for guessing national numbers; every guess costs a rate-limited, counted evaluation.
 */
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { toBase64Url, utf8 } from '../core/index.ts';
import { type Random, systemRandom } from '../core/index.ts';
import { decodeBase64UrlStrict, fail, frame, wipe } from './encoding.ts';
import { encodePoint, multiplyBaseSecret, tryDecodeScalar } from './group.ts';
import { normalizeIdentifier } from './tag.ts';

const VOPRF = ristretto255_oprf.voprf;
const TAG_DOMAIN = 'mvid uniqueness tag v2';
/** RFC 9497 key-derivation info for tag-service keys. */
const KEY_INFO = utf8('mvid tag service key v1');

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

/** The noble RNG shape from an mvid `Random`. */
function rngOf(random: Random): (n?: number) => Uint8Array {
  return (n?: number) => random.bytes(n ?? 32);
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
 * const b = blindIdentifier('passport:FR', '12AB 34567'); // send b.blinded
 */
export function blindIdentifier(namespace: string, id: string, random: Random = systemRandom): BlindedIdentifier {
  if (typeof namespace !== 'string' || namespace.length === 0) throw new TypeError('namespace must be a non-empty string');
  const input = frame(TAG_DOMAIN, utf8(namespace), utf8(normalizeIdentifier(id)));
  const { blind, blinded } = VOPRF.blind(input, rngOf(random));
  return { input, blind, blinded: toBase64Url(blinded) };
}

/**
 * Tag service: evaluates a blinded element with its key and proves it (RFC 9497 BlindEvaluate).
 * @throws MvidError crypto_encoding_invalid for anything but a valid, non-identity point
 */
export function evaluateBlinded(keys: TagServiceKeyPair, blinded: unknown, random: Random = systemRandom): TagEvaluation {
  const point = bytesField(blinded, 'blinded', 32);
  let out: { evaluated: Uint8Array; proof: Uint8Array };
  try {
    out = VOPRF.blindEvaluate(keys.secretKey, bytesField(keys.publicKey, 'publicKey', 32), point, rngOf(random));
  } catch {
    fail('crypto_encoding_invalid', 'blinded is not a valid ristretto255 element', { field: 'blinded' });
  }
  return { evaluated: toBase64Url(out.evaluated), proof: toBase64Url(out.proof) };
}

/**
 * Enrolment server, step 2: checks the proof against the pinned public key and
 * unblinds; returns the 32-byte tag (the first half of the RFC 9497 output).
 * @throws MvidError crypto_encoding_invalid when the evaluation or its proof is wrong
 */
export function finalizeTag(blinded: BlindedIdentifier, evaluation: TagEvaluation, publicKey: string): Uint8Array {
  const evaluated = bytesField(evaluation?.evaluated, 'evaluated', 32);
  const proof = bytesField(evaluation?.proof, 'proof', 64);
  let output: Uint8Array;
  try {
    output = VOPRF.finalize(
      blinded.input,
      blinded.blind,
      evaluated,
      bytesField(blinded.blinded, 'blinded', 32),
      bytesField(publicKey, 'publicKey', 32),
      proof,
    );
  } catch {
    fail('crypto_encoding_invalid', 'the tag service’s evaluation does not verify against its public key', { field: 'proof' });
  }
  const tag = output.slice(0, 32);
  wipe(output);
  return tag;
}
