/**
 * Sealing a legal identity: one escrow envelope per field group, sealed by src/crypto
 * to the retention-epoch key (epochs.ts) of the active trustee set with the envelope id, person id and trustee-set id bound as
 * associated data. Only M trustees together can open one; the server never can.
 */
import type { Random } from '../core/index.ts';
import { type Envelope, type EnvelopeSealer, type SealEnvelopeInput, sealEnvelope, type TrusteeSet } from '../crypto/index.ts';
import { FIELD_GROUPS, type FieldGroup } from './types.ts';

/** Plaintexts are padded to a multiple of this, so ciphertext length says little about a name's length. */
const PAD_TO = 256;

export interface SealedEnvelope {
  envelope: Envelope;
}

/** JSON padded with trailing spaces (still valid JSON for whoever opens it). */
function padded(value: unknown): Uint8Array {
  const json = JSON.stringify({ v: 1, ...(value as object) });
  const bytes = Buffer.from(json, 'utf8');
  const target = Math.ceil((bytes.length + 1) / PAD_TO) * PAD_TO;
  return new Uint8Array(Buffer.concat([bytes, Buffer.alloc(target - bytes.length, 0x20)]));
}

/**
 * Seals every field group for `personId` to `trusteeSet`. Every group gets an envelope,
 * even an empty one, so the envelopes do not reveal which fields a person has. With a
 * `sealer` (the worker pool) the sealing runs off the event loop; without one it runs here
 * with `random` (tests inject deterministic randomness that way).
 */
export async function sealIdentity(
  groups: Record<FieldGroup, Record<string, unknown>>,
  context: { personId: string; trusteeSet: TrusteeSet; escrowKey?: TrusteeSet; random: Random; sealer?: EnvelopeSealer | undefined },
): Promise<SealedEnvelope[]> {
  const { personId, trusteeSet, escrowKey, random, sealer } = context;
  const inputs: SealEnvelopeInput[] = FIELD_GROUPS.map((fieldGroup) => ({
    escrowPublicKey: (escrowKey ?? trusteeSet).escrowPublicKey,
    envelopeId: random.uuid(),
    personId,
    trusteeSetId: trusteeSet.id,
    ...(escrowKey === undefined ? {} : { escrowKeyId: escrowKey.id }),
    fieldGroup,
    plaintext: padded(groups[fieldGroup]),
  }));
  try {
    const envelopes = sealer ? await sealer.seal(inputs) : inputs.map((input) => sealEnvelope(input, random));
    return envelopes.map((envelope) => ({ envelope }));
  } finally {
    for (const input of inputs) input.plaintext.fill(0);
  }
}
