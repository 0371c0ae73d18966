/**
 * A bounded map that forgets the least recently used entry first: the one cache shape
 * behind statement, key and lookup caches (a hit moves an entry to the back, an insert
 * beyond `max` drops the front). Map iteration order is insertion order, which is all
 * the bookkeeping this needs.
 */
export class LruCache<K, V> {
  readonly #max: number;
  readonly #entries = new Map<K, V>();

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('an LRU cache holds at least one entry');
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value under `key`, now the most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used, dropping the least recently used beyond the bound. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }
}
