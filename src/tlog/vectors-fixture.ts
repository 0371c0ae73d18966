/**
 * Test support: loads the published test vectors vendored under
 * `test/fixtures/vectors` (provenance and licences in its README.md).
 * Used by the tests beside it only. The repository carries every file its tests
 * read, so a fresh clone with nothing beside it passes (test/self-contained.test.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashChildren, hashLeaf } from './hash.ts';
import type { SubtreeId } from './nodes.ts';
import type { SubtreeHashReader } from './prove.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const VECTORS_DIR = resolve(REPO_ROOT, 'test', 'fixtures', 'vectors');

function vectorsPath(...parts: string[]): string {
  if (!existsSync(VECTORS_DIR)) {
    throw new Error(`test vectors not found at ${VECTORS_DIR}: they are part of the repository (test/fixtures/vectors)`);
  }
  return join(VECTORS_DIR, ...parts);
}

export function readVectorJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(vectorsPath(...parts), 'utf8')) as T;
}

/** Every JSON file under a vectors sub-folder, with its path relative to it. */
export function listVectorFiles(...parts: string[]): string[] {
  const root = vectorsPath(...parts);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
    );
  return walk(root)
    .map((p) => p.slice(root.length + 1))
    .sort();
}

/** The RFC 9162 Merkle Tree Hash of `leaves`, straight from the recursive definition. */
export function referenceRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 1) return leafHashes[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leafHashes.length) k *= 2;
  return hashChildren(referenceRoot(leafHashes.slice(0, k)), referenceRoot(leafHashes.slice(k)));
}

/** A reader computing every subtree from leaf data; counts calls and ids read. */
export class ReferenceReader implements SubtreeHashReader {
  readonly leafHashes: Uint8Array[];
  calls = 0;
  idsRead = 0;
  constructor(entries: readonly Uint8Array[]) {
    this.leafHashes = entries.map((e) => hashLeaf(e));
  }
  async getSubtreeHashes(ids: readonly SubtreeId[]): Promise<Uint8Array[]> {
    this.calls++;
    this.idsRead += ids.length;
    return ids.map(({ level, index }) => {
      const start = Number(index) * 2 ** level;
      const end = start + 2 ** level;
      if (end > this.leafHashes.length) throw new Error(`subtree ${level}/${index} is beyond the tree`);
      return referenceRoot(this.leafHashes.slice(start, end));
    });
  }
}
