/**
 * Shared transactions for concurrent writes of one kind (enrolments): what arrives while a
 * batch is being written waits and is written together in the next one, so N concurrent
 * requests cost one transaction — one durable commit and one multi-row statement per table —
 * instead of N. Alone, a request is written at once by its own transaction, as before.
 *
 * Semantics are those of writing each request alone: a request is answered only once the
 * transaction that holds it has committed; requests of one batch that share a key (the same
 * person twice) are split, the later ones written alone after the batch, so they meet the
 * earlier one's committed rows and are refused as they would have been; and when a batch
 * fails for any reason (a conflict with a writer outside the batch, a storage error) it
 * rolls back whole and every request in it is written alone, getting its own answer.
 */

export interface BatchWriter<C, R> {
  /** Writes one request in a transaction of its own (also the fallback). */
  one(candidate: C): Promise<R>;
  /** Writes several requests in one transaction; throws (and rolls back) when any of them cannot be written. */
  many(candidates: readonly C[]): Promise<R[]>;
  /** Keys no two requests of one batch may share (a uniqueness constraint each). */
  keys(candidate: C): readonly string[];
  /** Most requests in one batch (bounds the statements' parameter counts). */
  maxBatch: number;
}

interface Waiting<C, R> {
  candidate: C;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class WriteBatcher<C, R> {
  readonly #writer: BatchWriter<C, R>;
  readonly #queue: Waiting<C, R>[] = [];
  #draining = false;

  constructor(writer: BatchWriter<C, R>) {
    if (!Number.isInteger(writer.maxBatch) || writer.maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.#writer = writer;
  }

  /** Resolves once the request's transaction has committed (durably), with its result. */
  submit(candidate: C): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ candidate, resolve, reject });
      if (this.#draining) return;
      this.#draining = true;
      // Requests that become ready in this turn of the event loop join the first batch.
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#write(this.#queue.splice(0, this.#writer.maxBatch));
    } finally {
      this.#draining = false;
    }
  }

  async #write(taken: Waiting<C, R>[]): Promise<void> {
    const seen = new Set<string>();
    const batch: Waiting<C, R>[] = [];
    const alone: Waiting<C, R>[] = [];
    for (const item of taken) {
      const keys = this.#writer.keys(item.candidate);
      if (keys.some((key) => seen.has(key))) alone.push(item);
      else {
        for (const key of keys) seen.add(key);
        batch.push(item);
      }
    }
    if (batch.length > 1) {
      try {
        const results = await this.#writer.many(batch.map((item) => item.candidate));
        for (const [i, item] of batch.entries()) item.resolve(results[i] as R);
        batch.length = 0;
      } catch {
        // Rolled back whole: each request is written alone below and gets its own answer.
      }
    }
    // Sequentially: a later duplicate must meet the earlier one's committed rows.
    for (const item of [...batch, ...alone]) {
      try {
        item.resolve(await this.#writer.one(item.candidate));
      } catch (error) {
        item.reject(error);
      }
    }
  }
}
