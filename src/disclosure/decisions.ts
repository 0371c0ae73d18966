/**
 * Trustee decisions and shares. A decision is logged before anything else can follow
 * from it: shares are accepted only from a trustee whose approval the log already
 * holds, and the release entries are written when the M-th sealed share arrives.
 * N−M+1 denials make a quorum impossible, so they close the request.
 */
import { type Clock, MvidError, ValidationError } from '../core/index.ts';
import type { SealedMessage } from '../crypto/index.ts';
import type { Store, Tx } from '../store/index.ts';
import {
  closedEntry,
  decisionEntry,
  delayExtendedEntry,
  leafHashOf,
  logTime,
  releaseEntry,
  type StatementOpening,
  statementCommitment,
  transcriptCommitment,
} from './commitments.ts';
import type { Ledger } from './ledger.ts';
import { openingsOf, type RequestRow } from './requests.ts';
import type { TrusteePrincipal } from './trustees.ts';
import { DENIAL_REASONS, type DenialReason } from './types.ts';
import { DAY_MS, addMs } from './util.ts';

export interface DecisionInput {
  decision: 'approve' | 'deny';
  reason?: DenialReason;
  statement: { text: string; salt: string };
}

export interface RecordedDecision {
  subjectId: string;
  kind: 'request' | 'extension';
  decision: 'approve' | 'deny';
  /** The time written in the logged entry. */
  time: string;
  statement: string;
  statementOpening: StatementOpening;
  leafHash: string;
  logIndex: number | undefined;
}

const SALT = /^[A-Za-z0-9_-]{22,86}$/;

function checkSealed(value: unknown): SealedMessage {
  const s = value as Partial<SealedMessage> | null;
  const ok =
    typeof s === 'object' &&
    s !== null &&
    s.version === 1 &&
    [s.epk, s.nonce, s.ciphertext].every((v) => typeof v === 'string' && /^[A-Za-z0-9_-]+$/.test(v)) &&
    (s.ciphertext as string).length <= 96 * 1024;
  if (!ok) throw new ValidationError('sealed is a sealed message (version, epk, nonce, ciphertext)', 'sealed');
  return { version: 1, epk: s.epk as string, nonce: s.nonce as string, ciphertext: s.ciphertext as string };
}

export class Decisions {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ledger: Ledger;

  constructor(store: Store, clock: Clock, ledger: Ledger) {
    this.#store = store;
    this.#clock = clock;
    this.#ledger = ledger;
  }

