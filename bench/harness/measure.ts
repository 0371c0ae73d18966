/** Loops that turn an operation into a rate over a bounded time budget. */

/**
 * Calls `operation` for about `seconds` and returns calls per second. Calls are made in
 * batches (grown until a batch takes ~5 ms) so reading the clock does not weigh on fast ops.
 */
export function opsPerSecond(operation: () => unknown, seconds: number): number {
  const budget = seconds * 1000;
  let batch = 1;
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budget) {
    const batchStart = performance.now();
    for (let i = 0; i < batch; i++) operation();
    count += batch;
    const now = performance.now();
    elapsed = now - start;
    if (now - batchStart < 5) batch *= 2;
  }
  return count / (elapsed / 1000);
}

/**
 * Runs `concurrency` loops that each await `operation(worker, n)` back to back for about
 * `seconds`, and returns completed operations per second (all loops together).
 */
export async function asyncOpsPerSecond(
  operation: (worker: number, n: number) => Promise<unknown>,
  seconds: number,
  concurrency = 1,
): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let count = 0;
  const loop = async (worker: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      await operation(worker, n);
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, worker) => loop(worker)));
  return count / ((performance.now() - start) / 1000);
}

/** The wall time of each call in ms (at least `minimumCalls`), for operations slow enough to time one by one. */
export async function timeEach(operation: () => Promise<unknown> | unknown, seconds: number, minimumCalls = 5): Promise<number[]> {
  const deadline = performance.now() + seconds * 1000;
  const times: number[] = [];
  while (times.length < minimumCalls || performance.now() < deadline) {
    const start = performance.now();
    await operation();
    times.push(performance.now() - start);
  }
  return times;
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight; resolves with the results in order. */
export async function inParallel<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

/**
 * Operations per second over prepared inputs: a batch from `prepare()` (not timed), then
 * `work` on each input with `concurrency` in flight (timed), until `seconds` of timed work.
 * For operations whose input costs as much to make as the operation (a wallet's presentation).
 */
export async function preparedOpsPerSecond<T>(
  seconds: number,
  concurrency: number,
  prepare: () => Promise<readonly T[]>,
  work: (input: T) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  let timedMs = 0;
  while (timedMs < seconds * 1000) {
    const batch = await prepare();
    const started = performance.now();
    await inParallel(batch.length, concurrency, (i) => work(batch[i] as T));
    timedMs += performance.now() - started;
    done += batch.length;
  }
  return done / (timedMs / 1000);
}
