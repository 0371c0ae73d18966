/**
 * The chain a disclosure request must carry, checked by the trustee client and the
 * authority client, never by the server (issue 12, attack 2 — envelope substitution):
 *
 *   pseudonym P in world W  →  person id X  →  envelopes logged for X  →  the named field groups
 *
 * 1. P → X: the subject opening holds X and a VRF proof (src/crypto vrf.ts) that P is the
 *    VRF output of `world:W ‖ 0x00 ‖ X` under the pseudonym key. Nobody, the key holder
 *    included, can prove P for another X; and under the pinned key, P is exactly the `sub`
 *    the world was given. A blind sign-in pseudonym (issue 20) opens the same way one step
 *    further: the proof is for `blind-nym ‖ 0x00 ‖ X`, its output gives X's pseudonym
 *    secret, and P must be that secret's pseudonym in W (src/crypto blind-signin.ts).
 * 2. X → envelopes: at enrolment each envelope's binding (envelope id, X, trustee set,
 *    field group, SHA-256 of C1) went to the public log as an `envelope_sealed` entry. The
 *    client rebuilds that entry from the committed envelope and X and proves it included
 *    under a checkpoint signed by the pinned log key; another person's envelope was logged
 *    with another person id and has no such entry.
 * 3. envelopes → groups: the rebuilt entry names the field group, so an envelope cannot be
 *    passed off as another group; the clients compare the groups with the order separately.
 *
 * And the authority decrypts with associated data built from these checked facts
 * (`boundEnvelope`), never from the envelope's own header. Every refusal is
 * `subject_binding_invalid`, with what differed in the message.
 */
import { MvidError } from '../core/index.ts';
import { type Envelope, envelopeBinding, pseudonymInput, vrfVerify } from '../crypto/index.ts';
import { blindNymInput, blindPseudonym, isBlindPseudonym, nymFromVrfOutput } from '../bbs/index.ts';
import { type Checkpoint, encodeEntry, type LogEvent, type LogEventOf } from '../tlog/index.ts';
import type { SubjectEnvelope, SubjectOpening } from './commitments.ts';
import type { ApiClient } from './http-client.ts';
import { proveIncluded } from './log-verify.ts';

function refuse(message: string): MvidError {
  return new MvidError('subject_binding_invalid', message);
}

/** The `envelope_sealed` entry the registry logged for this envelope of person `personId`. */
export function sealedEntryOf(e: SubjectEnvelope, personId: string, trusteeSetId: string, time: string): Uint8Array {
  const event = {
    type: 'envelope_sealed',
    time,
    envelope: e.envelopeId,
    trusteeSet: trusteeSetId,
    fieldGroup: e.fieldGroup,
    binding: envelopeBinding({ envelopeId: e.envelopeId, personId, trusteeSetId, fieldGroup: e.fieldGroup, c1: e.c1 }),
  } as LogEventOf<'envelope_sealed'>;
  try {
    return encodeEntry(event);
  } catch {
    throw refuse(`envelope ${e.envelopeId}: its field group or ids cannot be a logged envelope`);
  }
}

/**
 * The set an envelope was sealed to: the request's, or — named in its sealed-entry
 * reference — one whose key the request's set holds by resharing (`holds`, from the
 * set's logged lineage: release-verify.ts `keyLineage`).
 * @throws MvidError subject_binding_invalid
 */
export function sealedSetOf(subject: SubjectOpening, envelopeId: string, trusteeSetId: string, holds: readonly string[]): string {
  const named = subject.sealed?.find((s) => s.envelopeId === envelopeId)?.trusteeSet;
  if (named === undefined || named === trusteeSetId) return trusteeSetId;
  if (!holds.includes(named))
    throw refuse(`envelope ${envelopeId} was sealed to ${named}, a set whose key ${trusteeSetId} is not shown to hold`);
  return named;
}

/**
 * Checks what needs no log: the pseudonym proof opens to the target, and every committed
 * envelope has exactly one sealed-entry reference.
 * @throws MvidError subject_binding_invalid
 */
