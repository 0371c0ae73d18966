/**
 * Proof generation over storage the log layer provides. Storage only has to
 * answer "what is the hash of this perfect subtree"; everything else is planned
 * here (nodes.ts) and every request needs one batched read of O(log n) hashes.
 */
import { MvidError } from '../core/index.ts';
import { emptyRoot, hashChildren, isHash } from './hash.ts';
import { type ProofNode, type SubtreeId, consistencyProofNodes, inclusionProofNodes, rootSubtrees } from './nodes.ts';
import { assertU64 } from './u64.ts';

/**
 * Where the hashes of full perfect subtrees are kept (the log store).
 *
 * Contract: `getSubtreeHashes(ids)` resolves to exactly one 32-byte hash per id,
 * in the same order, where (level, index) is the RFC 9162 Merkle Tree Hash of
 * leaves [index·2^level, (index+1)·2^level). Ids are only ever asked for subtrees
 * lying entirely inside the tree size being proven, so a store whose tree has at
 * least that many leaves can answer all of them; such hashes never change. A
 * hash it does not have is an error (reject), never a guess. Level-0 ids are the
 * leaf hashes.
 */
export interface SubtreeHashReader {
  getSubtreeHashes(ids: readonly SubtreeId[]): Promise<Uint8Array[]>;
}

/**
 * Folds the hashes of a range's perfect subtrees (left to right, as planned by
 * `rangeSubtrees`) into the range's Merkle Tree Hash: the right-most ones are
 * joined first, as the tree's right edge is built.
 *
 * @example
 * const root = hashRange([h8, h4, h1]); // root of a 13-leaf tree from its three frontier hashes
 */
export function hashRange(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes[hashes.length - 1];
  if (acc === undefined) throw new TypeError('hashRange needs at least one hash');
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i] as Uint8Array, acc);
  return acc;
}

/** Reads the subtrees of every node in one call and checks the reader kept its contract. */
async function readSubtrees(reader: SubtreeHashReader, ids: SubtreeId[]): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  const hashes = await reader.getSubtreeHashes(ids);
  if (!Array.isArray(hashes) || hashes.length !== ids.length || !hashes.every(isHash)) {
    throw new MvidError('internal_error', `subtree hash reader returned an unusable answer for ${ids.length} ids`);
  }
  return hashes.map((h) => new Uint8Array(h)); // proofs must not alias the reader's buffers
}

/** Resolves planned proof nodes to their hashes, recomputing ephemeral ones. */
async function resolveNodes(reader: SubtreeHashReader, nodes: ProofNode[]): Promise<Uint8Array[]> {
  const hashes = await readSubtrees(
    reader,
    nodes.flatMap((n) => n.subtrees),
  );
  let at = 0;
  return nodes.map((n) => {
    const part = hashes.slice(at, at + n.subtrees.length);
    at += n.subtrees.length;
    return hashRange(part);
  });
}

/**
 * The RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves.
 * Throws `tlog_range_invalid` unless index < size.
 *
 * @example
 * const proof = await inclusionProof(store, 41n, checkpoint.size);
 * verifyInclusion(41n, checkpoint.size, leafHash, proof, checkpoint.root); // true
 */
export async function inclusionProof(reader: SubtreeHashReader, index: bigint, size: bigint): Promise<Uint8Array[]> {
  return resolveNodes(reader, inclusionProofNodes(index, size));
}

/**
 * The RFC 9162 consistency proof from tree size `m` to tree size `n` (empty when
 * m = n). Throws `tlog_range_invalid` unless 0 < m ≤ n.
 *
 * @example
 * const proof = await consistencyProof(store, witnessSize, checkpoint.size);
 */
export async function consistencyProof(reader: SubtreeHashReader, m: bigint, n: bigint): Promise<Uint8Array[]> {
  return resolveNodes(reader, consistencyProofNodes(m, n));
}

/**
 * The root hash of the tree of the first `size` leaves (the empty root for 0).
 *
 * @example
 * const root = await rootAt(store, 1000n);
 */
export async function rootAt(reader: SubtreeHashReader, size: bigint): Promise<Uint8Array> {
  assertU64(size, 'size');
  if (size === 0n) return emptyRoot();
  return hashRange(await readSubtrees(reader, rootSubtrees(size)));
}
