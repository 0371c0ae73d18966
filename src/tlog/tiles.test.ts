import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CompactTree,
  edgeTiles,
  encodeEntryBundle,
  entryBundlePath,
  parseEntryBundle,
  parseTilePath,
  readTile,
  tileExists,
  tilePath,
  tileSubtrees,
} from './index.ts';
import { ReferenceReader } from './vectors-fixture.ts';

describe('tile paths', () => {
  it('encodes the index in x-prefixed 3-digit groups', () => {
    assert.equal(tilePath({ level: 0, index: 1234067n, width: 256 }), 'tile/0/x001/x234/067');
    assert.equal(tilePath({ level: 0, index: 5n, width: 256 }), 'tile/0/005');
    assert.equal(tilePath({ level: 2, index: 1000n, width: 17 }), 'tile/2/x001/000.p/17');
    assert.equal(entryBundlePath(0n, 1), 'tile/entries/000.p/1');
    assert.equal(entryBundlePath(999n, 256), 'tile/entries/999');
  });

  it('parses exactly the canonical paths', () => {
    assert.deepEqual(parseTilePath('tile/0/x001/x234/067'), { kind: 'hashes', level: 0, index: 1234067n, width: 256 });
    assert.deepEqual(parseTilePath('tile/3/x001/234.p/7'), { kind: 'hashes', level: 3, index: 1234n, width: 7 });
    assert.deepEqual(parseTilePath('tile/entries/000.p/255'), { kind: 'entries', index: 0n, width: 255 });
    const bad = [
      'tile/0/1234',
      'tile/0/x000/001',
      'tile/0/001/002',
      'tile/00/001',
      'tile/64/001',
      'tile/0/001.p/256',
      'tile/0/001.p/0',
      'tile/0/001.p/07',
      'tile/0/001.p',
      'tile/0/x001.p/5/234',
      '/tile/0/001',
      'tile/0/001/',
      'tile/entries',
      'tile/-1/001',
      'tile/0/x001/x002/x003/x004/x005/x006/x007/008',
      'tile/0/x999/x999/x999/x999/x999/x999/999',
    ];
    for (const p of bad) assert.equal(parseTilePath(p), null, p);
  });

  it('property: tilePath and parseTilePath are inverse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.bigInt({ min: 0n, max: (1n << 56n) - 1n }),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const tile = { level, index, width };
          assert.deepEqual(parseTilePath(tilePath(tile)), { kind: 'hashes', ...tile });
        },
      ),
    );
  });
});

describe('tiles over a tree', () => {
  it('the rightmost tiles of a tree of 70,000 follow the spec example', () => {
    assert.deepEqual(edgeTiles(70000n), [
      { level: 0, index: 273n, width: 112 },
      { level: 1, index: 1n, width: 17 },
      { level: 2, index: 0n, width: 1 },
    ]);
    assert.deepEqual(edgeTiles(256n), [{ level: 1, index: 0n, width: 1 }]);
    assert.deepEqual(edgeTiles(0n), []);
  });

  it('tileExists matches the hashes a tree of that size has', () => {
    assert.equal(tileExists({ level: 0, index: 0n, width: 256 }, 255n), false);
    assert.equal(tileExists({ level: 0, index: 0n, width: 255 }, 255n), true);
    assert.equal(tileExists({ level: 1, index: 0n, width: 1 }, 256n), true);
    assert.equal(tileExists({ level: 1, index: 0n, width: 2 }, 511n), false);
    assert.equal(tileExists({ level: 7, index: 0n, width: 1 }, (1n << 64n) - 1n), true);
    assert.equal(tileExists({ level: 8, index: 0n, width: 1 }, (1n << 64n) - 1n), false);
  });

  it('reads a tile as the concatenated hashes of its subtrees, stored by the incremental tree', async () => {
    const entries = Array.from({ length: 600 }, (_, i) => new TextEncoder().encode(`e${i}`));
    const tree = new CompactTree();
    const store = new Map<string, Uint8Array>();
    for (const e of entries) for (const s of tree.appendEntry(e)) store.set(`${s.level}/${s.index}`, s.hash);
    const reader = {
      getSubtreeHashes: async (ids: readonly { level: number; index: bigint }[]) => ids.map((id) => store.get(`${id.level}/${id.index}`)!),
    };
    const reference = new ReferenceReader(entries);
    for (const tile of [
      { level: 0, index: 1n, width: 256 },
      { level: 0, index: 2n, width: 88 },
      { level: 1, index: 0n, width: 2 },
    ]) {
      assert.ok(tileExists(tile, 600n));
      const bytes = await readTile(reader, tile);
      assert.equal(bytes.length, tile.width * 32);
      const expected = await reference.getSubtreeHashes(tileSubtrees(tile));
      assert.deepEqual(bytes, new Uint8Array(Buffer.concat(expected)));
    }
    assert.deepEqual(tileSubtrees({ level: 1, index: 3n, width: 2 }), [
      { level: 8, index: 768n },
      { level: 8, index: 769n },
    ]);
  });
});

describe('entry bundles', () => {
  it('round trip, and refuse truncation', () => {
    const entries = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(65535).fill(7)];
    const bundle = encodeEntryBundle(entries);
    assert.deepEqual(parseEntryBundle(bundle), entries);
    assert.equal(parseEntryBundle(bundle.subarray(0, bundle.length - 1)), null);
    assert.equal(parseEntryBundle(new Uint8Array([0])), null);
    assert.deepEqual(parseEntryBundle(new Uint8Array(0)), []);
    assert.equal(parseEntryBundle(new Uint8Array(257 * 2)), null);
    assert.throws(() => encodeEntryBundle([new Uint8Array(65536)]), TypeError);
  });
});
