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
