/**
 * Proof planning: which stored hashes a proof or a root is made of.
 *
 * The log stores the hash of every *full* perfect subtree, addressed as
 * (level, index): the 2^level leaves starting at leaf index·2^level. A node of
 * an RFC 9162 proof is the Merkle Tree Hash of a leaf range; when the range is a
 * perfect subtree it is read directly, otherwise (only ever at the right edge of
 * the tree) it is "ephemeral" and recomputed from the perfect subtrees that
 * cover it. The plans follow the recursive PATH and SUBPROOF definitions of
 * RFC 9162 §2.1.3.1 and §2.1.4.1, so their order is the proof's order.
 */
import { MvidError } from '../core/index.ts';
import { assertU64, bitLength, splitPoint, trailingZeros } from './u64.ts';

/** A perfect subtree: the 2^level leaves starting at leaf index·2^level. */
export interface SubtreeId {
  level: number;
  index: bigint;
}

/**
 * One node of a proof: the Merkle Tree Hash of leaves [start, end). `subtrees`
 * cover the range left to right; one entry means the node is stored as is, more
 * mean it is ephemeral and hashed from them (see `hashRange`).
 */
export interface ProofNode {
  start: bigint;
  end: bigint;
  subtrees: SubtreeId[];
}

/**
 * The maximal perfect subtrees covering leaves [start, end), left to right.
 *
 * @example
 * rangeSubtrees(0n, 13n); // [{level: 3, index: 0n}, {level: 2, index: 2n}, {level: 0, index: 12n}]
 */
export function rangeSubtrees(start: bigint, end: bigint): SubtreeId[] {
  assertU64(start, 'start');
  assertU64(end, 'end');
  if (start > end) throw new RangeError('start must not exceed end');
  const out: SubtreeId[] = [];
  let at = start;
  while (at < end) {
    const fits = bitLength(end - at) - 1;
    const level = at === 0n ? fits : Math.min(fits, trailingZeros(at));
    out.push({ level, index: at >> BigInt(level) });
    at += 1n << BigInt(level);
  }
  return out;
}

function node(start: bigint, end: bigint): ProofNode {
  return { start, end, subtrees: rangeSubtrees(start, end) };
}

function rangeError(message: string): MvidError {
  return new MvidError('tlog_range_invalid', message);
}

/**
 * The nodes of the inclusion proof of leaf `index` in the tree of `size` leaves,
 * bottom-up as RFC 9162 sends them. Throws `tlog_range_invalid` unless index < size.
 *
 * @example
 * inclusionProofNodes(2n, 5n).map((n) => [n.start, n.end]); // [[3n, 4n], [0n, 2n], [4n, 5n]]
 */
export function inclusionProofNodes(index: bigint, size: bigint): ProofNode[] {
  assertU64(index, 'index');
  assertU64(size, 'size');
  if (index >= size) throw rangeError(`leaf index ${index} is not below tree size ${size}`);
  const topDown: ProofNode[] = [];
  let start = 0n;
  let n = size;
  let m = index;
  while (n > 1n) {
    const k = splitPoint(n);
    if (m < k) {
      topDown.push(node(start + k, start + n));
      n = k;
    } else {
      topDown.push(node(start, start + k));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return topDown.reverse();
}

/**
 * The nodes of the consistency proof from tree size `m` to tree size `n`, in
 * RFC 9162 order. Empty when m = n. Throws `tlog_range_invalid` unless 0 < m ≤ n.
 *
 * @example
 * consistencyProofNodes(3n, 7n).map((x) => [x.start, x.end]); // [[2n, 3n], [3n, 4n], [0n, 2n], [4n, 7n]]
 */
export function consistencyProofNodes(m: bigint, n: bigint): ProofNode[] {
  assertU64(m, 'm');
  assertU64(n, 'n');
  if (m === 0n) throw rangeError('a consistency proof from the empty tree proves nothing');
  if (m > n) throw rangeError(`old size ${m} exceeds new size ${n}`);
  const topDown: ProofNode[] = [];
  let start = 0n;
  let size = n;
  let old = m;
  let isOldRoot = true; // while on the left edge, the old root is known to the verifier
  while (old < size) {
    const k = splitPoint(size);
    if (old <= k) {
      topDown.push(node(start + k, start + size));
      size = k;
    } else {
      topDown.push(node(start, start + k));
      start += k;
      old -= k;
      size -= k;
      isOldRoot = false;
    }
  }
  if (!isOldRoot) topDown.push(node(start, start + size));
  return topDown.reverse();
}

/**
 * The perfect subtrees whose hashes make up the root of the tree of `size` leaves
 * (and the frontier an incremental builder resumes from), left to right.
 *
 * @example
 * rootSubtrees(6n); // [{level: 2, index: 0n}, {level: 1, index: 2n}]
 */
export function rootSubtrees(size: bigint): SubtreeId[] {
  return rangeSubtrees(0n, size);
}
