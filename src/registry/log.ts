/**
 * What the registry writes to the transparency log (encoded by src/tlog's
 * `encodeEntry`, whose schema admits only ids, hashes, times, counts and enums), and
 * the outbox adapter that queues it. A person appears only as `subject`, an HMAC of
 * the internal person id under a key-directory secret: the person can be shown their
 * own subject, but nobody holding an envelope (which names the person id) can link it
 * to log entries.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../core/index.ts';
import { type Envelope, envelopeBinding, type TrusteeSet } from '../crypto/index.ts';
import type { Tx } from '../store/index.ts';
import { encodeEntry, entryTime } from '../tlog/index.ts';
import type { FieldGroup, RegistryLog } from './types.ts';

/** Person events that reach the public log (the rest stay in the person's own history). */
export type LoggedPersonAction = 'enrolled' | 'recovered' | 'reinstated' | 'closed' | 'swept';

/** Why an envelope was destroyed. */
export type DestructionReason = 'retention_expired' | 'superseded';

/** Derives the log-subject HMAC key, so the key-directory secret serves this one purpose. */
export function logSubjectKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update('mvid log subject key v1').digest());
}

/** The person's salted commitment in the log: HMAC-SHA256(subject key, person id), base64url. */
export function personSubject(subjectKey: Uint8Array, personId: string): string {
  return createHmac('sha256', subjectKey).update(personId).digest('base64url');
}

/** Enrolment, recovery, reopening (`reinstated`), closure or sweep of a person. */
export function personEventEntry(
  subjectKey: Uint8Array,
  personId: string,
  action: LoggedPersonAction,
  at: Date,
  issuerId?: string,
): Uint8Array {
  const subject = personSubject(subjectKey, personId);
  return encodeEntry({
    type: 'person_event',
    time: entryTime(at),
    action,
    subject,
    ...(issuerId === undefined ? {} : { issuer: issuerId }),
  });
}

/** How a trustee set's key was made, for its log entry. */
export type TrusteeSetCeremony =
  | { kind: 'dealer' }
  | { kind: 'dkg'; transcript: string; disqualified: number }
  | { kind: 'reshare'; from: string; transcript: string; disqualified: number };

/** A trustee set taking office (and the one it replaces). */
export function trusteeSetEntry(set: TrusteeSet, at: Date, replaces?: string, ceremony?: TrusteeSetCeremony): Uint8Array {
  return encodeEntry({
    type: 'trustee_set',
    time: entryTime(at),
    trusteeSet: set.id,
    threshold: set.threshold,
    trusteeCount: set.trustees.length,
    escrowKey: set.escrowPublicKey,
    ...(replaces === undefined ? {} : { replaces }),
    ...(ceremony === undefined ? {} : { ceremony: ceremony.kind }),
    ...(ceremony?.kind === 'dkg' || ceremony?.kind === 'reshare'
      ? { transcript: ceremony.transcript, disqualified: ceremony.disqualified }
      : {}),
    ...(ceremony?.kind === 'reshare' ? { resharedFrom: ceremony.from } : {}),
  });
}

/** The tag service's evaluation count as of an enrolment or recovery (see docs/threat-model.md). */
export function tagEvaluationsEntry(servicePublicKey: string, count: number, at: Date): Uint8Array {
  return encodeEntry({ type: 'tag_evaluations', time: entryTime(at), service: servicePublicKey, count });
}

/** An escrow envelope sealed for a person: the commitment disclosure later checks the envelope against. */
export function envelopeSealedEntry(envelope: Envelope, at: Date): Uint8Array {
  return encodeEntry({
    type: 'envelope_sealed',
    time: entryTime(at),
    envelope: envelope.envelopeId,
    trusteeSet: envelope.trusteeSetId,
    fieldGroup: envelope.fieldGroup as FieldGroup,
    binding: envelopeBinding(envelope),
  });
}

/** An escrow envelope deleted by the retention sweeper. */
export function envelopeDestroyedEntry(
  subjectKey: Uint8Array,
  envelope: { id: string; personId: string; trusteeSetId: string; fieldGroup: FieldGroup },
  reason: DestructionReason,
  at: Date,
): Uint8Array {
  return encodeEntry({
    type: 'envelope_destroyed',
    time: entryTime(at),
    envelope: envelope.id,
    subject: personSubject(subjectKey, envelope.personId),
    trusteeSet: envelope.trusteeSetId,
    fieldGroup: envelope.fieldGroup,
    reason,
  });
}

/**
 * The log port backed by the `log_outbox` table: rows are inserted in the caller's
 * transaction; the log integrates them in `id` order and deletes each integrated row
 * in its own transaction (see docs/registry.md, "Log outbox").
 */
export function outboxLog(clock: Clock): RegistryLog {
  return {
    async enqueue(tx: Tx, entries: Uint8Array[]): Promise<void> {
      if (entries.length === 0) return;
      const queuedAt = clock.now().toISOString();
      await tx
        .insertInto('log_outbox')
        .values(entries.map((entry) => ({ entry, queued_at: queuedAt })))
        .execute();
    },
  };
}
