/**
 * Sealing at rest with the data-at-rest key: AES-256-GCM, a version byte, a random
 * 96-bit nonce, and an AAD naming what the value is for (e.g. person and field), so a
 * copied database reveals nothing and a sealed value cannot be moved to another row.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { MvidError, type Random, utf8 } from '../core/index.ts';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

// JSON of a fixed-shape array is unambiguous: ("ab","c") and ("a","bc") differ.
const aadOf = (context: readonly string[]) => utf8(JSON.stringify(context));

/** Seals `value` (any JSON) for `context`. */
export function sealAtRest(key: Uint8Array, context: readonly string[], value: unknown, random: Random): Uint8Array {
  if (key.length !== 32) throw new TypeError('the data-at-rest key must be 32 bytes');
  const nonce = random.bytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadOf(context));
  const body = Buffer.concat([cipher.update(utf8(JSON.stringify(value))), cipher.final()]);
  const out = new Uint8Array(1 + NONCE_BYTES + body.length + TAG_BYTES);
  out[0] = VERSION;
  out.set(nonce, 1);
  out.set(body, 1 + NONCE_BYTES);
  out.set(cipher.getAuthTag(), 1 + NONCE_BYTES + body.length);
  return out;
}

/**
 * Opens what sealAtRest sealed for the same `context`; a wrong key or context, or
 * tampered bytes, throw `internal_error` naming `what`.
 */
export function openAtRest(key: Uint8Array, context: readonly string[], sealed: Uint8Array, what: string): unknown {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new MvidError('internal_error', `sealed ${what} is malformed`);
  }
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aadOf(context));
  decipher.setAuthTag(tag);
  try {
    const plain = Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch (error) {
    // Either the data-at-rest key changed or the row was tampered with: an operator problem, not the caller's.
    throw new MvidError('internal_error', `sealed ${what} does not open with the data-at-rest key`, { cause: error });
  }
}
