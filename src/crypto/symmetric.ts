/**
 * Thin wrappers over node:crypto's AES-256-GCM and HKDF-SHA256, so that every
 * module uses the same tag length, the same "ciphertext ‖ tag" layout and the
 * same failure signal (`undefined`, never an exception carrying OpenSSL text).
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

export const AES_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;

/** HKDF-SHA256 (RFC 5869) with an empty salt: the IKM is already a uniformly random group element. */
export function hkdfSha256(ikm: Uint8Array, info: string, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, length));
}

/** AES-256-GCM encryption; returns ciphertext ‖ 16-byte tag. */
export function aesGcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  if (key.length !== AES_KEY_BYTES || nonce.length !== GCM_NONCE_BYTES) throw new TypeError('aesGcmSeal: bad key or nonce length');
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(body.length + final.length + tag.length);
  out.set(body, 0);
  out.set(final, body.length);
  out.set(tag, body.length + final.length);
  body.fill(0);
  return out;
}

/** AES-256-GCM decryption of ciphertext ‖ tag; `undefined` when authentication fails. */
export function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (key.length !== AES_KEY_BYTES || nonce.length !== GCM_NONCE_BYTES) throw new TypeError('aesGcmOpen: bad key or nonce length');
  if (sealed.length < GCM_TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
  const body = decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES));
  try {
    decipher.final();
  } catch {
    // Release-before-verify is impossible here: the unauthenticated bytes are wiped, not returned.
    body.fill(0);
    return undefined;
  }
  const out = new Uint8Array(body);
  body.fill(0);
  return out;
}
