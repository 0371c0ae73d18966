/**
 * What the authority gets once M trustees have uploaded: the requested envelopes, the
 * trustee set, and every sealed share, all useless to the server itself. The authority
 * opens them on its own machine (authority-client.ts) and then records receipt, which
 * closes the request and starts nothing new: the notification clock began at release.
 */
import { type Clock, MvidError, ValidationError } from '../core/index.ts';
import type { Envelope, SealedMessage, TrusteeSet } from '../crypto/index.ts';
import type { Store } from '../store/index.ts';
import {
  type CourtOrderOpening,
  closedEntry,
  logTime,
  type OffenceOpening,
  type ReceiptOpening,
  receiptCommitment,
  receiptEntry,
  type SubjectOpening,
} from './commitments.ts';
import type { Ledger, LoggedEvent } from './ledger.ts';
import { openingsOf, type Requests } from './requests.ts';
import type { ShownEntry } from './quorum.ts';
import type { AuthorityRecord, EscrowDirectory } from './types.ts';

export interface ReleaseMaterial {
  requestId: string;
  /** The time and expiry written in the logged request entry, so the authority can rebuild it. */
  createdAt: string;
  expiresAt: string;
  trusteeSet: TrusteeSet;
  /** The pseudonym VRF key the subject's proof verifies under (the authority may pin it). */
  pseudonymKey: string;
  subject: SubjectOpening;
  courtOrder: CourtOrderOpening;
  offence: OffenceOpening;
  envelopes: Envelope[];
  /** The retention-epoch keys the envelopes are sealed to: their verification keys check the partials. */
  escrowKeys: TrusteeSet[];
  shares: Array<{ trusteeIndex: number; sealed: SealedMessage }>;
  events: LoggedEvent[];
  /** The authority as the logged request's authority id commits to it. */
  authority: AuthorityRecord;
  /** The logged entries the authority client proves before it trusts any of the above. */
  requestEntry: ShownEntry;
  trusteeSetEntry: ShownEntry | null;
  /** The `trustee_set` entries proving which sets' keys this set holds by resharing (release-verify.ts). */
  trusteeSetLineage: ShownEntry[];
  approvalEntries: ShownEntry[];
  releaseEntries: ShownEntry[];
  /** Trustee indices of the shares the release entries' transcripts commit to (the first M). */
  releasedWith: number[];
}

export interface ReceiptInput {
  envelopes: Array<{ envelopeId: string; usedTrustees: number[]; badTrustees: string[]; salt: string }>;
}

export class Releases {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ledger: Ledger;
  readonly #requests: Requests;
  readonly #escrow: EscrowDirectory;
  readonly #pseudonymKey: string;

  constructor(deps: { store: Store; clock: Clock; ledger: Ledger; requests: Requests; escrow: EscrowDirectory; pseudonymKey: string }) {
    this.#pseudonymKey = deps.pseudonymKey;
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#ledger = deps.ledger;
    this.#requests = deps.requests;
    this.#escrow = deps.escrow;
  }

