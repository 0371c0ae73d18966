/**
 * Raw Ed25519 (RFC 8032) on node:crypto, for note signatures and cosignatures.
 * Keys arrive as raw 32-byte seeds and public keys; node:crypto wants DER, so
 * the fixed PKCS#8 / SPKI prefixes for Ed25519 are prepended.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { MvidError, concatBytes } from '../core/index.ts';

export const ED25519_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Signature type bytes from C2SP signed-note. */
export const SIGNATURE_TYPE_ED25519 = 0x01;
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

export interface Ed25519KeyPair {
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

function keyError(message: string, cause?: unknown): MvidError {
  return new MvidError('note_key_invalid', message, { cause });
}

export function keyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_KEY_BYTES) throw keyError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)) };
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_KEY_BYTES) throw keyError('an Ed25519 public key is 32 bytes');
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  } catch (cause) {
    throw keyError('not an Ed25519 public key', cause);
  }
}

export function ed25519Sign(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

/** Never throws: a malformed signature simply does not verify. */
export function ed25519Verify(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, message, publicKey, signature);
  } catch {
    return false;
  }
}

/**
 * The C2SP key ID: the first four bytes, big-endian, of
 * SHA-256(name || "\n" || signature type || public key).
 *
 * @example
 * noteKeyId('example.com/log', 0x01, publicKey).toString(16).padStart(8, '0');
 */
export function noteKeyId(name: string, signatureType: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(concatBytes(new TextEncoder().encode(`${name}\n`), new Uint8Array([signatureType]), publicKey))
    .digest();
  return digest.readUInt32BE(0);
}
