/**
 * The ristretto255 prime-order group (RFC 9496) and its scalar field, as used by
 * every escrow primitive. Ristretto is used instead of raw Ed25519 points
 * because it has no cofactor: every valid encoding is a point of prime order
 * L, so small-subgroup and malleability tricks against the threshold protocol
 * are impossible by construction.
 *
 * Constant time: point multiplication by a secret uses noble's constant-time
 * ladder. Scalar arithmetic uses JS bigints, which are not constant time and
 * cannot be wiped from memory; that is a known limit of doing this in JS, and
 * the reason secrets cross module boundaries as `Uint8Array` (which can be).
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { createHash } from 'node:crypto';
import { LruCache, systemRandom } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import type { ErrorCode } from '../core/index.ts';
import { fail, frame, readBytesField, wipe } from './encoding.ts';
import { isNonIdentityPoint, sodiumIfLoaded } from './sodium.ts';

const RistrettoPoint = ristretto255.Point;

/** A ristretto255 group element. */
export type Point = InstanceType<typeof RistrettoPoint>;

/** The prime order L = 2^252 + 27742317777372353535851937790883648493. */
export const GROUP_ORDER: bigint = RistrettoPoint.Fn.ORDER;
export const POINT_BYTES = 32;
export const SCALAR_BYTES = 32;

/** The conventional generator G (RFC 9496 §4.4). */
export const GENERATOR: Point = RistrettoPoint.BASE;
export const IDENTITY: Point = RistrettoPoint.ZERO;

/** Reduces an integer mod L into [0, L). */
export function modL(a: bigint): bigint {
  const r = a % GROUP_ORDER;
  return r < 0n ? r + GROUP_ORDER : r;
}

/** The inverse of a non-zero scalar mod L. */
export function invertScalar(a: bigint): bigint {
  const r = modL(a);
  if (r === 0n) throw new RangeError('invertScalar: zero has no inverse');
  return RistrettoPoint.Fn.inv(r);
}

function bytesToBigIntLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] ?? 0);
  return n;
}

/**
 * A scalar from 64 uniformly random bytes, little-endian, reduced mod L. Using
 * 512 bits (not 256) makes the bias of the reduction negligible (~2^-259).
 */
export function scalarFromWideBytes(bytes: Uint8Array): bigint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 64) {
    throw new TypeError('scalarFromWideBytes: expected 64 bytes');
  }
  return modL(bytesToBigIntLE(bytes));
}

/** Asks `random` for exactly `length` bytes, refusing a source that returns fewer. */
export function randomBytes(random: Random, length: number): Uint8Array {
  const bytes = random.bytes(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`random.bytes(${length}) did not return ${length} bytes`);
  }
  return bytes;
}

/**
 * A uniformly random non-zero scalar.
 * @example
 * const k = randomScalar(); // 0 < k < L
 */
export function randomScalar(random: Random = systemRandom): bigint {
  for (;;) {
    const wide = randomBytes(random, 64);
    const s = scalarFromWideBytes(wide);
    wipe(wide);
    // Zero has probability ~2^-252; looping keeps the "non-zero" guarantee honest.
    if (s !== 0n) return s;
  }
}

/** The canonical 32-byte little-endian encoding of a scalar in [0, L). */
export function encodeScalar(s: bigint): Uint8Array {
  if (s < 0n || s >= GROUP_ORDER) throw new RangeError('encodeScalar: scalar out of range');
  const out = new Uint8Array(SCALAR_BYTES);
  let n = s;
  for (let i = 0; i < SCALAR_BYTES; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** Decodes a canonical scalar (< L), or `undefined`. Non-canonical encodings are refused so a scalar has one spelling. */
export function tryDecodeScalar(bytes: Uint8Array, options: { allowZero?: boolean } = {}): bigint | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SCALAR_BYTES) return undefined;
  const s = bytesToBigIntLE(bytes);
  if (s >= GROUP_ORDER) return undefined;
  if (s === 0n && options.allowZero !== true) return undefined;
  return s;
}

/** The canonical 32-byte ristretto255 encoding of a point. */
export function encodePoint(point: Point): Uint8Array {
  return point.toBytes();
}

