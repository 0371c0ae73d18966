/**
 * The little the service must read itself (birthdate for age predicates, nationality and
 * residence country it issues as attributes) is sealed with the data-at-rest key from the
 * key directory: AES-256-GCM, AAD = (person id, field), so a copied database reveals
 * nothing and a sealed value cannot be moved to another person or field.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { MvidError, type Random, utf8 } from '../core/index.ts';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function aad(personId: string, field: string): Uint8Array {
  // JSON of a fixed-shape array is unambiguous: ("ab","c") and ("a","bc") differ.
  return utf8(JSON.stringify(['mvid attribute v1', personId, field]));
}

/** Seals one attribute value (any JSON) for one person and field. */
export function sealAttribute(key: Uint8Array, personId: string, field: string, value: unknown, random: Random): Uint8Array {
  if (key.length !== 32) throw new TypeError('the data-at-rest key must be 32 bytes');
  const nonce = random.bytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(personId, field));
  const body = Buffer.concat([cipher.update(utf8(JSON.stringify(value))), cipher.final()]);
  const out = new Uint8Array(1 + NONCE_BYTES + body.length + TAG_BYTES);
  out[0] = VERSION;
  out.set(nonce, 1);
  out.set(body, 1 + NONCE_BYTES);
  out.set(cipher.getAuthTag(), 1 + NONCE_BYTES + body.length);
  return out;
}

/** Opens a sealed attribute; a wrong key, person, field or tampered bytes throw `internal_error`. */
export function openAttribute(key: Uint8Array, personId: string, field: string, sealed: Uint8Array): unknown {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new MvidError('internal_error', `sealed attribute ${field} is malformed`);
  }
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(personId, field));
  decipher.setAuthTag(tag);
  try {
    const plain = Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch (error) {
    // Either the data-at-rest key changed or the row was tampered with: an operator problem, not the caller's.
    throw new MvidError('internal_error', `sealed attribute ${field} does not open with the data-at-rest key`, { cause: error });
  }
}
