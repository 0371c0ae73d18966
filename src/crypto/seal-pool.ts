/**
 * Seals escrow envelopes on worker threads. Sealing is two constant-time ristretto255
 * multiplications and two point encodings per envelope — about 0.8 ms of pure CPU, four
 * envelopes a person — and on the event loop it was the largest share of an enrolment, so
 * the pool moves it to other cores. Workers start on first use (an idle server pays nothing),
 * do not keep the process alive, and a worker that dies fails only its own jobs and is
 * replaced on the next one. Each worker uses its own system randomness: callers that inject
 * deterministic randomness (tests) seal in-thread with `sealEnvelope` instead.
 */
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, MvidError } from '../core/index.ts';
import type { ErrorCode } from '../core/index.ts';
import type { Envelope, SealEnvelopeInput } from './envelope.ts';

/** One message to a worker: the envelopes of one person (or any batch). */
export interface SealJob {
  id: number;
  inputs: SealEnvelopeInput[];
}

export type SealReply = { id: number; envelopes: Envelope[] } | { id: number; error: { message: string; code?: string } };

interface PendingJob {
  resolve(envelopes: Envelope[]): void;
  reject(error: unknown): void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, PendingJob>;
}

/** Seals batches of envelopes; `sealEnvelope` semantics, off the calling thread. */
export interface EnvelopeSealer {
  seal(inputs: readonly SealEnvelopeInput[]): Promise<Envelope[]>;
  close(): Promise<void>;
}

export class SealingPool implements EnvelopeSealer {
  readonly #size: number;
  readonly #workers: PoolWorker[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: { workers: number }) {
    const size = options.workers;
    if (!Number.isInteger(size) || size < 1 || size > 64) throw new RangeError('workers must be an integer from 1 to 64');
    this.#size = size;
  }

  /** Workers running now (they start on demand). */
  get running(): number {
    return this.#workers.length;
  }

  seal(inputs: readonly SealEnvelopeInput[]): Promise<Envelope[]> {
    if (this.#closed) return Promise.reject(new Error('the sealing pool is closed'));
    if (inputs.length === 0) return Promise.resolve([]);
    const target = this.#leastBusy();
    const id = this.#nextId++;
    return new Promise<Envelope[]>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      if (target.pending.size === 1) target.worker.ref();
      const job: SealJob = { id, inputs: inputs.map((input) => ({ ...input, plaintext: input.plaintext.slice() })) };
      // Transferred, not copied: the copies above leave this thread with the message.
      target.worker.postMessage(
        job,
        job.inputs.map((input) => input.plaintext.buffer as ArrayBuffer),
      );
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  #leastBusy(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const w of this.#workers) if (!best || w.pending.size < best.pending.size) best = w;
    if (best && (best.pending.size === 0 || this.#workers.length >= this.#size)) return best;
    return this.#start();
  }

  #start(): PoolWorker {
    const worker = new Worker(new URL('./seal-worker.ts', import.meta.url));
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: SealReply) => {
      const job = entry.pending.get(reply.id);
      if (!job) return;
      entry.pending.delete(reply.id);
      if (entry.pending.size === 0) worker.unref();
      if ('envelopes' in reply) job.resolve(reply.envelopes);
      else job.reject(replyError(reply.error));
    });
    const fail = (error: unknown) => {
      const index = this.#workers.indexOf(entry);
      if (index >= 0) this.#workers.splice(index, 1);
      for (const job of entry.pending.values()) job.reject(error);
      entry.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a sealing worker exited (code ${code})`)));
    this.#workers.push(entry);
    return entry;
  }
}

/** Rebuilds the worker's error: a typed MvidError keeps its stable code; anything else stays an Error. */
function replyError(error: { message: string; code?: string }): Error {
  const code = error.code;
  return code !== undefined && Object.hasOwn(ERROR_CODES, code)
    ? new MvidError(code as ErrorCode, error.message)
    : new Error(error.message);
}
