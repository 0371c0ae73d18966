/**
 * Test and benchmark support: a subject opening whose pseudonym proof verifies, for
 * release material built without a server. Not exported by index.ts.
 */
import { type Envelope, pseudonymInput, vrfKeyFromSecret } from '../crypto/index.ts';
import type { SubjectOpening } from './commitments.ts';

/** A fixed pseudonym VRF key (its secret is public: tests only). */
export const TEST_PSEUDONYM_KEY = vrfKeyFromSecret(new Uint8Array(32).fill(42));

/** The subject a server would commit to for `envelopes` (all of one person), pointing at made-up log positions. */
export function provenSubject(worldId: string, envelopes: readonly Envelope[]): SubjectOpening {
  const personId = envelopes[0]?.personId ?? 'nobody';
  const { output, proof } = TEST_PSEUDONYM_KEY.prove(pseudonymInput(worldId, personId));
  return {
    worldId,
    target: output,
    personId,
    pseudonymProof: proof,
    envelopes: envelopes.map((e) => ({ fieldGroup: e.fieldGroup, envelopeId: e.envelopeId, c1: e.c1 })),
    sealed: envelopes.map((e, i) => ({ envelopeId: e.envelopeId, time: '2026-06-01T12:00:00Z', logIndex: i })),
    salt: 's',
  };
}
