import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CompactTree,
  emptyRoot,
  hashChildren,
  hashLeaf,
  inclusionProof,
  inclusionProofNodes,
  consistencyProof,
  consistencyProofNodes,
  rootAt,
  rootSubtrees,
  verifyConsistency,
  verifyInclusion,
} from './index.ts';
import { ReferenceReader, listVectorFiles, readVectorJson, referenceRoot } from './vectors-fixture.ts';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

describe('transparency-dev/merkle vectors', () => {
  const inclusion = listVectorFiles('merkle', 'inclusion');
  const consistency = listVectorFiles('merkle', 'consistency');

  it('are all there', () => {
    assert.equal(inclusion.length + consistency.length, 196);
  });

  it('inclusion: exactly the wantErr: false cases verify', () => {
    for (const file of inclusion) {
      const v = readVectorJson<InclusionVector>('merkle', 'inclusion', file);
      const ok = verifyInclusion(BigInt(v.leafIdx), BigInt(v.treeSize), b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
      assert.equal(ok, !v.wantErr, `${file}: ${v.desc}`);
    }
  });

  it('consistency: exactly the wantErr: false cases verify', () => {
    for (const file of consistency) {
      const v = readVectorJson<ConsistencyVector>('merkle', 'consistency', file);
      const ok = verifyConsistency(BigInt(v.size1), BigInt(v.size2), (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
      assert.equal(ok, !v.wantErr, `${file}: ${v.desc}`);
    }
  });
});

describe('RFC 6962 roots', () => {
  const vectors = readVectorJson<{ leafInputs: string[]; roots: string[] }>('rfc6962-roots.json');
  const entries = vectors.leafInputs.map(hex);

  it('the incremental tree reproduces the root of every prefix', () => {
    const tree = new CompactTree();
    assert.equal(toHex(tree.root()), vectors.roots[0]);
    entries.forEach((e, i) => {
      tree.appendEntry(e);
      assert.equal(toHex(tree.root()), vectors.roots[i + 1], `root of ${i + 1} leaves`);
    });
  });

  it('rootAt over a reader reproduces them too', async () => {
    const reader = new ReferenceReader(entries);
    for (let n = 0; n <= entries.length; n++) assert.equal(toHex(await rootAt(reader, BigInt(n))), vectors.roots[n]);
  });

  it('hashes as RFC 9162 §2.1 says', () => {
    assert.equal(toHex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(toHex(hashLeaf(new Uint8Array())), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const l = hashLeaf(hex('00'));
    assert.deepEqual(hashChildren(hashLeaf(new Uint8Array()), l), hex(vectors.roots[2] as string));
  });
});

/** A tree of `n` distinct entries, its reader, and the subtrees CompactTree emitted while building it. */
function buildTree(n: number) {
  const entries = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${i}`));
  const reader = new ReferenceReader(entries);
  const tree = new CompactTree();
  const emitted = new Map<string, Uint8Array>();
  for (const e of entries) for (const s of tree.appendEntry(e)) emitted.set(`${s.level}/${s.index}`, s.hash);
  return { entries, reader, tree, emitted };
}

/** The k-th of the mutations of a proof: a node added or dropped, a bit flipped, two neighbours swapped. */
function mutation(proof: Uint8Array[], k: number): Uint8Array[] | null {
  const n = proof.length;
  const kinds = 3 + 2 * n;
  const pick = k % kinds;
  if (pick === 0) return [...proof, new Uint8Array(32)];
  if (pick === 1) return n > 0 ? proof.slice(1) : null;
  if (pick === 2) return n > 0 ? proof.slice(0, -1) : null;
  const i = Math.floor((pick - 3) / 2);
  if ((pick - 3) % 2 === 0) {
    const flipped = new Uint8Array(proof[i] as Uint8Array);
    flipped[k % 32] = (flipped[k % 32] as number) ^ (1 << (k % 8));
    return proof.map((p, j) => (j === i ? flipped : p));
  }
  // A swap of two equal hashes (identical entries) is no mutation at all.
  if (i + 1 >= n || Buffer.compare(proof[i] as Uint8Array, proof[i + 1] as Uint8Array) === 0) return null;
  return proof.map((p, j) => (j === i ? (proof[i + 1] as Uint8Array) : j === i + 1 ? (proof[i] as Uint8Array) : p));
}

function mutations(proof: Uint8Array[]): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let k = 0; k < 3 + 2 * proof.length; k++) {
    const m = mutation(proof, k);
    if (m !== null) out.push(m);
  }
  return out;
}

describe('proof generation against verification', () => {
  it('the incremental tree emits every full subtree, with the right hashes', () => {
    const { reader, tree, emitted } = buildTree(70);
    let expected = 0;
    for (let level = 0; 2 ** level <= 70; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= 70; index++) {
        expected++;
        const got = emitted.get(`${level}/${index}`);
        assert.ok(got, `subtree ${level}/${index} emitted`);
        assert.deepEqual(got, referenceRoot(reader.leafHashes.slice(index * 2 ** level, (index + 1) * 2 ** level)));
      }
    }
    assert.equal(emitted.size, expected);
    assert.deepEqual(tree.root(), referenceRoot(reader.leafHashes));
  });

  it('every inclusion proof of trees up to 40 leaves verifies, and only for its own leaf, index and size', async () => {
    const { reader } = buildTree(40);
    const roots = Array.from({ length: 41 }, (_, n) => (n === 0 ? emptyRoot() : referenceRoot(reader.leafHashes.slice(0, n))));
    for (let size = 1; size <= 40; size++) {
      const root = roots[size] as Uint8Array;
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(reader, BigInt(index), BigInt(size));
        const leaf = reader.leafHashes[index] as Uint8Array;
        assert.ok(verifyInclusion(BigInt(index), BigInt(size), leaf, proof, root), `${index} in ${size}`);
        if (size > 1) {
          assert.ok(!verifyInclusion(BigInt((index + 1) % size), BigInt(size), leaf, proof, root));
          assert.ok(!verifyInclusion(BigInt(index), BigInt(size), reader.leafHashes[(index + 1) % size] as Uint8Array, proof, root));
        }
        for (const wrong of mutations(proof)) assert.ok(!verifyInclusion(BigInt(index), BigInt(size), leaf, wrong, root));
        for (let other = index + 1; other <= 40; other++) {
          if (other !== size)
            assert.ok(
              !verifyInclusion(BigInt(index), BigInt(other), leaf, proof, roots[other] as Uint8Array),
              `${index} in ${size} as ${other}`,
            );
        }
        for (let other = 0; other < size; other++) {
          if (other !== index)
            assert.ok(!verifyInclusion(BigInt(other), BigInt(size), leaf, proof, root), `${index} as ${other} in ${size}`);
        }
      }
    }
  });

  it('every consistency proof of trees up to 40 leaves verifies, and mutations never do', async () => {
    const { reader } = buildTree(40);
    const roots = Array.from({ length: 41 }, (_, n) => (n === 0 ? emptyRoot() : referenceRoot(reader.leafHashes.slice(0, n))));
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(reader, BigInt(m), BigInt(n));
        const [r1, r2] = [roots[m] as Uint8Array, roots[n] as Uint8Array];
        assert.ok(verifyConsistency(BigInt(m), BigInt(n), proof, r1, r2), `${m} -> ${n}`);
        if (m < n) {
          assert.ok(!verifyConsistency(BigInt(m), BigInt(n), proof, r2, r1));
          assert.ok(!verifyConsistency(BigInt(m), BigInt(n), proof, roots[m - 1] as Uint8Array, r2));
          if (n < 40) assert.ok(!verifyConsistency(BigInt(m), BigInt(n + 1), proof, r1, roots[n + 1] as Uint8Array));
        }
        for (const wrong of mutations(proof)) assert.ok(!verifyConsistency(BigInt(m), BigInt(n), wrong, r1, r2), `mutated ${m} -> ${n}`);
      }
    }
  });

  it('property: random trees of up to 300 leaves, random (index, size) and (m, n)', async () => {
    const { reader } = buildTree(300);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), fc.nat(), async (size, a, b, pick) => {
        const index = a % size;
        const m = 1 + (b % size);
        const root = referenceRoot(reader.leafHashes.slice(0, size));
        const rootM = referenceRoot(reader.leafHashes.slice(0, m));
        reader.calls = 0;
        const inc = await inclusionProof(reader, BigInt(index), BigInt(size));
        const con = await consistencyProof(reader, BigInt(m), BigInt(size));
        assert.ok(reader.calls <= 2, 'one batched read per proof');
        assert.ok(verifyInclusion(BigInt(index), BigInt(size), reader.leafHashes[index] as Uint8Array, inc, root));
        assert.ok(verifyConsistency(BigInt(m), BigInt(size), con, rootM, root));
        const wrongInc = mutations(inc);
        const wrongCon = mutations(con);
        if (wrongInc.length > 0)
          assert.ok(
            !verifyInclusion(
              BigInt(index),
              BigInt(size),
              reader.leafHashes[index] as Uint8Array,
              wrongInc[pick % wrongInc.length] as Uint8Array[],
              root,
            ),
          );
        if (wrongCon.length > 0)
          assert.ok(!verifyConsistency(BigInt(m), BigInt(size), wrongCon[pick % wrongCon.length] as Uint8Array[], rootM, root));
        // A wrong size fails against the root of that size (the checkpoint binds size and root together).
        if (size - 1 > index) {
          const rootBefore = referenceRoot(reader.leafHashes.slice(0, size - 1));
          assert.ok(!verifyInclusion(BigInt(index), BigInt(size - 1), reader.leafHashes[index] as Uint8Array, inc, rootBefore));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: for random trees of up to 256 leaves, every proof from the stored subtrees verifies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 256 }).chain((n) => fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: n, maxLength: n })),
        fc.nat(),
        async (entries, pick) => {
          // The reader serves only what the incremental tree emitted: a missing subtree fails the test.
          const tree = new CompactTree();
          const stored = new Map<string, Uint8Array>();
          for (const e of entries) for (const s of tree.appendEntry(e)) stored.set(`${s.level}/${s.index}`, s.hash);
          const reader = {
            getSubtreeHashes: async (ids: readonly { level: number; index: bigint }[]) =>
              ids.map((id) => {
                const h = stored.get(`${id.level}/${id.index}`);
                if (h === undefined) throw new Error(`subtree ${id.level}/${id.index} was never emitted`);
                return h;
              }),
          };
          const leaves = entries.map((e) => hashLeaf(e));
          const roots = [emptyRoot()];
          for (let n = 1; n <= entries.length; n++) roots.push(await rootAt(reader, BigInt(n)));
          assert.deepEqual(roots[entries.length], referenceRoot(leaves));
          for (let size = 1; size <= entries.length; size++) {
            const root = roots[size] as Uint8Array;
            for (let i = 0; i < size; i++) {
              const proof = await inclusionProof(reader, BigInt(i), BigInt(size));
              assert.ok(verifyInclusion(BigInt(i), BigInt(size), leaves[i] as Uint8Array, proof, root));
              const wrong = mutation(proof, pick + i);
              if (wrong !== null) assert.ok(!verifyInclusion(BigInt(i), BigInt(size), leaves[i] as Uint8Array, wrong, root));
            }
            for (let m = 1; m <= size; m++) {
              const proof = await consistencyProof(reader, BigInt(m), BigInt(size));
              assert.ok(verifyConsistency(BigInt(m), BigInt(size), proof, roots[m] as Uint8Array, root));
              const wrong = mutation(proof, pick + m);
              if (wrong !== null) assert.ok(!verifyConsistency(BigInt(m), BigInt(size), wrong, roots[m] as Uint8Array, root));
            }
          }
        },
      ),
      { numRuns: 3, examples: [[Array.from({ length: 256 }, (_, i) => new Uint8Array([i % 7])), 0]] },
    );
  });

  it('reads O(log n) hashes in a single call', async () => {
    const { reader } = buildTree(300);
    for (const [index, size] of [
      [0, 300],
      [299, 300],
      [150, 257],
    ] as const) {
      reader.calls = 0;
      reader.idsRead = 0;
      await inclusionProof(reader, BigInt(index), BigInt(size));
      assert.equal(reader.calls, 1);
      assert.ok(reader.idsRead <= 2 * 9, `${reader.idsRead} ids`);
    }
  });

  it('a resumed tree continues exactly where it stopped', async () => {
    const { reader } = buildTree(100);
    const tree = await CompactTree.load(reader, 37n);
    for (let i = 37; i < 100; i++) tree.append(reader.leafHashes[i] as Uint8Array);
    assert.deepEqual(tree.root(), referenceRoot(reader.leafHashes));
    assert.deepEqual(
      tree.frontier().map(({ level, index }) => ({ level, index })),
      rootSubtrees(100n),
    );
  });
});

describe('huge trees', () => {
  const big = (1n << 63n) + 12345n;
  const max = (1n << 64n) - 1n;

  it('plans proofs near 2^63 and 2^64 without overflow', () => {
    for (const size of [big, max, 1n << 63n]) {
      const nodes = inclusionProofNodes(size - 1n, size);
      assert.ok(nodes.length <= 64);
      for (const n of nodes) for (const s of n.subtrees) assert.ok(s.level >= 0 && s.level <= 63 && s.index >= 0n);
      const c = consistencyProofNodes(size - 7n, size);
      assert.ok(c.length > 0 && c.length <= 128);
      assert.equal(
        rootSubtrees(size).reduce((sum, s) => sum + (1n << BigInt(s.level)), 0n),
        size,
      );
    }
  });

  it('verifies synthetic proofs near 2^63 (built by hashing the planned nodes)', async () => {
    // Any hash per subtree id is a consistent "tree" as long as parents are not checked; root is folded the same way.
    const fake = {
      getSubtreeHashes: async (ids: readonly { level: number; index: bigint }[]) =>
        ids.map((id) => hashLeaf(new TextEncoder().encode(`${id.level}/${id.index}`))),
    };
    const size = big;
    const index = size - 1n;
    const leaf = hashLeaf(new TextEncoder().encode(`0/${index}`));
    const proof = await inclusionProof(fake, index, size);
    const root = await rootAt(fake, size);
    assert.ok(verifyInclusion(index, size, leaf, proof, root));
    assert.ok(!verifyInclusion(index - 1n, size, leaf, proof, root));
    assert.ok(!verifyInclusion(index, size + 1n, leaf, proof, root));
    const old = size - 1n;
    const con = await consistencyProof(fake, old, size);
    assert.ok(verifyConsistency(old, size, con, await rootAt(fake, old), root));
  });

  it('never throws on hostile input', () => {
    const h = new Uint8Array(32);
    const cases: unknown[][] = [
      [-1n, 4n, h, [], h],
      [0n, 1n << 64n, h, [], h],
      [0, 4, h, [], h],
      [0n, 4n, new Uint8Array(31), [h, h], h],
      [0n, 4n, h, [h, new Uint8Array(33)], h],
      [0n, 4n, h, null, h],
      [0n, 4n, h, [h, 'x'], h],
      [3n, max, h, Array(64).fill(h), h],
    ];
    for (const c of cases) assert.equal((verifyInclusion as (...a: unknown[]) => boolean)(...c), false);
    for (const c of cases) assert.equal((verifyConsistency as (...a: unknown[]) => boolean)(...c), false);
    assert.equal(verifyConsistency(0n, 0n, [], h, h), false);
  });

  it('refuses impossible proof requests with tlog_range_invalid', () => {
    assert.throws(() => inclusionProofNodes(5n, 5n), { code: 'tlog_range_invalid' });
    assert.throws(() => consistencyProofNodes(0n, 5n), { code: 'tlog_range_invalid' });
    assert.throws(() => consistencyProofNodes(6n, 5n), { code: 'tlog_range_invalid' });
    assert.throws(() => inclusionProofNodes(1 as unknown as bigint, 5n), TypeError);
    assert.deepEqual(consistencyProofNodes(5n, 5n), []);
  });
});
