/**
 * Abuse limits: how many attempts a caller (an IP address) or a principal (a client id,
 * a holder key, a passkey) may make per window, for each kind of guessable or costly
 * operation. Counters live in the database (`abuse_counters`), so on PostgreSQL every node
 * shares them; each is a fixed window updated by one upsert statement, so concurrent
 * nodes never lose a hit. Keys are hashed before they are stored.
 *
 * Two ways to count:
 *  - `consume`: every attempt counts (minting nonces and challenges, enrolment, reports);
 *  - `blocked` before a credential check and `hit` after it failed: only failures count,
 *    and once over the limit even a correct credential is refused until the window ends
 *    (otherwise a guesser would still learn which guess was right).
 *
 * With `mirror` (what `mvid serve` sets on SQLite, where one process is the only writer) the
 * limiter also keeps the counters it has read or written in a bounded in-memory map, so
 * `blocked` — one statement before every credential check, i.e. every token request — reads
 * no row for a key it already knows. Hits still go to the database first (a restart keeps
 * them) and refresh the mirror from the row they return. Never on PostgreSQL: there other
 * nodes count too, and every check reads the shared row.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Clock, LruCache, MvidError } from '../core/index.ts';
import type { Store } from '../store/index.ts';

/** A limit: at most `limit` hits per `windowSeconds` (limit 0: unlimited). */
export interface Limit {
  limit: number;
  windowSeconds: number;
}

/** Every bucket mvid counts, per IP address (`*Ip`) or per principal. */
export const ABUSE_BUCKETS = ['credentialIp', 'credentialPrincipal', 'mintIp', 'enrolIp', 'reportPrincipal'] as const;
export type AbuseBucket = (typeof ABUSE_BUCKETS)[number];
export type AbusePolicy = Record<AbuseBucket, Limit>;

/**
 * Defaults: generous for people (a household behind one address, a wallet retrying),
 * tight for guessers. Failed credential checks: 100 per IP and 10 per principal in 10
 * minutes; nonce and challenge minting: 300 per IP per minute; enrolment and recovery:
 * 30 per IP per hour; reports (moderation): 20 per person per hour.
 */
export const DEFAULT_ABUSE_POLICY: AbusePolicy = {
  credentialIp: { limit: 100, windowSeconds: 600 },
  credentialPrincipal: { limit: 10, windowSeconds: 600 },
  mintIp: { limit: 300, windowSeconds: 60 },
  enrolIp: { limit: 30, windowSeconds: 3600 },
  reportPrincipal: { limit: 20, windowSeconds: 3600 },
};

export interface AbuseKey {
  bucket: AbuseBucket;
  /** The IP address or principal id; hashed before it is stored. */
  key: string;
}

/** Thrown when a limit is reached; the HTTP layer answers 429 with `Retry-After`. */
export function rateLimited(retryAfterSeconds: number): MvidError {
  return new MvidError('rate_limited', `too many attempts; retry after ${retryAfterSeconds} seconds`, {
    extensions: { retryAfter: retryAfterSeconds },
  });
}

/** Keys the in-memory mirror holds at most (the least recently used are read again from the database). */
const MIRROR_KEYS = 10_000;

export class AbuseLimiter {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #policy: AbusePolicy;
  /** key hash → the counter's window start and hits as last read or written (only with `mirror`). */
  readonly #mirror: LruCache<string, { windowStart: number; hits: number }> | undefined;

  constructor(store: Store, clock: Clock, policy: Partial<AbusePolicy> = {}, options: { mirror?: boolean } = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#policy = { ...DEFAULT_ABUSE_POLICY, ...policy };
    if (options.mirror === true && store.engine !== 'sqlite') throw new RangeError('the in-memory mirror is for SQLite (one writer) only');
    this.#mirror = options.mirror === true ? new LruCache(MIRROR_KEYS) : undefined;
  }

  policy(bucket: AbuseBucket): Limit {
    return this.#policy[bucket];
  }

