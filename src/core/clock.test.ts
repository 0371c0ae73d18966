/** The system randomness service: pooled small requests behave like direct CSPRNG calls. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemRandom } from './clock.ts';

describe('systemRandom', () => {
  it('returns fresh bytes of the asked length, across pool refills and past the pooled size', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const length = [0, 1, 12, 16, 32, 64, 255, 256, 257, 4096][i % 10] as number;
      const bytes = systemRandom.bytes(length);
      assert.ok(bytes instanceof Uint8Array);
      assert.equal(bytes.length, length);
      if (length >= 16) {
        const hex = Buffer.from(bytes).toString('hex');
        assert.ok(!seen.has(hex), 'a value came out twice');
        seen.add(hex);
      }
    }
  });

  it('hands out copies: changing one does not touch the next', () => {
    const a = systemRandom.bytes(32);
    const b = systemRandom.bytes(32);
    a.fill(0);
    assert.notDeepEqual(b, new Uint8Array(32));
    assert.equal(a.buffer === b.buffer, false);
  });

  it('looks uniform: every byte value turns up, and ones are about half the bits', () => {
    const counts = new Array<number>(256).fill(0);
    let ones = 0;
    for (let i = 0; i < 4000; i++)
      for (const byte of systemRandom.bytes(16)) {
        counts[byte] = (counts[byte] ?? 0) + 1;
        for (let bit = byte; bit > 0; bit >>= 1) ones += bit & 1;
      }
    assert.ok(counts.every((c) => c > 0));
    const fraction = ones / (4000 * 16 * 8);
    assert.ok(fraction > 0.49 && fraction < 0.51, `fraction of ones ${fraction}`);
  });

  it('refuses a negative or fractional length', () => {
    assert.throws(() => systemRandom.bytes(-1), RangeError);
    assert.throws(() => systemRandom.bytes(1.5), RangeError);
  });
});
