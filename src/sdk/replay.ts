/**
 * Replay protection for accepted presentations. A nonce is the world's promise
 * that one answer is accepted once; the cache is how the world keeps it across
 * requests. Keys are opaque strings built by the verifier.
 */
export interface ReplayCache {
  /**
   * Remembers `key` until `expiresAt` and returns true, or returns false when the
   * key is already remembered. Must be atomic for concurrent calls with one key
   * (a shared store would use e.g. `INSERT ... ON CONFLICT DO NOTHING`).
   */
  remember(key: string, expiresAt: Date): boolean | Promise<boolean>;
}

export interface MemoryReplayCacheOptions {
  /** Bound on memory; beyond it the oldest entries are forgotten first. Default 100 000. */
  maxEntries?: number;
  now?: () => Date;
}

/**
 * An in-process `ReplayCache`. Entries leave after their expiry (by then the
 * KB-JWT is stale anyway, so the replay is refused as `kb_stale`). Under a
 * flood beyond `maxEntries` the oldest are evicted: that re-opens a small replay
 * window for those entries rather than refusing every new visitor.
 *
 * @example
 * const replayCache = new MemoryReplayCache();
 * await verifyPresentation(p, { ...opts, replayCache });
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => Date;

  constructor(options: MemoryReplayCacheOptions = {}) {
    this.#max = options.maxEntries ?? 100_000;
    this.#now = options.now ?? (() => new Date());
    if (!Number.isInteger(this.#max) || this.#max < 1) throw new TypeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.#entries.size;
  }

  remember(key: string, expiresAt: Date): boolean {
    const now = this.#now().getTime();
    const known = this.#entries.get(key);
    if (known !== undefined && known > now) return false;
    this.#prune(now);
    this.#entries.delete(key);
    this.#entries.set(key, expiresAt.getTime());
    return true;
  }

  #prune(now: number): void {
    // Insertion order roughly follows expiry (same max age for everyone), so stop at the first live entry.
    for (const [key, expiry] of this.#entries) {
      if (expiry > now && this.#entries.size < this.#max) break;
      this.#entries.delete(key);
    }
  }
}
