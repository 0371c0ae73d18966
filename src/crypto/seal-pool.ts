/**
 * Seals escrow envelopes on worker threads. Sealing is two constant-time ristretto255
 * multiplications and two point encodings per envelope — about 0.8 ms of pure CPU, four
 * envelopes a person — and on the event loop it was the largest share of an enrolment, so
 * the pool moves it to other cores. Workers start on first use (an idle server pays nothing),
 * do not keep the process alive, and a worker that dies fails only its own jobs and is
 * replaced on the next one. Each worker uses its own system randomness: callers that inject
 * deterministic randomness (tests) seal in-thread with `sealEnvelope` instead.
 *
 * The same workers run the uniqueness tag's VOPRF steps (blind, the embedded tag service's
 * evaluation, verify-and-finalize: `TagWorkers`), the other large share of an enrolment's
 * group work, so the event loop only waits for them.
 */
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, MvidError } from '../core/index.ts';
import type { ErrorCode } from '../core/index.ts';
import type { Envelope, SealEnvelopeInput } from './envelope.ts';
import type { BlindedIdentifier, TagEvaluation, TagServiceKeyPair } from './oprf.ts';

/** One message to a worker: the envelopes of one person (or any batch), or one VOPRF step. */
export type WorkerJob =
  | { id: number; kind: 'seal'; inputs: SealEnvelopeInput[] }
  | { id: number; kind: 'blind'; namespace: string; identifier: string }
  | { id: number; kind: 'evaluate'; keys: TagServiceKeyPair; blinded: unknown }
  | { id: number; kind: 'finalize'; blinded: BlindedIdentifier; evaluation: TagEvaluation; publicKey: string };

/** Distributes a union over its members, so `Omit` keeps each job kind's own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export type WorkerReply = { id: number; result: unknown } | { id: number; error: { message: string; code?: string } };

interface PendingJob {
  resolve(result: unknown): void;
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

/** The VOPRF steps of src/crypto/oprf.ts, off the calling thread (system randomness). */
export interface TagWorkers {
  blindIdentifier(namespace: string, identifier: string): Promise<BlindedIdentifier>;
  evaluateBlinded(keys: TagServiceKeyPair, blinded: unknown): Promise<TagEvaluation>;
  finalizeTag(blinded: BlindedIdentifier, evaluation: TagEvaluation, publicKey: string): Promise<Uint8Array>;
}

export class SealingPool implements EnvelopeSealer, TagWorkers {
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
    if (inputs.length === 0 && !this.#closed) return Promise.resolve([]);
    const copies = inputs.map((input) => ({ ...input, plaintext: input.plaintext.slice() }));
    // Transferred, not copied: the copies above leave this thread with the message.
    return this.#run<Envelope[]>(
      { kind: 'seal', inputs: copies },
      copies.map((input) => input.plaintext.buffer as ArrayBuffer),
    );
  }

  blindIdentifier(namespace: string, identifier: string): Promise<BlindedIdentifier> {
    return this.#run({ kind: 'blind', namespace, identifier });
  }

  evaluateBlinded(keys: TagServiceKeyPair, blinded: unknown): Promise<TagEvaluation> {
    return this.#run({ kind: 'evaluate', keys, blinded });
  }

  finalizeTag(blinded: BlindedIdentifier, evaluation: TagEvaluation, publicKey: string): Promise<Uint8Array> {
    return this.#run({ kind: 'finalize', blinded, evaluation, publicKey });
  }

  #run<T>(job: WithoutId<WorkerJob>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the sealing pool is closed'));
    const target = this.#leastBusy();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      target.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      if (target.pending.size === 1) target.worker.ref();
      target.worker.postMessage({ ...job, id }, transfer);
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
    const worker = new Worker(new URL('./seal-worker.ts', import.meta.url), workerOptions());
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const job = entry.pending.get(reply.id);
      if (!job) return;
      entry.pending.delete(reply.id);
      if (entry.pending.size === 0) worker.unref();
      if ('result' in reply) job.resolve(reply.result);
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

/**
 * Node's compile cache (bin/mvid.js enables it) is per thread and not inherited: without it
 * a worker strips its TypeScript with Node's type stripper and compiles every module afresh,
 * ~17 MB more resident per worker (docs/performance.md, `mvid.rss.load`). A worker reads
 * NODE_COMPILE_CACHE from its own environment, so it gets the main thread's directory there.
 * (node:module is taken at call time: the browser bundles include this file's folder.)
 */
function workerOptions(): { env?: NodeJS.ProcessEnv } {
  const cacheDir = process.getBuiltinModule('node:module').getCompileCacheDir();
  if (cacheDir === undefined) return {};
  // getCompileCacheDir names the per-Node-version subdirectory; a worker adds that itself.
  return { env: { ...process.env, NODE_COMPILE_CACHE: process.getBuiltinModule('node:path').dirname(cacheDir) } };
}

/** Rebuilds the worker's error: a typed MvidError keeps its stable code; anything else stays an Error. */
function replyError(error: { message: string; code?: string }): Error {
  const code = error.code;
  return code !== undefined && Object.hasOwn(ERROR_CODES, code)
    ? new MvidError(code as ErrorCode, error.message)
    : new Error(error.message);
}