  #window(bucket: AbuseBucket): { start: number; end: number; limit: number } {
    const { limit, windowSeconds } = this.#policy[bucket];
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    const start = now - (now % windowSeconds);
    return { start, end: start + windowSeconds, limit };
  }

  #retryAfter(end: number): number {
    return Math.max(1, end - Math.floor(this.#clock.now().getTime() / 1000));
  }

  /** Seconds until the first of `keys` that is over its limit may try again; undefined when none is. */
  async blocked(keys: readonly AbuseKey[]): Promise<number | undefined> {
    const live = keys.filter((k) => this.#policy[k.bucket].limit > 0);
    if (live.length === 0) return undefined;
    const hashes = new Map(live.map((k) => [hashKey(k), k.bucket]));
    const counters = new Map<string, { windowStart: number; hits: number }>();
    const unknown: string[] = [];
    for (const hash of hashes.keys()) {
      const known = this.#mirror?.get(hash);
      if (known) counters.set(hash, known);
      else unknown.push(hash);
    }
    if (unknown.length > 0) {
      const rows = await this.#store.db.selectFrom('abuse_counters').selectAll().where('key_hash', 'in', unknown).execute();
      for (const hash of unknown) {
        const row = rows.find((r) => r.key_hash === hash);
        const counter = row ? { windowStart: Number(row.window_start), hits: Number(row.hits) } : { windowStart: 0, hits: 0 };
        counters.set(hash, counter);
        this.#mirror?.set(hash, counter);
      }
    }
    let wait: number | undefined;
    for (const [hash, counter] of counters) {
      const window = this.#window(hashes.get(hash) as AbuseBucket);
      if (counter.windowStart === window.start && counter.hits >= window.limit) {
        wait = Math.max(wait ?? 0, this.#retryAfter(window.end));
      }
    }
    return wait;
  }

  /** Counts one hit on each key; returns seconds to wait when any is now over its limit. */
  async hit(keys: readonly AbuseKey[]): Promise<number | undefined> {
    let wait: number | undefined;
    for (const k of keys) {
      const window = this.#window(k.bucket);
      if (window.limit <= 0) continue;
      const hash = hashKey(k);
      const row = await this.#store.db
        .insertInto('abuse_counters')
        .values({ key_hash: hash, window_start: window.start, window_end: window.end, hits: 1 })
        .onConflict((oc) =>
          oc.column('key_hash').doUpdateSet({
            hits: sql<number>`case when abuse_counters.window_start = excluded.window_start then abuse_counters.hits + 1 else 1 end`,
            window_start: sql<number>`excluded.window_start`,
            window_end: sql<number>`excluded.window_end`,
          }),
        )
        .returning('hits')
        .executeTakeFirstOrThrow();
      this.#mirror?.set(hash, { windowStart: window.start, hits: Number(row.hits) });
      if (Number(row.hits) > window.limit) wait = Math.max(wait ?? 0, this.#retryAfter(window.end));
    }
    return wait;
  }

  /**
   * Counts an attempt that always counts (minting, enrolment, a report) and refuses it
   * when over the limit. The hook other domains call (e.g. moderation for reports).
   * @throws MvidError rate_limited
   */
  async consume(keys: readonly AbuseKey[]): Promise<void> {
    const wait = await this.hit(keys);
    if (wait !== undefined) throw rateLimited(wait);
  }

  /** Deletes counters whose window has passed; returns how many. */
  async sweep(): Promise<number> {
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    const result = await this.#store.db.deleteFrom('abuse_counters').where('window_end', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Recent keys' hashes: a token request hashes the same caller and client on every request. */
const recentHashes = new Map<string, string>();
const RECENT_HASHES = 10_000;

function hashKey(k: AbuseKey): string {
  const id = `${k.bucket}\0${k.key}`;
  let hash = recentHashes.get(id);
  if (hash === undefined) {
    hash = createHash('sha256').update(`mvid-abuse\0${id}`).digest('base64url').slice(0, 32);
    if (recentHashes.size >= RECENT_HASHES) recentHashes.clear();
    recentHashes.set(id, hash);
  }
  return hash;
}
