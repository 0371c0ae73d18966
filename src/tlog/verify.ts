/**
 * Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2)
 * proofs. Proofs, sizes and hashes come from untrusted parties, so these
 * functions never throw: anything out of range, of the wrong type or length
 * simply does not verify. Sizes are uint64 bigints and every bit operation is
 * done in bigint, so trees up to 2^64 - 1 leaves are handled exactly.
 *
 * Accepted inputs match transparency-dev/merkle's proof package, with one
 * deliberate difference: a consistency check from size 0 is refused even when
 * both sizes are 0, because it proves nothing (the shared test vectors agree).
 */
import { bytesEqual } from './base64.ts';
import { hashChildren, isHash } from './hash.ts';
import { isU64 } from './u64.ts';

/** A defensive copy of the proof, or null when it is not an array of 32-byte hashes. */
function readProof(proof: unknown): Uint8Array[] | null {
  if (!Array.isArray(proof)) return null;
  const copy = proof.slice();
  for (const node of copy) if (!isHash(node)) return null;
  return copy as Uint8Array[];
}

/** Shifts (fn, sn) right together until fn is odd or zero: climbing the right border. */
function climbBorder(fn: bigint, sn: bigint): [bigint, bigint] {
  while (fn !== 0n && (fn & 1n) === 0n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  return [fn, sn];
}

function rootFromInclusion(index: bigint, size: bigint, leafHash: Uint8Array, proof: Uint8Array[]): Uint8Array | null {
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n) return null; // more proof nodes than levels
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      if ((fn & 1n) === 0n) [fn, sn] = climbBorder(fn, sn);
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null; // fewer proof nodes than levels otherwise
}

/**
 * Whether `proof` shows that the leaf with hash `leafHash` sits at `index` in the
 * tree of `size` leaves whose root is `root`. Requires 0 ≤ index < size < 2^64.
 *
 * @example
 * const ok = verifyInclusion(5n, 8n, hashLeaf(entry), proof, checkpoint.root);
 */
export function verifyInclusion(index: bigint, size: bigint, leafHash: Uint8Array, proof: Uint8Array[], root: Uint8Array): boolean {
  try {
    if (!isU64(index) || !isU64(size) || index >= size) return false;
    if (!isHash(leafHash) || !isHash(root)) return false;
    const nodes = readProof(proof);
    if (nodes === null) return false;
    const computed = rootFromInclusion(index, size, leafHash, nodes);
    return computed !== null && bytesEqual(computed, root);
  } catch {
    return false; // fail closed: a verifier of untrusted input never throws
  }
}

function verifyGrowth(size1: bigint, size2: bigint, proof: Uint8Array[], root1: Uint8Array, root2: Uint8Array): boolean {
  // When size1 is a power of two its root is the first node on the path and is not sent.
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : proof;
  const [seed, ...rest] = path;
  if (seed === undefined) return false;
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = seed;
  let sr = seed;
  for (const c of rest) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if ((fn & 1n) === 0n) [fn, sn] = climbBorder(fn, sn);
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

/**
 * Whether `proof` shows that the tree of `size2` leaves with root `root2` extends
 * the tree of `size1` leaves with root `root1` (0 < size1 ≤ size2 < 2^64). Equal
 * sizes need an empty proof and identical roots.
 *
 * @example
 * if (!verifyConsistency(seen.size, latest.size, proof, seen.root, latest.root)) alarm('split view');
 */
export function verifyConsistency(size1: bigint, size2: bigint, proof: Uint8Array[], root1: Uint8Array, root2: Uint8Array): boolean {
  try {
    if (!isU64(size1) || !isU64(size2) || size1 === 0n || size2 < size1) return false;
    if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array)) return false;
    const nodes = readProof(proof);
    if (nodes === null) return false;
    if (size1 === size2) return nodes.length === 0 && bytesEqual(root1, root2);
    if (nodes.length === 0 || !isHash(root1) || !isHash(root2)) return false;
    return verifyGrowth(size1, size2, nodes, root1, root2);
  } catch {
    return false;
  }
}
