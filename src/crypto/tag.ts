/**
 * Uniqueness tags: a keyed, deterministic fingerprint of a legal identifier
 * (e.g. a passport or national id number) so the registry can refuse a second
 * identity for the same person without storing the identifier itself. The
 * key stays on the server; without it the tag cannot be recomputed from a
 * guessed identifier, which a plain hash of a low-entropy number would allow.
 */
import { createHmac } from 'node:crypto';
import { ValidationError, utf8 } from '../core/index.ts';
import { assertBytes, frame } from './encoding.ts';

/** Shortest HMAC key accepted for uniqueness tags. */
export const MIN_TAG_SECRET_BYTES = 32;

// Whitespace, dash punctuation (hyphen, en/em dash…), the minus sign, and invisible
// format characters (soft hyphen, zero-width space/joiner): typing noise, never part of an id.
const IDENTIFIER_NOISE = /[\s\p{Pd}\u2212\p{Cf}]/gu;

/**
 * The canonical form of an identifier before tagging, so that the same id
 * typed differently yields the same tag:
 *  1. trim, then Unicode NFKC (full-width "ＡＢ１２" becomes "AB12", ligatures split);
 *  2. uppercase (locale-independent; "ß" becomes "SS");
 *  3. remove all whitespace, dashes/hyphens/minus signs and invisible format characters;
 *  4. NFKC again, so the result is stable under re-normalisation.
 * Throws `validation_failed` if nothing is left.
 * @example
 * normalizeIdentifier(' ab-12 34 ') // 'AB1234'
 */
export function normalizeIdentifier(id: string): string {
  if (typeof id !== 'string') throw new TypeError('id must be a string');
  const normalized = id.trim().normalize('NFKC').toUpperCase().replace(IDENTIFIER_NOISE, '').normalize('NFKC');
  if (normalized.length === 0) throw new ValidationError('the identifier is empty once spaces and hyphens are removed', 'id');
  return normalized;
}

/**
 * HMAC-SHA256(secret, len ‖ namespace ‖ len ‖ normalizeIdentifier(id)), with
 * 4-byte big-endian length prefixes so ("ab", "c") and ("a", "bc") differ. The
 * namespace (e.g. "passport:FR") keeps equal numbers from different issuers
 * apart; it is used as given, not normalised.
 * @example
 * const tag = uniquenessTag(tagKey, 'passport:FR', '12AB 34567'); // 32 bytes
 */
export function uniquenessTag(secret: Uint8Array, namespace: string, id: string): Uint8Array {
  assertBytes(secret, 'secret');
  if (secret.length < MIN_TAG_SECRET_BYTES) throw new TypeError(`secret must have at least ${MIN_TAG_SECRET_BYTES} bytes`);
  if (typeof namespace !== 'string' || namespace.length === 0) throw new TypeError('namespace must be a non-empty string');
  const message = frame(utf8(namespace), utf8(normalizeIdentifier(id)));
  return new Uint8Array(createHmac('sha256', secret).update(message).digest());
}
