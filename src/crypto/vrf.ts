/**
 * A verifiable random function on ristretto255 in the style of RFC 9381's ECVRF: the
 * holder of a secret scalar sk (public key Y = sk·G) maps an input α to
 *
 *   H = hash_to_ristretto255(α)            (RFC 9380 / RFC 9496, expand_message_xmd SHA-512)
 *   Γ = sk·H                               (the VRF point)
 *   β = SHA-256(frame("mvid vrf output v1", enc(Γ)))   (the 32-byte output)
 *
 * and proves it with the Chaum–Pedersen proof of dleq.ts that log_G(Y) = log_H(Γ), the
 * proof's context being α itself. Anyone holding Y can then check "β is the output for
 * α" and learns nothing else; nobody, the key holder included, can make a valid proof for
 * another output of the same α (Γ is fixed by Y and H), nor find a second α with the
 * same output (H is a random oracle).
 *
 * mvid uses it for world pseudonyms: α = "world:<client id>" ‖ 0x00 ‖ person id, and a
 * world's `sub` is base64url(β). The server can prove "this pseudonym in this world is
 * this person id" to a trustee or an authority, which an HMAC could not.
 *
 * Deviations from RFC 9381 (which defines no ristretto255 suite): the challenge is the
 * 512-bit hash of dleq.ts (reduced mod L, not truncated to 128 bits), the nonce is hedged
 * (secret, fresh randomness and statement) rather than purely deterministic, and the
 * output hash is SHA-256 so that β has the size of the old HMAC subjects.
 */
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { createHash } from 'node:crypto';
import { MvidError, systemRandom, toBase64Url, utf8 } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { proveDleq, verifyDleq } from './dleq.ts';
import { frame, readBytesField, wipe } from './encoding.ts';
import {
  encodePoint,
  encodeScalar,
  hashToScalar,
  multiplyBaseSecret,
  multiplySecret,
  type Point,
  tryDecodePoint,
  tryDecodeScalar,
} from './group.ts';

const H2C_DST = utf8('mvid-vrf-v1-ristretto255_XMD:SHA-512_R255MAP_RO_');
const OUTPUT_DOMAIN = 'mvid vrf output v1';
const KEY_DOMAIN = 'mvid vrf key v1';

/** A VRF proof as it travels: Γ and the DLEQ challenge and response, base64url. */
export interface VrfProof {
  gamma: string;
  c: string;
  s: string;
}

/** A VRF key: the scalar derived from 32 secret bytes of the key directory. */
export interface VrfKey {
  readonly publicKey: string;
  /** β and its proof for α. */
  prove(alpha: Uint8Array, random?: Random): { output: string; proof: VrfProof };
  /** β for α without a proof (what a world is given). */
  evaluate(alpha: Uint8Array): string;
}

function hashToPoint(alpha: Uint8Array): Point {
  return ristretto255_hasher.hashToCurve(alpha, { DST: H2C_DST }) as unknown as Point;
}

function outputOf(gamma: Point): string {
  return toBase64Url(
    createHash('sha256')
      .update(frame(OUTPUT_DOMAIN, encodePoint(gamma)))
      .digest(),
  );
}

/**
 * A VRF key from 32 secret bytes (the key directory's `pseudonym-vrf.key`): sk is a hash of
 * them reduced mod L, so any 32 random bytes make a valid, non-zero key.
 */
export function vrfKeyFromSecret(secret: Uint8Array): VrfKey {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) throw new TypeError('vrfKeyFromSecret: expected 32 bytes');
  const sk = hashToScalar(KEY_DOMAIN, secret);
  if (sk === 0n) throw new RangeError('vrfKeyFromSecret: degenerate key');
  const y = multiplyBaseSecret(sk);
  const publicKey = toBase64Url(encodePoint(y));
  const gammaOf = (alpha: Uint8Array) => {
    const h = hashToPoint(alpha);
    return { h, gamma: multiplySecret(h, sk) };
  };
  return {
    publicKey,
    evaluate: (alpha) => outputOf(gammaOf(alpha).gamma),
    prove(alpha, random = systemRandom) {
      const { h, gamma } = gammaOf(alpha);
      const { c, z } = proveDleq(sk, { x: y, h, d: gamma }, alpha, random);
      const cBytes = encodeScalar(c);
      const zBytes = encodeScalar(z);
      const proof = { gamma: toBase64Url(encodePoint(gamma)), c: toBase64Url(cBytes), s: toBase64Url(zBytes) };
      wipe(cBytes, zBytes);
      return { output: outputOf(gamma), proof };
    },
  };
}

/**
 * Checks a VRF proof for α under public key Y and returns β, or undefined when the proof,
 * the key or an encoding is bad. Never throws on bad data.
 */
export function vrfVerify(publicKey: string, alpha: Uint8Array, proof: VrfProof): string | undefined {
  try {
    const y = tryDecodePoint(readBytesField(publicKey, 'publicKey', 32, 'validation_failed'));
    const gamma = tryDecodePoint(readBytesField(proof?.gamma, 'gamma', 32, 'validation_failed'));
    const c = tryDecodeScalar(readBytesField(proof?.c, 'c', 32, 'validation_failed'), { allowZero: true });
    const s = tryDecodeScalar(readBytesField(proof?.s, 's', 32, 'validation_failed'), { allowZero: true });
    if (!y || !gamma || c === undefined || s === undefined) return undefined;
    const h = hashToPoint(alpha);
    return verifyDleq({ x: y, h, d: gamma }, { c, z: s }, alpha) ? outputOf(gamma) : undefined;
  } catch (error) {
    if (error instanceof MvidError || error instanceof TypeError || error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * The VRF input of a world pseudonym: the sector (the world itself, `world:<client id>`),
 * a NUL, the person id. Shared by the worlds (prover) and the disclosure clients (verifiers).
 */
export function pseudonymInput(worldId: string, personId: string): Uint8Array {
  return utf8(`world:${worldId}\0${personId}`);
}
