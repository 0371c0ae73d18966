/**
 * What the registry writes to the transparency log, and the outbox adapter that
 * queues it. Entries carry ids and hashes only — never a name, number or date of
 * birth: a person appears as `personRef`, a hash of the internal person id, so the
 * person (who knows their id) can find their own entries and nobody else learns it.
 */
import { createHash } from 'node:crypto';
import { type Clock, toBase64Url, utf8 } from '../core/index.ts';
import type { TrusteeSet } from '../crypto/index.ts';
import type { Tx } from '../store/index.ts';
import type { RegistryLog } from './types.ts';

/** Person events that reach the public log (the rest stay in the person's own history). */
export type LoggedPersonEvent = 'enrolled' | 'recovered' | 'closed' | 'swept';

/** The public handle of a person in the log: SHA-256("mvid person ref v1" ‖ person id), base64url. */
export function personRef(personId: string): string {
  return toBase64Url(createHash('sha256').update('mvid person ref v1\0').update(personId).digest());
}

/** Canonical JSON (sorted keys): the same event always encodes to the same bytes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function encodeEntry(event: Record<string, unknown>): Uint8Array {
  return utf8(canonical({ v: 1, ...event }));
}

/** A person's enrolment, recovery, closure or sweep. */
export function personEventEntry(personId: string, event: LoggedPersonEvent, at: Date): Uint8Array {
  return encodeEntry({ type: 'person_event', event, personRef: personRef(personId), at: at.toISOString() });
}

/** A trustee set taking office: its id commits to threshold, trustees and commitments. */
export function trusteeSetEntry(set: TrusteeSet, at: Date): Uint8Array {
  return encodeEntry({
    type: 'trustee_set',
    trusteeSetId: set.id,
    threshold: set.threshold,
    trusteeCount: set.trustees.length,
    escrowPublicKey: set.escrowPublicKey,
    at: at.toISOString(),
  });
}

/** An escrow envelope deleted by the retention sweeper. */
export function envelopeDestroyedEntry(
  envelope: { id: string; personId: string; trusteeSetId: string; fieldGroup: string },
  at: Date,
): Uint8Array {
  return encodeEntry({
    type: 'envelope_destroyed',
    envelopeId: envelope.id,
    personRef: personRef(envelope.personId),
    trusteeSetId: envelope.trusteeSetId,
    fieldGroup: envelope.fieldGroup,
    at: at.toISOString(),
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
