/** The sealing worker pool: same envelopes as in-thread sealing, typed errors, bounded workers, clean shutdown. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MvidError, SeededRandom, fromBase64Url, utf8 } from '../core/index.ts';
import { openEnvelopeWithSharedPoint } from './envelope.ts';
import type { Envelope, SealEnvelopeInput } from './envelope.ts';
import { dealEscrowKey } from './feldman.ts';
import { decodePoint, encodePoint, multiplySecret, tryDecodeScalar } from './group.ts';
import { blindIdentifier, evaluateBlinded, finalizeTag, generateTagServiceKey } from './oprf.ts';
import { SealingPool } from './seal-pool.ts';
import { interpolateAtZero } from './threshold.ts';

const { trusteeSet, shares } = dealEscrowKey({ threshold: 2, trustees: ['a', 'b', 'c'] }, new SeededRandom(5));
// Test-only: the escrow secret, so envelopes sealed by a worker can be opened here.
const x = interpolateAtZero(shares.slice(0, 2).map((s) => ({ index: s.index, value: tryDecodeScalar(s.secret) as bigint })));
const open = (e: Envelope) => openEnvelopeWithSharedPoint(e, encodePoint(multiplySecret(decodePoint(fromBase64Url(e.c1)), x)));
const inputFor = (n: number, fieldGroup = 'legal-name'): SealEnvelopeInput => ({
  escrowPublicKey: trusteeSet.escrowPublicKey,
  envelopeId: `env-${n}-${fieldGroup}`,
  personId: `person-${n}`,
  trusteeSetId: trusteeSet.id,
  fieldGroup,
  plaintext: utf8(JSON.stringify({ n, fieldGroup })),
});

describe('SealingPool', () => {
  const pool = new SealingPool({ workers: 2 });
  after(() => pool.close());

  it('starts no worker until asked to seal', () => {
    assert.equal(new SealingPool({ workers: 1 }).running, 0);
  });

  it('seals envelopes that open to the plaintext under their own ids, and leaves the caller’s plaintext alone', async () => {
    const inputs = ['legal-name', 'birth', 'document', 'contact'].map((g) => inputFor(1, g));
    const copies = inputs.map((i) => i.plaintext.slice());
    const envelopes = await pool.seal(inputs);
    assert.equal(envelopes.length, 4);
    envelopes.forEach((envelope, i) => {
      const input = inputs[i] as SealEnvelopeInput;
      assert.deepEqual(
        [envelope.envelopeId, envelope.personId, envelope.fieldGroup, envelope.trusteeSetId],
        [input.envelopeId, input.personId, input.fieldGroup, input.trusteeSetId],
      );
      assert.deepEqual(open(envelope), copies[i]);
      assert.deepEqual(input.plaintext, copies[i], 'the caller wipes its own plaintext when it wants to');
    });
    assert.equal(new Set(envelopes.map((e) => e.c1)).size, 4, 'fresh randomness per envelope');
  });

  it('spreads concurrent jobs over at most its workers', async () => {
    const results = await Promise.all(Array.from({ length: 24 }, (_, n) => pool.seal([inputFor(n + 10)])));
    for (const [n, [envelope]] of results.entries())
      assert.deepEqual(JSON.parse(Buffer.from(open(envelope as Envelope)).toString()), { n: n + 10, fieldGroup: 'legal-name' });
    assert.ok(pool.running >= 1 && pool.running <= 2, `running ${pool.running}`);
  });

  it('fails a job with the sealing error’s stable code, and keeps serving', async () => {
    await assert.rejects(
      pool.seal([{ ...inputFor(99), escrowPublicKey: 'AAAA' }]),
      (e: unknown) => e instanceof MvidError && e.code === 'crypto_encoding_invalid',
    );
    await assert.rejects(pool.seal([{ ...inputFor(98), envelopeId: '' }]), (e: unknown) => e instanceof Error && !(e instanceof MvidError));
    assert.equal((await pool.seal([inputFor(97)])).length, 1);
  });

  it('runs the VOPRF steps: the same tag as in this thread, forged answers refused with their code', async () => {
    const keys = generateTagServiceKey();
    const blinded = await pool.blindIdentifier('passport:FR', '12AB 34567');
    const evaluation = await pool.evaluateBlinded(keys, blinded.blinded);
    const tag = await pool.finalizeTag(blinded, evaluation, keys.publicKey);
    const here = await blindIdentifier('passport:FR', '12ab-34567');
    assert.deepEqual(tag, await finalizeTag(here, await evaluateBlinded(keys, here.blinded), keys.publicKey));
    const other = generateTagServiceKey();
    await assert.rejects(pool.finalizeTag(blinded, await pool.evaluateBlinded(other, blinded.blinded), keys.publicKey), {
      code: 'crypto_encoding_invalid',
    });
    await assert.rejects(pool.evaluateBlinded(keys, 'not a point'), { code: 'crypto_encoding_invalid' });
    assert.ok(
      keys.secretKey.some((b) => b !== 0),
      'the caller’s key is not wiped by the worker',
    );
  });

  it('refuses work once closed, and a bad size at construction', async () => {
    const closing = new SealingPool({ workers: 1 });
    await closing.seal([inputFor(1)]);
    await closing.close();
    assert.equal(closing.running, 0);
    await assert.rejects(closing.seal([inputFor(2)]), /closed/);
    assert.throws(() => new SealingPool({ workers: 0 }), RangeError);
  });
});
