/** Ceilings: raw ES256 (P-256) and Ed25519 signatures in node:crypto, one thread. */
import { generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { opsPerSecond } from '../harness/measure.ts';
import { type Benchmark, defineSuite } from '../harness/types.ts';

// About the size of a JWS signing input (protected header + claims, base64url).
const MESSAGE = randomBytes(256);
const P1363 = 'ieee-p1363' as const;

interface Keys {
  es256: { privateKey: KeyObject; publicKey: KeyObject; signature: Buffer };
  ed25519: { privateKey: KeyObject; publicKey: KeyObject; signature: Buffer };
}

const signEs256 = (key: KeyObject) => sign('sha256', MESSAGE, { key, dsaEncoding: P1363 });
const verifyEs256 = (key: KeyObject, signature: Buffer) => verify('sha256', MESSAGE, { key, dsaEncoding: P1363 }, signature);

function rate(id: string, title: string, unit: string, note: string, operation: (keys: Keys) => unknown): Benchmark<Keys> {
  return {
    id,
    metrics: [{ id, title, unit, better: 'higher', note }],
    async run(keys, rep) {
      return { [id]: opsPerSecond(() => operation(keys), rep.seconds) };
    },
  };
}

const NOTE = 'node:crypto one-shot, 256-byte message, one thread';

export default defineSuite<Keys>({
  name: 'ceiling-signatures',
  title: 'ES256 and Ed25519 signatures (node:crypto)',
  kind: 'ceiling',
  async setup() {
    const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ed = generateKeyPairSync('ed25519');
    const keys: Keys = {
      es256: { ...es, signature: signEs256(es.privateKey) },
      ed25519: { ...ed, signature: sign(null, MESSAGE, ed.privateKey) },
    };
    // A ceiling measured on a verifier that says "no" would be meaningless.
    if (!verifyEs256(keys.es256.publicKey, keys.es256.signature)) throw new Error('ES256 self-check failed');
    if (!verify(null, MESSAGE, keys.ed25519.publicKey, keys.ed25519.signature)) throw new Error('Ed25519 self-check failed');
    return keys;
  },
  benchmarks: [
    rate('ceiling.es256.sign', 'ES256 sign', 'ops/s', `${NOTE}, IEEE P1363 (JWS) encoding`, (k) => signEs256(k.es256.privateKey)),
    rate('ceiling.es256.verify', 'ES256 verify', 'ops/s', `${NOTE}, IEEE P1363 (JWS) encoding`, (k) =>
      verifyEs256(k.es256.publicKey, k.es256.signature),
    ),
    rate('ceiling.ed25519.sign', 'Ed25519 sign', 'ops/s', NOTE, (k) => sign(null, MESSAGE, k.ed25519.privateKey)),
    rate('ceiling.ed25519.verify', 'Ed25519 verify', 'ops/s', NOTE, (k) => verify(null, MESSAGE, k.ed25519.publicKey, k.ed25519.signature)),
  ],
});