/**
 * Decodes a point, or `undefined` for anything that is not a canonical
 * ristretto255 encoding. The identity is refused unless asked for: as a public
 * key, ciphertext component or partial decryption it would make the secret
 * irrelevant (r·0 = 0), so it is never legitimate there.
 */
export function tryDecodePoint(bytes: Uint8Array, options: { allowIdentity?: boolean } = {}): Point | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length !== POINT_BYTES) return undefined;
  let point: Point;
  try {
    point = RistrettoPoint.fromBytes(bytes);
  } catch {
    return undefined;
  }
  if (point.is0() && options.allowIdentity !== true) return undefined;
  return point;
}

/**
 * Decodes a point or throws `crypto_encoding_invalid` (identity refused by default).
 * @example
 * const y = decodePoint(bytes); // throws MvidError('crypto_encoding_invalid') on a bad encoding
 */
export function decodePoint(bytes: Uint8Array, options: { allowIdentity?: boolean } = {}): Point {
  const point = tryDecodePoint(bytes, options);
  if (point === undefined) fail('crypto_encoding_invalid', 'not a valid ristretto255 point encoding');
  return point;
}

/** Reads a base64url point field of an untrusted object (identity refused). */
export function readPointField(value: unknown, field: string, code: ErrorCode): Point {
  const point = tryDecodePoint(readBytesField(value, field, POINT_BYTES, code));
  if (point === undefined) fail(code, `${field} is not a valid non-identity ristretto255 point`, { field });
  return point;
}

/**
 * Reads a base64url point field of an untrusted object as its checked encoding (identity
 * refused): on libsodium when this thread has loaded it, without building a noble point
 * (decoding one costs an inverse square root), else through `tryDecodePoint`.
 */
export function readPointBytesField(value: unknown, field: string, code: ErrorCode): Uint8Array {
  const bytes = readBytesField(value, field, POINT_BYTES, code);
  const na = sodiumIfLoaded();
  const valid = na === undefined ? tryDecodePoint(bytes) !== undefined : isNonIdentityPoint(na, bytes);
  if (!valid) fail(code, `${field} is not a valid non-identity ristretto255 point`, { field });
  return bytes;
}

const FIXED_KEY_WINDOW = 8;
const fixedKeys = new LruCache<string, Point>(16);

/**
 * Decodes a long-lived public key (the escrow key Y every envelope is sealed to) once and
 * precomputes its window table, so each r·Y costs about what r·G does instead of a full
 * ladder — enrolment seals four envelopes to the same Y. Bounded LRU; identity refused.
 */
export function fixedPublicKey(bytes: Uint8Array): Point | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length !== POINT_BYTES) return undefined;
  const key = Buffer.from(bytes).toString('hex');
  const cached = fixedKeys.get(key);
  if (cached) return cached;
  const point = tryDecodePoint(bytes);
  if (point === undefined) return undefined;
  point.precompute(FIXED_KEY_WINDOW, false);
  fixedKeys.set(key, point);
  return point;
}

/** s·P for a secret s (constant-time ladder). s = 0 gives the identity. */
export function multiplySecret(point: Point, s: bigint): Point {
  const r = modL(s);
  return r === 0n ? IDENTITY : point.multiply(r);
}

/** s·G for a secret s. */
export function multiplyBaseSecret(s: bigint): Point {
  return multiplySecret(GENERATOR, s);
}

/** s·P for a public s (variable time: faster, and fine because nothing about s is secret). */
export function multiplyPublic(point: Point, s: bigint): Point {
  return point.multiplyUnsafe(modL(s));
}

/**
 * SHA-512 over a domain-separated, length-prefixed encoding, reduced mod L.
 * Used for Fiat–Shamir challenges and hedged nonces.
 */
export function hashToScalar(domain: string, ...parts: Uint8Array[]): bigint {
  const digest = new Uint8Array(
    createHash('sha512')
      .update(frame(domain, ...parts))
      .digest(),
  );
  const s = scalarFromWideBytes(digest);
  wipe(digest);
  return s;
}
