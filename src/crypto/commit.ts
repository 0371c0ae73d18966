/**
 * Hash commitments for transparency-log entries: SHA-256 over a
 * domain-separated, length-prefixed encoding, so a commitment made for one
 * purpose (domain) can never be presented as one made for another.
 *
 * Binding, not hiding: if `bytes` could be guessed (a name, a date), include
 * at least 16 random bytes in it and keep them with the opening.
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../core/index.ts';
import { assertBytes, frame } from './encoding.ts';

/**
 * SHA-256(frame("mvid commit v1", domain, bytes)).
 * @example
 * const c = commit('mvid/tlog/disclosure', utf8(JSON.stringify(entry))); // 32 bytes
 */
export function commit(domain: string, bytes: Uint8Array): Uint8Array {
  if (typeof domain !== 'string' || domain.length === 0) throw new TypeError('domain must be a non-empty string');
  assertBytes(bytes, 'bytes');
  return new Uint8Array(
    createHash('sha256')
      .update(frame('mvid commit v1', domain, bytes))
      .digest(),
  );
}

/**
 * Whether `commitment` opens to (`domain`, `bytes`). Never throws on a bad commitment.
 * @example
 * if (!verifyCommitment(entry.commitment, 'mvid/tlog/disclosure', opening)) reject();
 */
export function verifyCommitment(commitment: Uint8Array, domain: string, bytes: Uint8Array): boolean {
  if (!(commitment instanceof Uint8Array)) return false;
  return constantTimeEqual(commit(domain, bytes), commitment);
}
