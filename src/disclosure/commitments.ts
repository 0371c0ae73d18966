/**
 * What disclosure writes to the public log, and the openings behind it. Log entries
 * carry only ids, hashes and times, so every fact a trustee, an authority or the
 * person must check is a SHA-256 commitment (src/crypto `commit`) to a canonical
 * JSON "opening". Openings that could be guessed (a pseudonym, a case reference) carry
 * a random salt; the offence opening is public on purpose (the transparency report is
 * recomputed from it) and has none.
 *
 * These functions are pure and shared by the server and the clients, so both sides
 * build byte-identical entries from the same facts.
 */
import { toBase64Url, utf8 } from '../core/index.ts';
import { commit, type VrfProof } from '../crypto/index.ts';
import { encodeEntry, entryTime, hashLeaf } from '../tlog/index.ts';
import type { DenialReason } from './types.ts';

/** JSON with object keys sorted at every level: one value, one byte string. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** base64url(commit(domain, canonical JSON)): a 32-byte value the log's `hash`/`id` fields accept. */
export function commitJson(domain: string, opening: unknown): string {
  return toBase64Url(commit(`mvid/disclosure/${domain}/v1`, utf8(canonicalJson(opening))));
}

/** Public facts of an authority; its id is their commitment, so the id pins its encryption key. */
export interface AuthorityOpening {
  name: string;
  jurisdiction: string;
  encryptionKey: string;
  registeredAt: string;
}

export interface SubjectEnvelope {
  fieldGroup: string;
  envelopeId: string;
  /** C1 of the envelope: trustees decrypt exactly these points and nothing else. */
  c1: string;
}

/** Where the `envelope_sealed` entry of one envelope sits in the log (see subject-binding.ts). */
export interface SealedEnvelopeRef {
  envelopeId: string;
  /** The entry's time (when the envelope was sealed). */
  time: string;
  logIndex: number;
  /**
   * The trustee set the envelope was sealed to, when it is not the request's: the request's set then holds
   * that set's key by resharing (its logged lineage shows it), and the envelope's associated data names this one.
   */
  trusteeSet?: string;
}

/**
 * Who is targeted and which ciphertexts may be opened. Salted: nobody can test a guess.
 * `target` is always the world pseudonym (never a handle); `personId` and `pseudonymProof`
 * prove it belongs to that person id, and `sealed` points at the log entries binding each
 * envelope to that person id (subject-binding.ts checks the chain).
 */
export interface SubjectOpening {
  worldId: string;
  target: string;
  personId: string;
  pseudonymProof: VrfProof;
  envelopes: SubjectEnvelope[];
  sealed: SealedEnvelopeRef[];
  salt: string;
}

/** The court order (case references can be sensitive, hence the salt). */
export interface CourtOrderOpening {
  court: string;
  reference: string;
  date: string;
  documentSha256: string;
  fieldGroups: string[];
  salt: string;
}

/** The public terms of a request: what the transparency report counts. */
export interface OffenceOpening {
  category: string;
  statute: string;
  emergency: boolean;
  fieldGroups: string[];
  jurisdiction: string;
  notificationDelayDays: number;
}

/** A trustee's reasons; only the commitment is public. */
export interface StatementOpening {
  subjectId: string;
  kind: 'request' | 'extension';
  decision: 'approve' | 'deny';
  reason: DenialReason | null;
  text: string;
  trustee: string;
  salt: string;
}

export const authorityId = (o: AuthorityOpening): string => commitJson('authority', o);
export const subjectCommitment = (o: SubjectOpening): string => commitJson('subject', o);
export const courtOrderCommitment = (o: CourtOrderOpening): string => commitJson('court-order', o);
export const offenceCommitment = (o: OffenceOpening): string => commitJson('offence', o);
export const statementCommitment = (o: StatementOpening): string => commitJson('statement', o);

/** Commits to the sealed shares a release was built from (the server cannot see inside them). */
export function transcriptCommitment(
  requestId: string,
  envelopeId: string,
  sealed: ReadonlyArray<{ trusteeIndex: number; sealedJson: string }>,
): string {
  const shares = [...sealed]
    .sort((a, b) => a.trusteeIndex - b.trusteeIndex)
    .map((s) => ({ trusteeIndex: s.trusteeIndex, sealed: commitJson('sealed-share', s.sealedJson) }));
  return commitJson('transcript', { requestId, envelopeId, shares });
}

/** What the authority states it received for one envelope (no plaintext, which could be guessed). */
export interface ReceiptOpening {
  requestId: string;
  envelopeId: string;
  usedTrustees: number[];
  badTrustees: string[];
  salt: string;
}
export const receiptCommitment = (o: ReceiptOpening): string => commitJson('receipt', o);

/** A random salt, 16 bytes base64url. */
export function newSalt(bytes: (n: number) => Uint8Array): string {
  return toBase64Url(bytes(16));
}

/** Log time of an instant (whole seconds, UTC). */
export const logTime = (date: Date): string => entryTime(date);

export function requestEntry(e: {
  time: string;
  requestId: string;
  authorityId: string;
  subject: string;
  courtOrder: string;
  offence: string;
  trusteeSetId: string;
  expires: string;
}): Uint8Array {
  return encodeEntry({
    type: 'disclosure_request',
    time: e.time,
    request: e.requestId,
    authority: e.authorityId,
    subject: e.subject,
    courtOrder: e.courtOrder,
    offence: e.offence,
    trusteeSet: e.trusteeSetId,
    expires: e.expires,
  });
}

export function decisionEntry(e: {
  time: string;
  subjectId: string;
  trustee: string;
  decision: 'approve' | 'deny';
  reason: DenialReason | null;
  statement: string;
}): Uint8Array {
  if (e.decision === 'approve') {
    return encodeEntry({ type: 'trustee_approval', time: e.time, request: e.subjectId, trustee: e.trustee, statement: e.statement });
  }
  return encodeEntry({
    type: 'trustee_denial',
    time: e.time,
    request: e.subjectId,
    trustee: e.trustee,
    reason: e.reason ?? 'other',
    statement: e.statement,
  });
}

export function releaseEntry(e: {
  time: string;
  requestId: string;
  envelopeId: string;
  approvals: number;
  transcript: string;
}): Uint8Array {
  return encodeEntry({
    type: 'release',
    time: e.time,
    request: e.requestId,
    envelope: e.envelopeId,
    approvals: e.approvals,
    transcript: e.transcript,
  });
}

export function receiptEntry(e: { time: string; requestId: string; envelopeId: string; authorityId: string; receipt: string }): Uint8Array {
  return encodeEntry({
    type: 'release_receipt',
    time: e.time,
    request: e.requestId,
    envelope: e.envelopeId,
    authority: e.authorityId,
    receipt: e.receipt,
  });
}

export function closedEntry(time: string, requestId: string, outcome: 'released' | 'denied' | 'withdrawn' | 'expired'): Uint8Array {
  return encodeEntry({ type: 'request_closed', time, request: requestId, outcome });
}

export function expiredEntry(time: string, requestId: string): Uint8Array {
  return encodeEntry({ type: 'request_expired', time, request: requestId });
}

export function delayExtendedEntry(time: string, requestId: string, until: string, courtOrder: string): Uint8Array {
  return encodeEntry({ type: 'notification_delay_extended', time, request: requestId, until, courtOrder });
}

/** base64url leaf hash of an entry: how disclosure refers to its own log entries. */
export function leafHashOf(entry: Uint8Array): string {
  return toBase64Url(hashLeaf(entry));
}
