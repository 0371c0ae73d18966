/** Ceiling: SHA-256 in node:crypto, the hash under the transparency log and every digest. */
import { hash, randomBytes } from 'node:crypto';
import { opsPerSecond } from '../harness/measure.ts';
import { defineSuite } from '../harness/types.ts';

const BULK = randomBytes(1 << 20);
const NODE = randomBytes(64);

export default defineSuite({
  name: 'ceiling-sha256',
  title: 'SHA-256 (node:crypto)',
  kind: 'ceiling',
  benchmarks: [
    {
      id: 'ceiling.sha256.bulk',
      metrics: [
        {
          id: 'ceiling.sha256.bulk',
          title: 'SHA-256 throughput',
          unit: 'MB/s',
          better: 'higher',
          note: '1 MiB messages, crypto.hash one-shot, one thread; MB = 10^6 bytes',
        },
      ],
      async run(_state, rep) {
        const rate = opsPerSecond(() => hash('sha256', BULK, 'buffer'), rep.seconds);
        return { 'ceiling.sha256.bulk': (rate * BULK.length) / 1e6 };
      },
    },
    {
      id: 'ceiling.sha256.64b',
      metrics: [
        {
          id: 'ceiling.sha256.64b',
          title: 'SHA-256 of 64 bytes',
          unit: 'hashes/s',
          better: 'higher',
          note: 'the size of a Merkle interior node (two 32-byte children); crypto.hash one-shot, one thread',
        },
      ],
      async run(_state, rep) {
        return { 'ceiling.sha256.64b': opsPerSecond(() => hash('sha256', NODE, 'buffer'), rep.seconds) };
      },
    },
  ],
});
