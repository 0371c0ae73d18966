/**
 * The tag service: the only holder of the uniqueness-tag OPRF key. It runs as its own
 * process (`mvid tag-service`) with its own key directory, ideally on another machine
 * under another operator, so the enrolment server's database and key directory are not
 * enough to recompute a tag from a guessed identifier. It evaluates blinded elements
 * (it never sees an identifier), at most `ratePerMinute` a minute, and counts every
 * evaluation; the count is signed into each answer and logged by the enrolment server,
 * so a bulk guessing run shows in the public log as a jump in the count.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Clock,
  MvidError,
  type Random,
  constantTimeEqual,
  fromBase64Url,
  systemClock,
  systemRandom,
  toBase64Url,
  utf8,
} from '../core/index.ts';
import {
  type TagEvaluation,
  type TagServiceKeyPair,
  evaluateBlinded,
  generateTagServiceKey,
  tagServicePublicKey,
} from '../crypto/index.ts';

export const TAG_SERVICE_FILES = { key: 'tag-service.key', token: 'tag-service.token', state: 'tag-service-state.json' } as const;
export const TAG_TOKEN_PREFIX = 'mvtag_';

export interface TagServiceOptions {
  keyDir: string;
  /** Evaluations allowed per rolling minute, across all callers (default 60). */
  ratePerMinute?: number;
  clock?: Clock;
  random?: Random;
  /** Runs the evaluation (worker threads in `mvid serve`'s embedded service); default: this thread with `random`. */
  evaluator?: (keys: TagServiceKeyPair, blinded: unknown) => Promise<TagEvaluation>;
}

export interface TagServiceStatus {
  publicKey: string;
  /** Every evaluation ever answered by this key. */
  evaluations: number;
}

export interface TagServiceAnswer extends TagEvaluation {
  /** The evaluation count including this one. */
  evaluations: number;
}

export class TagService {
  readonly #keys: TagServiceKeyPair;
  readonly #token: string;
  readonly #statePath: string;
  readonly #rate: number;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #evaluator: (keys: TagServiceKeyPair, blinded: unknown) => Promise<TagEvaluation>;
  readonly #recent: number[] = [];
  #evaluations: number;
  /** The count known to be on disk, and the write under way (one at a time). */
  #persisted: number;
  #writing: Promise<void> | undefined;

  /** Opens (creating on first use) the tag service's key directory. */
  constructor(options: TagServiceOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#evaluator = options.evaluator ?? ((keys, blinded) => evaluateBlinded(keys, blinded, this.#random));
    this.#rate = options.ratePerMinute ?? 60;
    if (!Number.isInteger(this.#rate) || this.#rate < 1) throw new RangeError('ratePerMinute must be a positive integer');
    const dir = options.keyDir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyPath = join(dir, TAG_SERVICE_FILES.key);
    if (!existsSync(keyPath)) {
      const fresh = generateTagServiceKey(this.#random);
      writeFileSync(keyPath, `${toBase64Url(fresh.secretKey)}\n`, { mode: 0o600, flag: 'wx' });
      fresh.secretKey.fill(0);
    }
    const secretKey = fromBase64Url(readFileSync(keyPath, 'utf8').trim());
    this.#keys = { secretKey, publicKey: tagServicePublicKey(secretKey) };
    const tokenPath = join(dir, TAG_SERVICE_FILES.token);
    if (!existsSync(tokenPath))
      writeFileSync(tokenPath, `${TAG_TOKEN_PREFIX}${toBase64Url(this.#random.bytes(32))}\n`, { mode: 0o600, flag: 'wx' });
    this.#token = readFileSync(tokenPath, 'utf8').trim();
    this.#statePath = join(dir, TAG_SERVICE_FILES.state);
    const state = existsSync(this.#statePath) ? (JSON.parse(readFileSync(this.#statePath, 'utf8')) as { evaluations?: unknown }) : {};
    this.#evaluations = typeof state.evaluations === 'number' ? state.evaluations : 0;
    this.#persisted = this.#evaluations;
  }

  /** The bearer token the enrolment server presents (in the key directory, for the operator to copy). */
  get token(): string {
    return this.#token;
  }

  status(): TagServiceStatus {
    return { publicKey: this.#keys.publicKey, evaluations: this.#evaluations };
  }

  /** Whether `token` is this service's client token (constant time). */
  authorized(token: string | undefined): boolean {
    return token !== undefined && constantTimeEqual(utf8(token), utf8(this.#token));
  }

  /**
   * Evaluates one blinded element, counting it; the count is on disk before the answer leaves.
   * The rate-limit slot is taken before the group work starts, so concurrent calls cannot
   * overrun the limit, and given back when the element is refused.
   * @throws MvidError rate_limited | crypto_encoding_invalid
   */
  async evaluate(blinded: unknown): Promise<TagServiceAnswer> {
    const now = this.#clock.now().getTime();
    while (this.#recent.length > 0 && (this.#recent[0] as number) <= now - 60_000) this.#recent.shift();
    if (this.#recent.length >= this.#rate) {
      throw new MvidError('rate_limited', `the tag service answers at most ${this.#rate} evaluations a minute`);
    }
    this.#recent.push(now);
    let answer: TagEvaluation;
    try {
      answer = await this.#evaluator(this.#keys, blinded);
    } catch (error) {
      const slot = this.#recent.lastIndexOf(now);
      if (slot >= 0) this.#recent.splice(slot, 1);
      throw error;
    }
    this.#evaluations += 1;
    const count = this.#evaluations;
    await this.#persist(count);
    return { ...answer, evaluations: count };
  }

  /**
   * Resolves once a count ≥ `count` is on disk. Writes go off the event loop and one at a
   * time; evaluations answered while one is under way share the next, so a burst costs a
   * few writes rather than one each (a write took a tenth of an enrolment's main-thread time).
   */
  async #persist(count: number): Promise<void> {
    while (this.#persisted < count) {
      this.#writing ??= this.#write().finally(() => {
        this.#writing = undefined;
      });
      await this.#writing;
    }
  }

  async #write(): Promise<void> {
    const target = this.#evaluations;
    const temporary = `${this.#statePath}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ evaluations: target })}\n`, { mode: 0o600 });
    await rename(temporary, this.#statePath);
    this.#persisted = Math.max(this.#persisted, target);
  }

  close(): void {
    this.#keys.secretKey.fill(0);
  }
}
