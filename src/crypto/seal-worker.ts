/**
 * Worker-thread entry of the sealing pool (seal-pool.ts): seals the envelopes of one job with
 * this thread's own system randomness and wipes the plaintexts it was sent.
 */
import { parentPort } from 'node:worker_threads';
import { sealEnvelope } from './envelope.ts';
import type { SealJob, SealReply } from './seal-pool.ts';

if (!parentPort) throw new Error('seal-worker.ts runs as a worker thread');
const port = parentPort;

port.on('message', (job: SealJob) => {
  let reply: SealReply;
  try {
    reply = { id: job.id, envelopes: job.inputs.map((input) => sealEnvelope(input)) };
  } catch (error) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    reply = { id: job.id, error: { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}) } };
  } finally {
    for (const input of job.inputs) input.plaintext.fill(0);
  }
  port.postMessage(reply);
});
