/**
 * Chaum–Pedersen proof of discrete-log equality, made non-interactive with
 * Fiat–Shamir: proves log_G(X) = log_H(D) without revealing x. A trustee uses
 * it to show that its partial decryption D_i = x_i·C1 uses the same x_i as its
 * published verification key X_i = x_i·G — so a wrong partial is caught and
 * attributed before it can spoil a decryption.
 *
 * Prover: k, A = k·G, B = k·H, c = Hs(G, X, H, D, A, B, context), z = k + c·x.
 * Verifier: A' = z·G − c·X, B' = z·H − c·D, accept iff Hs(…, A', B', context) = c.
 * `context` carries the request id, envelope id and trustee index, so a proof
 * is only valid for the request it was made for.
 */
import { systemRandom } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { wipe } from './encoding.ts';
import {
  GENERATOR,
  encodePoint,
  encodeScalar,
  hashToScalar,
  modL,
  multiplyBaseSecret,
  multiplyPublic,
  multiplySecret,
  randomBytes,
} from './group.ts';
import type { Point } from './group.ts';
import { type Sodium, sodiumIfLoaded } from './sodium.ts';

const CHALLENGE_DOMAIN = 'mvid dleq v1';
const NONCE_DOMAIN = 'mvid dleq nonce v1';

export interface DleqProofScalars {
  /** Challenge. */
  c: bigint;
  /** Response. */
  z: bigint;
}

function challenge(x: Point, h: Point, d: Point, a: Point, b: Point, context: Uint8Array): bigint {
  return hashToScalar(
    CHALLENGE_DOMAIN,
    encodePoint(GENERATOR),
    encodePoint(x),
    encodePoint(h),
    encodePoint(d),
    encodePoint(a),
    encodePoint(b),
    context,
  );
}

/**
 * Proves log_G(X) = log_H(D) = secret. The nonce is hedged — derived from the
 * secret, fresh randomness and the statement — so neither a broken RNG nor a
 * fault alone can leak the secret through nonce reuse.
 */
export function proveDleq(
  secret: bigint,
  statement: { x: Point; h: Point; d: Point },
  context: Uint8Array,
  random: Random = systemRandom,
): DleqProofScalars {
  const secretBytes = encodeScalar(modL(secret));
  const entropy = randomBytes(random, 32);
  const k = hashToScalar(NONCE_DOMAIN, secretBytes, entropy, encodePoint(statement.h), encodePoint(statement.d), context);
  wipe(secretBytes, entropy);
  const a = multiplyBaseSecret(k);
  const b = multiplySecret(statement.h, k);
  const c = challenge(statement.x, statement.h, statement.d, a, b, context);
  return { c, z: modL(k + c * secret) };
}

/** Checks a DLEQ proof. Points are assumed decoded and non-identity by the caller; never throws. */
export function verifyDleq(statement: { x: Point; h: Point; d: Point }, proof: DleqProofScalars, context: Uint8Array): boolean {
  try {
    const na = sodiumIfLoaded();
    if (na !== undefined) return verifyOnSodium(na, statement, proof, context);
    const a = multiplyPublic(GENERATOR, proof.z).subtract(multiplyPublic(statement.x, proof.c));
    const b = multiplyPublic(statement.h, proof.z).subtract(multiplyPublic(statement.d, proof.c));
    return challenge(statement.x, statement.h, statement.d, a, b, context) === proof.c;
  } catch {
    return false;
  }
}

/**
 * The same check on libsodium (about four times faster than noble's four multiplications),
 * when this thread has loaded it (the authority's release path does). A zero challenge or
 * response makes libsodium refuse a multiplication and the proof fail: an honest proof has
 * one with probability ~2^-252.
 */
function verifyOnSodium(na: Sodium, statement: { x: Point; h: Point; d: Point }, proof: DleqProofScalars, context: Uint8Array): boolean {
  const [x, h, d] = [statement.x, statement.h, statement.d].map(encodePoint) as [Uint8Array, Uint8Array, Uint8Array];
  const z = encodeScalar(modL(proof.z));
  const c = encodeScalar(modL(proof.c));
  const a = na.crypto_core_ristretto255_sub(na.crypto_scalarmult_ristretto255_base(z), na.crypto_scalarmult_ristretto255(c, x));
  const b = na.crypto_core_ristretto255_sub(na.crypto_scalarmult_ristretto255(z, h), na.crypto_scalarmult_ristretto255(c, d));
  return hashToScalar(CHALLENGE_DOMAIN, encodePoint(GENERATOR), x, h, d, a, b, context) === proof.c;
}