export function checkSubjectChain(subject: SubjectOpening, pseudonymKey: string): void {
  if (typeof subject.personId !== 'string' || subject.personId === '' || subject.pseudonymProof === undefined)
    throw refuse('the request names no person id and pseudonym proof');
  const blind = isBlindPseudonym(subject.target);
  const input = blind ? blindNymInput(subject.personId) : pseudonymInput(subject.worldId, subject.personId);
  const output = vrfVerify(pseudonymKey, input, subject.pseudonymProof);
  if (output === undefined) throw refuse('the pseudonym proof does not verify for this person id under the pseudonym key');
  const pseudonym = blind ? blindPseudonym(subject.worldId, nymFromVrfOutput(output)) : output;
  if (pseudonym !== subject.target) throw refuse('the pseudonym proof is for another pseudonym than the request’s target');
  const ids = subject.envelopes.map((e) => e.envelopeId);
  if (new Set(ids).size !== ids.length) throw refuse('an envelope is named twice');
  for (const id of ids)
    if ((subject.sealed ?? []).filter((s) => s.envelopeId === id).length !== 1)
      throw refuse(`envelope ${id} has no reference to its enrolment log entry`);
}

/**
 * The whole chain: `checkSubjectChain`, then each envelope's `envelope_sealed` entry,
 * rebuilt from the committed facts, proven in the log under `checkpoint`.
 * @throws MvidError subject_binding_invalid
 */
export async function verifySubjectBinding(
  api: ApiClient,
  subject: SubjectOpening,
  trusteeSetId: string,
  checkpoint: Checkpoint,
  pseudonymKey: string,
  holds: readonly string[] = [],
): Promise<void> {
  checkSubjectChain(subject, pseudonymKey);
  for (const e of subject.envelopes) {
    const sealed = subject.sealed.find((s) => s.envelopeId === e.envelopeId);
    const entry = sealedEntryOf(e, subject.personId, sealedSetOf(subject, e.envelopeId, trusteeSetId, holds), sealed?.time ?? '');
    try {
      await proveIncluded(api, entry, sealed?.logIndex, checkpoint, `the enrolment entry of envelope ${e.envelopeId}`);
    } catch (error) {
      if (error instanceof MvidError && error.code === 'log_entry_missing')
        throw refuse(`envelope ${e.envelopeId} (${e.fieldGroup}) was not logged as this person’s: ${error.message}`);
      throw error;
    }
  }
}

/**
 * The envelope to decrypt, its header (and so its associated data) taken from the checked
 * request: the proven person id, the request's trustee set, the committed id, group and C1.
 * An envelope whose own header says otherwise is refused before any decryption.
 * @throws MvidError subject_binding_invalid
 */
export function boundEnvelope(
  envelope: Envelope | undefined,
  committed: SubjectEnvelope,
  personId: string,
  trusteeSetId: string,
): Envelope {
  if (!envelope) throw refuse(`envelope ${committed.envelopeId} is missing from the release`);
  const header = { envelopeId: committed.envelopeId, personId, trusteeSetId, fieldGroup: committed.fieldGroup, c1: committed.c1 };
  for (const [field, value] of Object.entries(header))
    if (envelope[field as keyof typeof header] !== value)
      throw refuse(`envelope ${committed.envelopeId}: its ${field} is not the one the request committed to`);
  return { ...envelope, ...header };
}

/**
 * Envelope ids the log shows sealed more than once. Enrolment and recovery seal every
 * envelope under a fresh id, so a second `envelope_sealed` entry for one id is a forged
 * binding (an operator holding the log key re-binding someone's envelope to another
 * person id): anyone reading the log (`parseLogEntries`) can run this.
 */
export function resealedEnvelopes(events: readonly LogEvent[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const e of events) {
    if (e.type !== 'envelope_sealed') continue;
    if (seen.has(e.envelope)) twice.add(e.envelope);
    seen.add(e.envelope);
  }
  return [...twice];
}
