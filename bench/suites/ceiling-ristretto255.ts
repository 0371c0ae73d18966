/** Ceiling: ristretto255 scalar multiplication (@noble/curves), the group under pairwise pseudonyms and OPRFs. */
import { randomBytes } from 'node:crypto';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { opsPerSecond } from '../harness/measure.ts';
import { defineSuite } from '../harness/types.ts';

const { Point } = ristretto255;

function randomScalar(): bigint {
  // 512 random bits reduced modulo the group order: uniform enough, never zero in practice.
  const wide = BigInt(`0x${randomBytes(64).toString('hex')}`);
  return (wide % (Point.Fn.ORDER - 1n)) + 1n;
}

interface State {
  point: InstanceType<typeof Point>;
  scalars: bigint[];
}

export default defineSuite<State>({
  name: 'ceiling-ristretto255',
  title: 'ristretto255 scalar multiplication (@noble/curves)',
  kind: 'ceiling',
  async setup() {
    return { point: Point.BASE.multiply(randomScalar()), scalars: Array.from({ length: 64 }, randomScalar) };
  },
  benchmarks: [
    {
      id: 'ceiling.ristretto255.mul',
      metrics: [
        {
          id: 'ceiling.ristretto255.mul',
          title: 'ristretto255 scalar × point',
          unit: 'ops/s',
          better: 'higher',
          note: 'variable base, constant-time multiply(), no encoding, one thread',
        },
      ],
      async run({ point, scalars }, rep) {
        let i = 0;
        return { 'ceiling.ristretto255.mul': opsPerSecond(() => point.multiply(scalars[i++ & 63]!), rep.seconds) };
      },
    },
    {
      id: 'ceiling.ristretto255.mul-base',
      metrics: [
        {
          id: 'ceiling.ristretto255.mul-base',
          title: 'ristretto255 scalar × base point',
          unit: 'ops/s',
          better: 'higher',
          note: 'fixed base (precomputed tables), constant-time multiply(), one thread',
        },
      ],
      async run({ scalars }, rep) {
        let i = 0;
        return { 'ceiling.ristretto255.mul-base': opsPerSecond(() => Point.BASE.multiply(scalars[i++ & 63]!), rep.seconds) };
      },
    },
  ],
});
