import { createHash } from 'node:crypto';

/**
 * Strict decoding helpers. Node's base64url decoder silently skips characters
 * outside the alphabet, so two different strings could decode to the same bytes;
 * checking the alphabet first keeps "what was signed" and "what was read" equal.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes unpadded base64url, or returns undefined when `text` is not exactly
 * the canonical encoding of some bytes. Canonical matters: the unused low bits
 * of the last character could otherwise be flipped to make a second spelling of
 * the same signature, and every spelling would verify.
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  const tail = text.length % 4;
  if (tail === 1 || !BASE64URL.test(text)) return undefined;
  // Canonical means the bits past the last whole byte are zero (4 of them after 2 characters,
  // 2 after 3): checked on the last character instead of re-encoding the whole text.
  if (tail !== 0 && (SEXTET.indexOf(text.charAt(text.length - 1)) & (tail === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  return Buffer.from(text, 'base64url');
}

const SEXTET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function encodeBase64Url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Parses base64url(JSON) that must be a plain object; undefined otherwise. */
export function decodeJsonObject(text: string): Record<string, unknown> | undefined {
  const value = decodeJson(text);
  return isPlainObject(value) ? value : undefined;
}

// fatal: invalid UTF-8 must not be "repaired" into something other than what was hashed.
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Parses base64url(JSON) of any shape; undefined when it is not valid JSON. */
export function decodeJson(text: string): unknown {
  const bytes = decodeBase64Url(text);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(utf8Strict.decode(bytes));
  } catch {
    return undefined;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** base64url(SHA-256(ASCII text)): the digest SD-JWT uses for disclosures and `sd_hash`. */
export function sha256Base64Url(text: string): string {
  return createHash('sha256').update(text, 'ascii').digest('base64url');
}

/** Whole seconds since the epoch, as JWT `iat`/`exp` use. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
