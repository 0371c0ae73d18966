/**
 * An incremental Merkle tree builder (a "compact range" over [0, size)): it keeps
 * only the hashes of the perfect subtrees on the tree's right frontier, at most
 * 64 of them, yet can append leaves and produce the root at any moment. Each
 * append reports the perfect subtrees it completed, so the log store can
 * persist every full subtree hash that proofs and tiles are later read from.
 */
import { MvidError } from '../core/index.ts';
import { emptyRoot, hashChildren, hashLeaf, isHash } from './hash.ts';
import { rootSubtrees } from './nodes.ts';
import type { SubtreeHashReader } from './prove.ts';
import { hashRange } from './prove.ts';
import { MAX_U64, assertU64 } from './u64.ts';

/** The hash of one perfect subtree, addressed as in `SubtreeId`. */
export interface SubtreeHash {
  level: number;
  index: bigint;
  hash: Uint8Array;
}

/**
 * Appends leaves to a tree and reports every perfect subtree completed on the way.
 * `new CompactTree()` starts empty.
 *
 * @example
 * const tree = await CompactTree.load(store, size);
 * const completed = entries.flatMap((e) => tree.appendEntry(e));
 * await store.saveSubtrees(completed); // then sign a checkpoint for tree.size, tree.root()
 */
export class CompactTree {
  #size = 0n;
  /** Frontier hashes, left to right; their levels are the set bits of #size, highest first. */
  #frontier: SubtreeHash[] = [];

  /**
   * Resumes a tree of `size` leaves from the hashes of `rootSubtrees(size)`, in that order.
   *
   * @example
   * const tree = CompactTree.fromFrontier(6n, [hashOfLeaves0to3, hashOfLeaves4to5]);
   */
  static fromFrontier(size: bigint, hashes: readonly Uint8Array[]): CompactTree {
    assertU64(size, 'size');
    const ids = rootSubtrees(size);
    if (!Array.isArray(hashes) || hashes.length !== ids.length || !hashes.every(isHash)) {
      throw new TypeError(`a tree of ${size} leaves resumes from exactly ${ids.length} 32-byte hashes`);
    }
    const tree = new CompactTree();
    tree.#size = size;
    tree.#frontier = ids.map((id, i) => ({ ...id, hash: new Uint8Array(hashes[i] as Uint8Array) }));
    return tree;
  }

  /**
   * Resumes a tree of `size` leaves by reading its frontier (one batched read).
   *
   * @example
   * const tree = await CompactTree.load(store, await store.treeSize());
   */
  static async load(reader: SubtreeHashReader, size: bigint): Promise<CompactTree> {
    assertU64(size, 'size');
    const ids = rootSubtrees(size);
    const hashes = ids.length === 0 ? [] : await reader.getSubtreeHashes(ids);
    if (!Array.isArray(hashes) || hashes.length !== ids.length || !hashes.every(isHash)) {
      throw new MvidError('internal_error', `subtree hash reader returned an unusable frontier for size ${size}`);
    }
    return CompactTree.fromFrontier(size, hashes);
  }

  /** Number of leaves appended so far. */
  get size(): bigint {
    return this.#size;
  }

  /**
   * Appends one leaf hash. Returns the subtrees completed by it, smallest first:
   * the leaf itself (level 0), then each parent that became full.
   *
   * @example
   * tree.append(hashLeaf(entry)); // [{level: 0, index: 6n, hash}, {level: 1, index: 3n, hash}, ...]
   */
  append(leafHash: Uint8Array): SubtreeHash[] {
    if (!isHash(leafHash)) throw new TypeError('leafHash must be a 32-byte Uint8Array');
    if (this.#size === MAX_U64) throw new MvidError('tlog_range_invalid', 'the tree is full (2^64 - 1 leaves)');
    let current: SubtreeHash = { level: 0, index: this.#size, hash: new Uint8Array(leafHash) };
    const completed: SubtreeHash[] = [current];
    for (let last = this.#frontier.at(-1); last !== undefined && last.level === current.level; last = this.#frontier.at(-1)) {
      this.#frontier.pop();
      current = { level: current.level + 1, index: last.index >> 1n, hash: hashChildren(last.hash, current.hash) };
      completed.push(current);
    }
    this.#frontier.push(current);
    this.#size += 1n;
    return completed.map(copySubtree);
  }

  /**
   * Hashes `entry` as a leaf (RFC 9162) and appends it; see `append`.
   *
   * @example
   * const completed = tree.appendEntry(encodeEntry(event));
   */
  appendEntry(entry: Uint8Array): SubtreeHash[] {
    return this.append(hashLeaf(entry));
  }

  /**
   * The root hash of the tree as it stands.
   *
   * @example
   * const checkpoint = { origin, size: tree.size, root: tree.root(), extensions: [] };
   */
  root(): Uint8Array {
    if (this.#frontier.length === 0) return emptyRoot();
    return hashRange(this.#frontier.map((s) => s.hash));
  }

  /** The frontier subtrees (those of `rootSubtrees(size)`) with their hashes. */
  frontier(): SubtreeHash[] {
    return this.#frontier.map(copySubtree);
  }
}

function copySubtree(s: SubtreeHash): SubtreeHash {
  return { level: s.level, index: s.index, hash: new Uint8Array(s.hash) };
}
