/**
 * Worker-thread entry of the sealing pool (seal-pool.ts): seals the envelopes of one job, or
 * runs one VOPRF step, with this thread's own system randomness; wipes the plaintexts and
 * secret scalars it was sent.
 */
import { parentPort } from 'node:worker_threads';
import { releaseMemory } from '../core/index.ts';
import { sealEnvelope } from './envelope.ts';
import { blindIdentifier, evaluateBlinded, finalizeTag } from './oprf.ts';
import type { WorkerJob, WorkerReply } from './seal-pool.ts';
import { sodium } from './sodium.ts';

if (!parentPort) throw new Error('seal-worker.ts runs as a worker thread');
const port = parentPort;

// Sealing is synchronous and uses libsodium once this thread has it (see envelope.ts).
const ready = sodium();

/**
 * A worker idle this long after its last job gives back what its burst of jobs left committed
 * (its young generation grows to the server's `--max-semi-space-size`; src/core/memory.ts):
 * ~15 MB per worker that would otherwise stay resident beside the server's own heap.
 */
const IDLE_RELEASE_MS = 2000;
let inFlight = 0;
let idle: ReturnType<typeof setTimeout> | undefined;

async function run(job: WorkerJob): Promise<unknown> {
  await ready;
  switch (job.kind) {
    case 'seal':
      return job.inputs.map((input) => sealEnvelope(input));
    case 'blind':
      return blindIdentifier(job.namespace, job.identifier);
    case 'evaluate':
      return evaluateBlinded(job.keys, job.blinded);
    case 'finalize':
      return finalizeTag(job.blinded, job.evaluation, job.publicKey);
  }
}

function wipeJob(job: WorkerJob): void {
  if (job.kind === 'seal') for (const input of job.inputs) input.plaintext.fill(0);
  else if (job.kind === 'evaluate') job.keys.secretKey.fill(0);
  else if (job.kind === 'finalize') job.blinded.blind.fill(0);
}

port.on('message', async (job: WorkerJob) => {
  inFlight++;
  clearTimeout(idle);
  let reply: WorkerReply;
  let blinded: { blind: Uint8Array } | undefined;
  try {
    const result = await run(job);
    if (job.kind === 'blind') blinded = result as { blind: Uint8Array };
    reply = { id: job.id, result };
  } catch (error) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    reply = { id: job.id, error: { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}) } };
  } finally {
    wipeJob(job);
  }
  port.postMessage(reply);
  // The caller has its copy of the blinding scalar now; this thread's goes.
  blinded?.blind.fill(0);
  if (--inFlight === 0) idle = setTimeout(releaseMemory, IDLE_RELEASE_MS).unref();
});
