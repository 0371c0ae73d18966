/**
 * RFC 9162 §2.1 Merkle tree hashing with SHA-256: leaves and interior nodes are
 * hashed with distinct one-byte prefixes so a leaf can never pass for a node.
 */
import { createHash } from 'node:crypto';

/** Size in bytes of every tree hash. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

/**
 * The hash of a log entry as a leaf: SHA-256(0x00 || entry).
 *
 * @example
 * const leaf = hashLeaf(encodeEntry(event));
 */
export function hashLeaf(entry: Uint8Array): Uint8Array {
  assertBytes(entry, 'entry');
  return sha256(LEAF_PREFIX, entry);
}

/**
 * The hash of an interior node: SHA-256(0x01 || left || right).
 *
 * @example
 * const root2 = hashChildren(hashLeaf(a), hashLeaf(b));
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertBytes(left, 'left');
  assertBytes(right, 'right');
  return sha256(NODE_PREFIX, left, right);
}

/**
 * The root of the empty tree: SHA-256 of the empty string.
 *
 * @example
 * emptyRoot(); // e3b0c442...b855
 */
export function emptyRoot(): Uint8Array {
  return sha256();
}

/** True when `value` is a Uint8Array of HASH_SIZE bytes. Never throws. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}
