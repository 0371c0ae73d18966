/** LruCache: bounded, least recently used out first. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruCache } from './lru.ts';

describe('LruCache', () => {
  it('keeps at most its bound, dropping the least recently used', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1, 'a is now the most recent');
    cache.set('c', 3);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined, 'b was the least recently used');
    assert.deepEqual([cache.get('a'), cache.get('c')], [1, 3]);
  });

  it('replaces a value in place, and forgets on delete', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    assert.equal(cache.size, 1);
    assert.equal(cache.get('a'), 2);
    assert.equal(cache.delete('a'), true);
    assert.equal(cache.get('a'), undefined);
  });

  it('refuses a bound below one', () => {
    assert.throws(() => new LruCache(0), RangeError);
  });
});