  /** @throws MvidError not_found | release_not_ready */
  async material(authority: AuthorityRecord, requestId: string): Promise<ReleaseMaterial> {
    const row = await this.#requests.ofAuthority(authority.id, requestId);
    if (row.released_at === null)
      throw new MvidError('release_not_ready', `fewer than ${row.threshold} trustees have released their shares`);
    const { subject, courtOrder, offence } = openingsOf(row);
    const set = await this.#escrow.trusteeSet(row.trustee_set_id);
    if (!set) throw new MvidError('internal_error', `trustee set ${row.trustee_set_id} vanished`);
    // Exactly the envelopes the logged request committed to: no other group can be asked for.
    const envelopes = await this.#escrow.envelopesById(subject.envelopes.map((e) => e.envelopeId));
    const shares = await this.#store.db
      .selectFrom('disclosure_shares')
      .select(['trustee_index', 'sealed_json', 'in_release'])
      .where('request_id', '=', requestId)
      .orderBy('trustee_index')
      .execute();
    const [requestEntry] = await this.#ledger.shownEntries(requestId, 'disclosure_request');
    if (!requestEntry) throw new MvidError('internal_error', `request ${requestId} has no logged entry`);
    const setEntry = await this.#escrow.trusteeSetLogEntry(set.id);
    return {
      requestId,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      trusteeSet: set,
      pseudonymKey: this.#pseudonymKey,
      subject,
      courtOrder,
      offence,
      envelopes,
      // The keys the request's trustees opened with, and the keys those hold by resharing (matched by public key).
      escrowKeys: (
        await this.#escrow.escrowKeysOf(
          envelopes.map((e) => e.envelopeId),
          set.id,
        )
      ).flatMap((k) => (k.sealedTo ? [k.key, k.sealedTo] : [k.key])),
      shares: shares.map((s) => ({ trusteeIndex: s.trustee_index, sealed: JSON.parse(s.sealed_json) as SealedMessage })),
      events: await this.#ledger.eventsOf(requestId),
      authority,
      requestEntry,
      trusteeSetEntry: setEntry === undefined ? null : await this.#ledger.shown(setEntry),
      trusteeSetLineage: await this.#ledger.shownLineage(this.#escrow, set.id),
      approvalEntries: await this.#ledger.shownEntries(requestId, 'trustee_approval'),
      releaseEntries: await this.#ledger.shownEntries(requestId, 'release'),
      releasedWith: shares.filter((s) => s.in_release === 1).map((s) => s.trustee_index),
    };
  }

  /**
   * Records that the authority opened the envelopes: one `release_receipt` per
   * envelope, then `request_closed` (released).
   * @throws MvidError not_found | release_not_ready | disclosure_request_closed | validation_failed
   */
  async receipt(authority: AuthorityRecord, requestId: string, input: ReceiptInput): Promise<{ indices: number[] }> {
    const now = this.#clock.now();
    const time = logTime(now);
    const leaves = await this.#store.transaction(async (tx) => {
      await this.#store.lock(tx, `disclosure:request:${requestId}`);
      const row = await tx.selectFrom('disclosure_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
      if (!row || row.authority_id !== authority.id) throw new MvidError('not_found', `no request ${requestId}`);
      if (row.released_at === null) throw new MvidError('release_not_ready', 'nothing was released yet');
      if (row.received_at !== null || row.status === 'closed')
        throw new MvidError('disclosure_request_closed', `request ${requestId} is closed`);
      const committed = openingsOf(row).subject.envelopes.map((e) => e.envelopeId);
      const entries: Uint8Array[] = [];
      for (const e of input.envelopes) {
        if (!committed.includes(e.envelopeId))
          throw new ValidationError(`envelope ${e.envelopeId} is not part of this request`, 'envelopes');
        const opening: ReceiptOpening = {
          requestId,
          envelopeId: e.envelopeId,
          usedTrustees: e.usedTrustees,
          badTrustees: e.badTrustees,
          salt: e.salt,
        };
        entries.push(
          receiptEntry({ time, requestId, envelopeId: e.envelopeId, authorityId: authority.id, receipt: receiptCommitment(opening) }),
        );
      }
      if (entries.length === 0) throw new ValidationError('name the envelopes received', 'envelopes');
      entries.push(closedEntry(time, requestId, 'released'));
      await tx
        .updateTable('disclosure_requests')
        .set({ status: 'closed', outcome: 'released', received_at: now.toISOString(), closed_at: now.toISOString() })
        .where('id', '=', requestId)
        .execute();
      // The partials did their work: nothing sealed outlives the receipt (it commits with the receipt's entries).
      await tx.deleteFrom('disclosure_shares').where('request_id', '=', requestId).execute();
      return this.#ledger.record(tx, requestId, entries);
    });
    const indices = await this.#ledger.settle(leaves);
    return { indices: leaves.map((h) => indices.get(h)).filter((i): i is number => i !== undefined) };
  }
}