  /**
   * The request a trustee may act on: its own set's and still open for this act. A
   * released request still takes approvals and shares (a spare share helps when another
   * is bad) but no denials; an extension needs a released request, even a received one.
   */
  async #openFor(
    tx: Tx,
    trustee: TrusteePrincipal,
    requestId: string,
    act: 'approve' | 'deny' | 'share' | 'extension',
  ): Promise<RequestRow> {
    const row = await tx.selectFrom('disclosure_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
    if (!row || row.trustee_set_id !== trustee.trusteeSetId) throw new MvidError('not_found', `no request ${requestId} for this trustee`);
    const open = act === 'extension' ? row.released_at !== null : row.status === 'pending' || (row.status === 'released' && act !== 'deny');
    if (!open) throw new MvidError('disclosure_request_closed', `request ${requestId} is ${row.outcome ?? row.status}`);
    if (row.status === 'pending' && this.#clock.now().toISOString() >= new Date(row.expires_at).toISOString()) {
      throw new MvidError('request_expired', `request ${requestId} expired at ${row.expires_at}`);
    }
    return row;
  }

  /**
   * Logs a trustee's approval or denial of a request (or, with `extensionId`, of a
   * notification-delay extension). Repeating the same decision returns the first.
   * @throws MvidError not_found | disclosure_request_closed | request_expired | trustee_already_decided | validation_failed
   */
  async decide(trustee: TrusteePrincipal, requestId: string, input: DecisionInput, extensionId?: string): Promise<RecordedDecision> {
    if (!SALT.test(input.statement.salt)) throw new ValidationError('statement.salt is 16-64 random bytes, base64url', 'statement.salt');
    if (input.decision === 'deny' && (input.reason === undefined || !DENIAL_REASONS.includes(input.reason))) {
      throw new ValidationError(`a denial names its reason: ${DENIAL_REASONS.join(', ')}`, 'reason');
    }
    const kind = extensionId === undefined ? 'request' : 'extension';
    const subjectId = extensionId ?? requestId;
    const opening: StatementOpening = {
      subjectId,
      kind,
      decision: input.decision,
      reason: input.decision === 'deny' ? (input.reason as DenialReason) : null,
      text: input.statement.text,
      trustee: trustee.verificationKey,
      salt: input.statement.salt,
    };
    const now = this.#clock.now();
    const time = logTime(now);
    const leaf = await this.#store.transaction(async (tx) => {
      await this.#store.lock(tx, `disclosure:request:${requestId}`);
      const row = await this.#openFor(tx, trustee, requestId, kind === 'extension' ? 'extension' : input.decision);
      if (extensionId !== undefined) await this.#openExtension(tx, row, extensionId);
      const prior = await tx
        .selectFrom('disclosure_decisions')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .where('trustee_index', '=', trustee.trusteeIndex)
        .executeTakeFirst();
      if (prior) {
        if (prior.decision !== input.decision)
          throw new MvidError('trustee_already_decided', `this trustee already decided: ${prior.decision}`);
        return undefined;
      }
      const statement = statementCommitment(opening);
      await tx
        .insertInto('disclosure_decisions')
        .values({
          subject_id: subjectId,
          request_id: requestId,
          trustee_index: trustee.trusteeIndex,
          trustee_key: trustee.verificationKey,
          decision: input.decision,
          reason: opening.reason,
          statement_json: JSON.stringify(opening),
          statement,
          decided_at: time,
        })
        .execute();
      const entries = [
        decisionEntry({ time, subjectId, trustee: trustee.verificationKey, decision: input.decision, reason: opening.reason, statement }),
      ];
      entries.push(...(await this.#consequences(tx, row, subjectId, extensionId, time)));
      const [first] = await this.#ledger.record(tx, requestId, entries, extensionId ?? null);
      return first;
    });
    return this.#recorded(subjectId, trustee.trusteeIndex, leaf);
  }

  async #recorded(subjectId: string, trusteeIndex: number, leaf: string | undefined): Promise<RecordedDecision> {
    await this.#ledger.settle();
    const row = await this.#store.db
      .selectFrom('disclosure_decisions')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .where('trustee_index', '=', trusteeIndex)
      .executeTakeFirstOrThrow();
    const opening = JSON.parse(row.statement_json) as StatementOpening;
    const entry = decisionEntry({
      time: row.decided_at,
      subjectId,
      trustee: row.trustee_key,
      decision: row.decision,
      reason: opening.reason,
      statement: row.statement,
    });
    const leafHash = leaf ?? leafHashOf(entry);
    const index = (await this.#ledger.settle([leafHash])).get(leafHash);
    return {
      subjectId,
      kind: opening.kind,
      decision: row.decision,
      time: row.decided_at,
      statement: row.statement,
      statementOpening: opening,
      leafHash,
      logIndex: index,
    };
  }

  async #openExtension(tx: Tx, row: RequestRow, extensionId: string): Promise<void> {
    const ext = await tx.selectFrom('disclosure_extensions').selectAll().where('id', '=', extensionId).executeTakeFirst();
    if (!ext || ext.request_id !== row.id) throw new MvidError('not_found', `no extension ${extensionId} of request ${row.id}`);
    if (ext.status !== 'pending') throw new MvidError('disclosure_request_closed', `extension ${extensionId} is ${ext.status}`);
    if (this.#clock.now().getTime() >= Date.parse(ext.expires_at))
      throw new MvidError('request_expired', `extension ${extensionId} expired`);
  }

  /** What a new decision entails: a denial quorum closes; an extension approval quorum extends. */
  async #consequences(tx: Tx, row: RequestRow, subjectId: string, extensionId: string | undefined, time: string): Promise<Uint8Array[]> {
    const decisions = await tx.selectFrom('disclosure_decisions').select('decision').where('subject_id', '=', subjectId).execute();
    const approvals = decisions.filter((d) => d.decision === 'approve').length;
    const denials = decisions.length - approvals;
    const blocking = row.trustee_count - row.threshold + 1;
    const nowIso = this.#clock.now().toISOString();
    if (extensionId === undefined) {
      if (denials >= blocking && row.status === 'pending') {
        await tx
          .updateTable('disclosure_requests')
          .set({ status: 'closed', outcome: 'denied', closed_at: nowIso })
          .where('id', '=', row.id)
          .execute();
        return [closedEntry(time, row.id, 'denied')];
      }
      return [];
    }
    const ext = await tx.selectFrom('disclosure_extensions').selectAll().where('id', '=', extensionId).executeTakeFirstOrThrow();
    if (approvals >= row.threshold) {
      await tx.updateTable('disclosure_extensions').set({ status: 'approved', decided_at: nowIso }).where('id', '=', extensionId).execute();
      await tx.updateTable('disclosure_requests').set({ notify_at: ext.until }).where('id', '=', row.id).execute();
      return [delayExtendedEntry(time, row.id, logTime(new Date(ext.until)), ext.court_order)];
    }
    if (denials >= blocking) {
      await tx.updateTable('disclosure_extensions').set({ status: 'denied', decided_at: nowIso }).where('id', '=', extensionId).execute();
    }
    return [];
  }

  /**
   * Stores a trustee's partial decryptions, sealed to the authority (the server cannot
   * read them). The M-th share releases the request: one `release` entry per envelope.
   * @throws MvidError not_found | disclosure_request_closed | request_expired | approval_not_logged | approval_quorum_not_logged | conflict
   */
  async uploadShares(
    trustee: TrusteePrincipal,
    requestId: string,
    sealed: unknown,
  ): Promise<{ shares: number; released: boolean; releaseIndices: number[] }> {
    const message = checkSealed(sealed);
    await this.#ledger.settle();
    const now = this.#clock.now();
    const leaves = await this.#store.transaction(async (tx) => {
      await this.#store.lock(tx, `disclosure:request:${requestId}`);
      const row = await this.#openFor(tx, trustee, requestId, 'share');
      const approval = await tx
        .selectFrom('disclosure_decisions')
        .select(['decision', 'decided_at', 'statement'])
        .where('subject_id', '=', requestId)
        .where('trustee_index', '=', trustee.trusteeIndex)
        .executeTakeFirst();
      const logged =
        approval?.decision === 'approve' &&
        (await tx
          .selectFrom('disclosure_events')
          .select('log_index')
          .where('request_id', '=', requestId)
          .where('type', '=', 'trustee_approval')
          .where('log_index', 'is not', null)
          .where('leaf_hash', '=', leafOfApproval(requestId, trustee, approval.decided_at, approval.statement))
          .executeTakeFirst()) !== undefined;
      if (!logged) throw new MvidError('approval_not_logged', 'shares are accepted only after this trustee’s approval is in the log');
      await requireLoggedQuorum(tx, row);
      const existing = await tx
        .selectFrom('disclosure_shares')
        .select('trustee_index')
        .where('request_id', '=', requestId)
        .where('trustee_index', '=', trustee.trusteeIndex)
        .executeTakeFirst();
      if (existing) throw new MvidError('conflict', 'this trustee already uploaded its shares');
      await tx
        .insertInto('disclosure_shares')
        .values({
          request_id: requestId,
          trustee_index: trustee.trusteeIndex,
          sealed_json: JSON.stringify(message),
          uploaded_at: now.toISOString(),
        })
        .execute();
      const shares = await tx
        .selectFrom('disclosure_shares')
        .select(['trustee_index', 'sealed_json'])
        .where('request_id', '=', requestId)
        .execute();
      if (row.status !== 'pending' || shares.length < row.threshold) return { count: shares.length, leaves: [] as string[] };
      const time = logTime(now);
      const notifyAt = addMs(now, row.notification_delay_days * DAY_MS).toISOString();
      await tx
        .updateTable('disclosure_requests')
        .set({ status: 'released', released_at: now.toISOString(), notify_at: notifyAt })
        .where('id', '=', requestId)
        .execute();
      await tx.updateTable('disclosure_shares').set({ in_release: 1 }).where('request_id', '=', requestId).execute();
      const sealedShares = shares.map((s) => ({ trusteeIndex: s.trustee_index, sealedJson: s.sealed_json }));
      const entries = openingsOf(row).subject.envelopes.map((e) =>
        releaseEntry({
          time,
          requestId,
          envelopeId: e.envelopeId,
          approvals: shares.length,
          transcript: transcriptCommitment(requestId, e.envelopeId, sealedShares),
        }),
      );
      return { count: shares.length, leaves: await this.#ledger.record(tx, requestId, entries) };
    });
    const indices = await this.#ledger.settle(leaves.leaves);
    return {
      shares: leaves.count,
      released: leaves.leaves.length > 0,
      releaseIndices: leaves.leaves.map((h) => indices.get(h)).filter((i): i is number => i !== undefined),
    };
  }
}

/**
 * Quorum-gated release on the server: no sealed share is stored for a request before
 * the log holds M approvals of it, so a request that is denied, withdrawn or expires
 * first leaves nothing behind to pool (issue 12, attack 1). Trustee clients check the
 * same thing against the log themselves; this is the honest server's half.
 */
async function requireLoggedQuorum(tx: Tx, row: RequestRow): Promise<void> {
  const approvals = await tx
    .selectFrom('disclosure_events')
    .select('id')
    .where('request_id', '=', row.id)
    .where('extension_id', 'is', null)
    .where('type', '=', 'trustee_approval')
    .where('log_index', 'is not', null)
    .execute();
  if (approvals.length < row.threshold) {
    throw new MvidError(
      'approval_quorum_not_logged',
      `the log holds ${approvals.length} approval(s) of request ${row.id}; shares are accepted after ${row.threshold}`,
    );
  }
}

function leafOfApproval(requestId: string, trustee: TrusteePrincipal, time: string, statement: string): string {
  // Recomputed rather than looked up by type alone: the trustee's own approval, nothing else, unlocks its shares.
  return leafHashOf(
    decisionEntry({ time, subjectId: requestId, trustee: trustee.verificationKey, decision: 'approve', reason: null, statement }),
  );
}
